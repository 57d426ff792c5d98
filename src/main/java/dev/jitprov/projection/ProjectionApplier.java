package dev.jitprov.projection;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.EventTypes;
import dev.jitprov.eventstore.ProcessedEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Applies events to one projection exactly once in effect, a batch at a time: the projection's writes and the
 * {@code processed_events} rows of the batch commit in one transaction ({@link ProcessedEvents#claim}), so
 * redelivery changes nothing and a process killed mid-batch leaves either the whole batch or none of it.
 *
 * <p>Failures are sorted in two kinds. A <em>bad event</em> (unregistered type, payload that does not decode, data
 * the database refuses: SQLSTATE classes 22 and 23) is logged, counted and recorded as processed, so it can never
 * block or crash the channel. Anything else (connection lost, serialization failure, pool exhausted, a rebuild
 * holding the gate) is transient: the event is retried with exponential backoff, forever, because dropping it
 * would leave the view wrong with nobody told. The partition waits meanwhile, which keeps per-member order.
 */
@ApplicationScoped
public class ProjectionApplier {

    private static final Logger LOG = Logger.getLogger(ProjectionApplier.class);

    /** The rebuild gate is closed: the live consumer waits (see {@link ProjectionRebuild}). */
    static final class RebuildInProgress extends RuntimeException {
        RebuildInProgress(String projection) {
            super("projection " + projection + " is being rebuilt", null, false, false);
        }
    }

    private final Pool pool;
    private final ProcessedEvents processed;
    private final EventTypes types;
    private final ObjectMapper json;
    private final ProjectionsConfig config;
    private final ProjectionLag lag;
    private final MeterRegistry metrics;

    public ProjectionApplier(Pool pool, ProcessedEvents processed, EventTypes types, ObjectMapper json,
                             ProjectionsConfig config, ProjectionLag lag, MeterRegistry metrics) {
        this.pool = pool;
        this.processed = processed;
        this.types = types;
        // Events are read by later code versions: unknown fields are ignored (as EventStore.decode does).
        this.json = json.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.config = config;
        this.lag = lag;
        this.metrics = metrics;
    }

    /** The live path for one event (tests, tools): {@link #applyLive(Projection, List)} with a batch of one. */
    public Uni<Void> applyLive(Projection projection, ProjectedEvent event) {
        return applyLive(projection, List.of(event));
    }

    /**
     * The live path (Kafka): one transaction per batch, behind the rebuild gate, retried as a whole on transient
     * failures. When the batch fails for a reason that is not transient (one bad event), its events are applied
     * one by one so that only the bad one is skipped.
     */
    public Uni<Void> applyLive(Projection projection, List<ProjectedEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Decodable> batch = decodeAll(projection, events);
        Uni<Integer> attempt = Uni.createFrom().deferred(() -> pool.withTransaction(conn -> gate(conn, projection)
                .flatMap(ignored -> applyBatch(conn, projection, batch))));
        Uni<Integer> retried = attempt
                .onFailure(RebuildInProgress.class).retry()
                .withBackOff(config.rebuildPausePoll(), config.rebuildPausePoll()).indefinitely()
                .onFailure(ProjectionApplier::isTransient).invoke(failure -> {
                    counter("jit.projection.retries", projection).increment();
                    LOG.warnf("projection %s: batch of %d events from %s (%s) failed, retrying with backoff: %s",
                            projection.name(), batch.size(), events.get(0).eventId(), events.get(0).type(), failure.toString());
                })
                .onFailure(ProjectionApplier::isTransient).retry()
                .withBackOff(config.retryInitialBackoff(), config.retryMaxBackoff()).indefinitely();
        Uni<Integer> applied = events.size() == 1
                ? retried.onFailure().recoverWithUni(failure -> skip(projection, events.get(0), failure).replaceWith(0))
                : retried.onFailure().recoverWithUni(failure -> {
                    LOG.warnf("projection %s: a batch of %d events holds one it cannot apply (%s); applying them one by one",
                            projection.name(), events.size(), failure.toString());
                    return Multi.createFrom().iterable(events)
                            .onItem().transformToUniAndConcatenate(event -> applyLive(projection, event))
                            .collect().last().replaceWith(-1);
                });
        return applied.invoke(count -> {
            if (count < 0) {
                return; // applied one by one: counted there
            }
            events.forEach(event -> lag.applied(projection.name(), event.position()));
            if (count > 0) {
                counter("jit.projection.applied", projection).increment(count);
            }
        }).replaceWithVoid();
    }

    /**
     * The rebuild path: inside the rebuild's batch transaction, no gate (the rebuild holds it). A bad event is
     * recorded as processed like on the live path; any other failure fails the batch (and the rebuild).
     *
     * @return how many of the events were new to the projection
     */
    public Uni<Integer> applyInRebuild(SqlConnection conn, Projection projection, List<ProjectedEvent> events) {
        // The rebuild deleted the projection's processed rows and reads each stored event once, behind the closed
        // gate: every event is new, so the ids are recorded without asking which were (no RETURNING, no wait).
        List<Decodable> batch = decodeAll(projection, events);
        Set<UUID> ids = new LinkedHashSet<>();
        List<Projection.Decoded> toApply = new ArrayList<>(batch.size());
        for (Decodable d : batch) {
            if (ids.add(d.event().eventId()) && d.payload().isPresent()) {
                toApply.add(new Projection.Decoded(d.event(), d.payload().get()));
            }
        }
        Uni<Void> recorded = processed.record(conn, projection.consumer(), ids);
        Uni<Void> applied = toApply.isEmpty() ? Uni.createFrom().voidItem() : projection.apply(conn, toApply);
        // both are queued on the connection at once (pipelined, in this order)
        return Uni.join().all(recorded, applied).andFailFast().replaceWith(ids.size());
    }

    /** An event and its payload, empty when it does not decode (it is then only recorded as processed). */
    private record Decodable(ProjectedEvent event, Optional<Object> payload) {
    }

    private List<Decodable> decodeAll(Projection projection, List<ProjectedEvent> events) {
        List<Decodable> decoded = new ArrayList<>(events.size());
        for (ProjectedEvent event : events) {
            decoded.add(new Decodable(event, decode(projection, event)));
        }
        return decoded;
    }

    /** Records the batch's ids as processed and applies the new ones, in order, in the caller's transaction. */
    private Uni<Integer> applyBatch(SqlConnection conn, Projection projection, List<Decodable> batch) {
        return processed.claimNew(conn, projection.consumer(), batch, d -> d.event().eventId()).flatMap(fresh -> {
            List<Projection.Decoded> toApply = new ArrayList<>(fresh.size());
            for (Decodable d : fresh) {
                d.payload().ifPresent(payload -> toApply.add(new Projection.Decoded(d.event(), payload)));
            }
            return toApply.isEmpty() ? Uni.createFrom().item(fresh.size())
                    : projection.apply(conn, toApply).replaceWith(fresh.size());
        });
    }

    private Uni<Void> skip(Projection projection, ProjectedEvent event, Throwable failure) {
        LOG.errorf(failure, "projection %s: skipping event %s (%s) at position %d that it cannot apply",
                projection.name(), event.eventId(), event.type(), event.position());
        counter("jit.projection.skipped", projection).increment();
        return Uni.createFrom().deferred(() -> processed.applyOnce(projection.consumer(), event.eventId(),
                        c -> Uni.createFrom().voidItem()))
                .onFailure().retry().withBackOff(config.retryInitialBackoff(), config.retryMaxBackoff()).indefinitely()
                .replaceWithVoid();
    }

    /** The decoded payload record; empty (logged) when the type is not registered or the payload does not fit. */
    Optional<Object> decode(Projection projection, ProjectedEvent event) {
        Optional<Class<?>> type = types.classOf(event.type());
        if (type.isEmpty()) {
            LOG.warnf("projection %s: skipping event %s of unknown type '%s'", projection.name(), event.eventId(), event.type());
            counter("jit.projection.skipped", projection).increment();
            return Optional.empty();
        }
        try {
            return Optional.of(json.treeToValue(event.data(), type.get()));
        } catch (Exception e) {
            LOG.warnf("projection %s: skipping event %s: payload does not decode as %s: %s",
                    projection.name(), event.eventId(), event.type(), e.getMessage());
            counter("jit.projection.skipped", projection).increment();
            return Optional.empty();
        }
    }

    private Uni<Void> gate(SqlConnection conn, Projection projection) {
        // FOR SHARE: a rebuild's UPDATE of this row waits for the transactions in flight, and later ones see it.
        return conn.preparedQuery("SELECT rebuilding FROM projection_state WHERE name = $1 FOR SHARE")
                .execute(Tuple.of(projection.name()))
                .flatMap(rows -> rows.size() > 0 && rows.iterator().next().getBoolean("rebuilding")
                        ? Uni.createFrom().failure(new RebuildInProgress(projection.name()))
                        : Uni.createFrom().voidItem());
    }

    /** Transient unless the event itself is at fault (see the class comment). */
    static boolean isTransient(Throwable failure) {
        if (failure instanceof PgException pg) {
            String state = pg.getSqlState();
            return state == null || !(state.startsWith("22") || state.startsWith("23"));
        }
        return !(failure instanceof IllegalArgumentException || failure instanceof IllegalStateException
                || failure instanceof NullPointerException || failure instanceof ClassCastException
                || failure instanceof DateTimeException || failure instanceof UnsupportedOperationException);
    }

    private Counter counter(String name, Projection projection) {
        return Counter.builder(name).tag("projection", projection.name()).register(metrics);
    }
}
