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
 * The Kafka side of the projections: one channel and one consumer group per projection (application.properties,
 * section Projections), so each reads the whole topic at its own pace and can be replayed alone. Records arrive in
 * order per key (stream). Each channel receives what one Kafka poll returned ({@code batch=true}) and applies it as
 * one transaction; the next poll's records are handed over once that one committed, so per-key order holds.
 */
@ApplicationScoped
public class ProjectionConsumers {

    public static final String MEMBERS_CHANNEL = "projection-members";
    public static final String SESSIONS_CHANNEL = "projection-sessions";
    public static final String AUDIT_CHANNEL = "projection-audit";

    private static final Logger LOG = Logger.getLogger(ProjectionConsumers.class);

    private final ProjectionApplier applier;
    private final MembersProjection members;
    private final SessionsProjection sessions;
    private final AuditProjection audit;
    private final ObjectMapper json;

    public ProjectionConsumers(ProjectionApplier applier, MembersProjection members, SessionsProjection sessions,
                               AuditProjection audit, ObjectMapper json) {
        this.applier = applier;
        this.members = members;
        this.sessions = sessions;
        this.audit = audit;
        this.json = json;
    }

    @DrainedAtShutdown(DrainedAtShutdown.WhenStopping.HOLD)
    @Incoming(MEMBERS_CHANNEL)
    public Uni<Void> members(List<String> records) {
        return consume(members, records);
    }

    @DrainedAtShutdown(DrainedAtShutdown.WhenStopping.HOLD)
    @Incoming(SESSIONS_CHANNEL)
    public Uni<Void> sessions(List<String> records) {
        return consume(sessions, records);
    }

    @DrainedAtShutdown(DrainedAtShutdown.WhenStopping.HOLD)
    @Incoming(AUDIT_CHANNEL)
    public Uni<Void> audit(List<String> records) {
        return consume(audit, records);
    }

    /** Never fails: a record that is not an envelope is logged and skipped (nothing to dedupe it by). */
    public Uni<Void> consume(Projection projection, List<String> records) {
        List<ProjectedEvent> events = new ArrayList<>(records.size());
        for (String record : records) {
            try {
                events.add(ProjectedEvent.of(CloudEventEnvelope.parse(json, record)));
            } catch (RuntimeException e) {
                LOG.warnf("projection %s: skipping a record that is not a CloudEvents envelope: %s", projection.name(), e.getMessage());
            }
        }
        return applier.applyLive(projection, events);
    }
}
