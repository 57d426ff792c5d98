package dev.jitprov.projection;

import dev.jitprov.replica.DrainedAtShutdown;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.CloudEventEnvelope;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * The Kafka side of the projections: one channel and one consumer group for the three of them (application.properties,
 * section Projections; ADR 0015). Records arrive in order per key (stream). The channel receives what one Kafka poll
 * returned ({@code batch=true}), parses each envelope once and hands the batch to the three projections, each of which
 * applies it in a transaction of its own, in parallel; the next poll's records are handed over once all three
 * committed, so per-key order holds. Each projection records its own {@code processed_events} rows and has its own
 * rebuild gate; a rebuild of one holds the channel's next batches, so the other two views wait with it.
 */
@ApplicationScoped
public class ProjectionConsumers {

    public static final String CHANNEL = "projections";

    private static final Logger LOG = Logger.getLogger(ProjectionConsumers.class);

    private final ProjectionApplier applier;
    private final List<Projection> projections;
    private final ObjectMapper json;

    public ProjectionConsumers(ProjectionApplier applier, MembersProjection members, SessionsProjection sessions,
                               AuditProjection audit, ObjectMapper json) {
        this.applier = applier;
        this.projections = List.of(members, sessions, audit);
        this.json = json;
    }

    @DrainedAtShutdown(DrainedAtShutdown.WhenStopping.HOLD)
    @Incoming(CHANNEL)
    public Uni<Void> all(List<String> records) {
        return applyEnvelopes(parse(records, "projections"));
    }

    /**
     * A poll's envelopes, parsed already: from {@link #all} or from the channel the co-located consumers share
     * (channel {@code background-events}, ADR 0016). Never fails.
     */
    public Uni<Void> applyEnvelopes(List<CloudEventEnvelope> envelopes) {
        return apply(applier, projections, projected(envelopes));
    }

    /**
     * Each projection applies the batch in a transaction of its own, the three at once (on three connections, so
     * PostgreSQL works on them in parallel and one view's writes never wait for another's); the batch is done, and
     * its offsets committed, when all three are. Never fails: each projection retries or skips on its own
     * ({@link ProjectionApplier#applyLive(Projection, List)}).
     */
    static Uni<Void> apply(ProjectionApplier applier, List<Projection> projections, List<ProjectedEvent> events) {
        List<Uni<Void>> each = new ArrayList<>(projections.size());
        projections.forEach(projection -> each.add(applier.applyLive(projection, events)));
        return Uni.join().all(each).andCollectFailures().replaceWithVoid();
    }

    /** One projection alone (tests, tools): the path the channel takes, for it only. */
    public Uni<Void> consume(Projection projection, List<String> records) {
        return applier.applyLive(projection, projected(parse(records, "projection " + projection.name())));
    }

    private static List<ProjectedEvent> projected(List<CloudEventEnvelope> envelopes) {
        List<ProjectedEvent> events = new ArrayList<>(envelopes.size());
        envelopes.forEach(envelope -> events.add(ProjectedEvent.of(envelope)));
        return events;
    }

    /** Never fails: a record that is not an envelope is logged and skipped (nothing to dedupe it by). */
    private List<CloudEventEnvelope> parse(List<String> records, String who) {
        return CloudEventEnvelope.parseAll(json, records,
                reason -> LOG.warnf("%s: skipping a record that is not a CloudEvents envelope: %s", who, reason));
    }
}
