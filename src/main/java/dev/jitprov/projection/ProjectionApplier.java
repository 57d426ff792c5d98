package dev.jitprov.projection;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.EventTypes;
import dev.jitprov.eventstore.ProcessedEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.DateTimeException;
import java.util.Optional;

/**
 * Applies one event to one projection exactly once in effect: the projection's writes and the
 * {@code processed_events} row commit in one transaction ({@link ProcessedEvents#applyOnce}), so redelivery
 * changes nothing.
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

    /** The live path (Kafka): own transaction, behind the rebuild gate, retried on transient failures. */
    public Uni<Void> applyLive(Projection projection, ProjectedEvent event) {
        Optional<Object> payload = decode(projection, event);
        Uni<Boolean> attempt = payload.isEmpty()
                ? Uni.createFrom().deferred(() -> pool.withTransaction(conn -> gate(conn, projection)
                .flatMap(ignored -> processed.applyOnce(conn, projection.consumer(), event.eventId(), c -> Uni.createFrom().voidItem()))))
                : Uni.createFrom().deferred(() -> pool.withTransaction(conn -> gate(conn, projection)
                .flatMap(ignored -> processed.applyOnce(conn, projection.consumer(), event.eventId(),
                        c -> projection.apply(c, event, payload.get())))));
        return attempt
                .onFailure(RebuildInProgress.class).retry()
                .withBackOff(config.rebuildPausePoll(), config.rebuildPausePoll()).indefinitely()
                .onFailure(ProjectionApplier::isTransient).invoke(failure -> {
                    counter("jit.projection.retries", projection).increment();
                    LOG.warnf("projection %s: event %s (%s) failed, retrying with backoff: %s",
                            projection.name(), event.eventId(), event.type(), failure.toString());
                })
                .onFailure(ProjectionApplier::isTransient).retry()
                .withBackOff(config.retryInitialBackoff(), config.retryMaxBackoff()).indefinitely()
                .onFailure().recoverWithUni(failure -> {
                    LOG.errorf(failure, "projection %s: skipping event %s (%s) at position %d that it cannot apply",
                            projection.name(), event.eventId(), event.type(), event.position());
                    counter("jit.projection.skipped", projection).increment();
                    return Uni.createFrom().deferred(() -> processed.applyOnce(projection.consumer(), event.eventId(),
                                    c -> Uni.createFrom().voidItem()))
                            .onFailure().retry().withBackOff(config.retryInitialBackoff(), config.retryMaxBackoff()).indefinitely();
                })
                .invoke(applied -> {
                    lag.applied(projection.name(), event.position());
                    if (Boolean.TRUE.equals(applied)) {
                        counter("jit.projection.applied", projection).increment();
                    }
                })
                .replaceWithVoid();
    }

    /**
     * The rebuild path: inside the rebuild's batch transaction, no gate (the rebuild holds it). A bad event is
     * recorded as processed like on the live path; any other failure fails the batch (and the rebuild).
     */
    public Uni<Boolean> applyInRebuild(SqlConnection conn, Projection projection, ProjectedEvent event) {
        Optional<Object> payload = decode(projection, event);
        return processed.applyOnce(conn, projection.consumer(), event.eventId(),
                c -> payload.map(p -> projection.apply(c, event, p)).orElseGet(() -> Uni.createFrom().voidItem()));
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
