package dev.jitprov.projection;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lag of each projection behind the event store, as Micrometer gauges {@code jit.projection.lag.events} and
 * {@code jit.projection.lag.seconds} (tag {@code projection}).
 *
 * <p>Events: the store's highest position minus the highest position this replica applied (positions are an
 * identity, so rolled-back appends leave gaps and the figure is an upper bound). Seconds: age of the oldest
 * event after that position, 0 when none. Gauges must not block, so a scheduled job refreshes the figures
 * from the store every {@code jit.projections.lag-refresh-every}. At startup the applied position is seeded from
 * the view's own {@code last_position}/{@code position} columns.
 */
// created at start, not at first use: the gauges are on /q/metrics from boot, before any event or operator call
@io.quarkus.runtime.Startup
@ApplicationScoped
public class ProjectionLag {

    static final List<String> PROJECTIONS = List.of(MembersProjection.NAME, SessionsProjection.NAME, AuditProjection.NAME);

    private static final Map<String, String> SEED = Map.of(
            MembersProjection.NAME, "SELECT coalesce(max(last_position), 0) AS p FROM members_view",
            SessionsProjection.NAME, "SELECT coalesce(max(last_position), 0) AS p FROM sessions_view",
            AuditProjection.NAME, "SELECT coalesce(max(position), 0) AS p FROM audit_log");

    private final Pool pool;
    private final Map<String, AtomicLong> appliedPosition = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lagEvents = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lagMillis = new ConcurrentHashMap<>();
    private final AtomicBoolean seeded = new AtomicBoolean();

    public ProjectionLag(Pool pool, MeterRegistry metrics) {
        this.pool = pool;
        for (String name : PROJECTIONS) {
            appliedPosition.put(name, new AtomicLong());
            lagEvents.put(name, new AtomicLong());
            lagMillis.put(name, new AtomicLong());
            Gauge.builder("jit.projection.lag.events", lagEvents.get(name), AtomicLong::get).tag("projection", name)
                    .description("Events in the store not yet applied by the projection").register(metrics);
            Gauge.builder("jit.projection.lag.seconds", lagMillis.get(name), v -> v.get() / 1000.0).tag("projection", name)
                    .description("Age of the oldest event not yet applied by the projection").register(metrics);
        }
    }

    /** An event at {@code position} was applied (or found applied) by {@code projection}. */
    public void applied(String projection, long position) {
        AtomicLong applied = appliedPosition.get(projection);
        if (applied != null) {
            applied.accumulateAndGet(position, Math::max);
        }
    }

    /** A rebuild starts from zero. */
    void reset(String projection) {
        appliedPosition.get(projection).set(0);
    }

    public long lagEvents(String projection) {
        return lagEvents.get(projection).get();
    }

    public double lagSeconds(String projection) {
        return lagMillis.get(projection).get() / 1000.0;
    }

    @dev.jitprov.replica.DrainedAtShutdown
    @Scheduled(skipExecutionIf = dev.jitprov.replica.RoleSkips.UnlessProjector.class, every = "{jit.projections.lag-refresh-every}", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        Uni<Void> seed = seeded.get() ? Uni.createFrom().voidItem() : seed();
        return seed.flatMap(ignored -> pool.query("SELECT coalesce(max(position), 0) AS head FROM events").execute())
                .flatMap(rows -> {
                    long head = rows.iterator().next().getLong("head");
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (String name : PROJECTIONS) {
                        chain = chain.flatMap(ignored -> refresh(name, head));
                    }
                    return chain;
                });
    }

    private Uni<Void> refresh(String name, long head) {
        long applied = appliedPosition.get(name).get();
        lagEvents.get(name).set(Math.max(0, head - applied));
        if (head <= applied) {
            lagMillis.get(name).set(0);
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("SELECT occurred_at FROM events WHERE position > $1 ORDER BY position LIMIT 1")
                .execute(Tuple.of(applied))
                .invoke(rows -> lagMillis.get(name).set(rows.size() == 0 ? 0
                        : Math.max(0, Duration.between(rows.iterator().next().getOffsetDateTime("occurred_at").toInstant(), Instant.now()).toMillis())))
                .replaceWithVoid();
    }

    private Uni<Void> seed() {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String name : PROJECTIONS) {
            chain = chain.flatMap(ignored -> pool.query(SEED.get(name)).execute()
                    .invoke(rows -> applied(name, rows.iterator().next().getLong("p")))
                    .replaceWithVoid());
        }
        return chain.invoke(() -> seeded.set(true));
    }
}
