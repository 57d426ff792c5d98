package dev.jitprov.projection;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.EventStore;
import dev.jitprov.eventstore.StoredEvent;
import dev.jitprov.http.ProblemException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rebuilds a projection from the event store, the source of truth (never from Kafka, whose retention may not
 * reach back to the first event).
 *
 * <p>Design: <b>pause, replay, resume</b>, with the pause held in the database. A rebuild
 * <ol>
 *   <li>closes the gate: {@code UPDATE projection_state SET rebuilding = true}. Live consumers read that row
 *       {@code FOR SHARE} in every transaction, so the update waits for the ones in flight, and every later one
 *       sees the gate closed and waits (retrying with a short poll) without committing anything. It works across
 *       replicas because the gate is a row, not a flag in memory;</li>
 *   <li>truncates the projection's tables and deletes its {@code processed_events} rows;</li>
 *   <li>replays the store in {@code (transaction_id, position)} order below {@code pg_snapshot_xmin}, like the
 *       Kafka relay, in batches of {@code jit.projections.rebuild-batch-size}, each batch one transaction in which
 *       every event goes through {@link dev.jitprov.eventstore.ProcessedEvents#applyOnce}; it stops when a batch
 *       comes back empty;</li>
 *   <li>opens the gate. The live consumer resumes from its Kafka offset: events it had not read yet are either
 *       in the replay (their processed row makes them no-ops) or newer than it; the relay publishes only below
 *       {@code pg_snapshot_xmin} too, and that horizon only grows, so nothing the relay published is missing from
 *       the replay, and per-stream order holds.</li>
 * </ol>
 * Why not let both run at once, each through applyOnce, "first wins"? The membership view is state: a live
 * {@code RoleChanged} applied before the replay re-created its member would update nothing yet be marked done,
 * and the replay would then skip it. Pausing costs view freshness during a rebuild (sign-ins go on; their events
 * wait in Kafka) and buys a result equal to the live view.
 *
 * <p>A rebuild that fails (or a replica that dies) leaves the gate closed: the view is known incomplete, so live
 * consumers keep waiting rather than build on it. Running the rebuild again with {@code force=true} recovers.
 * Progress: a log line per batch, the gauge {@code jit.projection.rebuild.events} and {@code projection_state}.
 */
@ApplicationScoped
public class ProjectionRebuild {

    private static final Logger LOG = Logger.getLogger(ProjectionRebuild.class);

    /** What an operator sees of a projection. */
    public record Status(String name, boolean rebuilding, boolean runningHere, Instant rebuildStartedAt,
                         Instant rebuildFinishedAt, long rebuiltEvents, long lagEvents, double lagSeconds) {
    }

    private final Pool pool;
    private final EventStore store;
    private final ProjectionApplier applier;
    private final ProjectionLag lag;
    private final ProjectionsConfig config;
    private final ObjectMapper json;
    private final Map<String, Projection> projections;
    private final Map<String, AtomicLong> replayed = new ConcurrentHashMap<>();
    private final Map<String, Boolean> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastReport = new ConcurrentHashMap<>();
    private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

    public ProjectionRebuild(Pool pool, EventStore store, ProjectionApplier applier, ProjectionLag lag, ProjectionsConfig config, ObjectMapper json,
                             MembersProjection members, SessionsProjection sessions, AuditProjection audit, MeterRegistry metrics) {
        this.pool = pool;
        this.store = store;
        this.applier = applier;
        this.lag = lag;
        this.config = config;
        this.json = json;
        this.projections = Map.of(members.name(), members, sessions.name(), sessions, audit.name(), audit);
        for (String name : projections.keySet()) {
            replayed.put(name, new AtomicLong());
            lastReport.put(name, new AtomicLong(System.nanoTime()));
            Gauge.builder("jit.projection.rebuild.events", replayed.get(name), AtomicLong::get).tag("projection", name)
                    .description("Events replayed by the current (or last) rebuild").register(metrics);
        }
    }

    public Optional<Projection> projection(String name) {
        return Optional.ofNullable(projections.get(name));
    }

    /**
     * Closes the gate and starts the rebuild in the background; answers once the gate is closed.
     *
     * @param force also when the gate is already closed (a rebuild that failed or whose replica died)
     */
    public Uni<Status> start(String name, boolean force) {
        Projection projection = projection(name).orElseThrow(() ->
                ProblemException.notFound("unknown_projection", "no projection '" + name + "'; known: " + String.join(", ", projections.keySet())));
        if (running.putIfAbsent(name, Boolean.TRUE) != null) {
            throw ProblemException.conflict("rebuild_in_progress", "projection " + name + " is being rebuilt by this replica");
        }
        return pool.preparedQuery("UPDATE projection_state SET rebuilding = true, rebuild_started_at = now(), rebuild_finished_at = NULL, "
                        + "rebuilt_events = 0 WHERE name = $1 AND (NOT rebuilding OR $2) RETURNING name")
                .execute(Tuple.of(name, force))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(ProblemException.conflict("rebuild_in_progress",
                                "projection " + name + " is being rebuilt; use force=true if that rebuild died"));
                    }
                    replayed.get(name).set(0);
                    lag.reset(name);
                    LOG.infof("rebuild of projection %s: gate closed, truncating %s", name, projection.tables());
                    run(projection).subscribe().with(
                            total -> {
                                running.remove(name);
                                LOG.infof("rebuild of projection %s: done, %d events replayed; live consumer resumes", name, total);
                            },
                            failure -> {
                                running.remove(name);
                                LOG.errorf(failure, "rebuild of projection %s failed; the gate stays closed, run it again with force=true", name);
                            });
                    return status(name);
                })
                .onFailure().invoke(failure -> running.remove(name));
    }

    /** The rebuild itself (callers normally use {@link #start}); emits the number of events replayed. */
    Uni<Long> run(Projection projection) {
        return pool.withTransaction(conn -> truncate(conn, projection))
                .flatMap(ignored -> read("0", 0))
                .flatMap(first -> replay(projection, first, 0))
                .flatMap(total -> pool.preparedQuery("UPDATE projection_state SET rebuilding = false, rebuild_finished_at = now(), "
                                + "rebuilt_events = $2 WHERE name = $1").execute(Tuple.of(projection.name(), total))
                        .replaceWith(total));
    }

    private Uni<Void> truncate(SqlConnection conn, Projection projection) {
        return conn.query("TRUNCATE " + String.join(", ", projection.tables())).execute()
                .flatMap(ignored -> conn.preparedQuery("DELETE FROM processed_events WHERE consumer = $1")
                        .execute(Tuple.of(projection.consumer())))
                .replaceWithVoid();
    }

    /** The events after ({@code lastTransaction}, {@code lastPosition}) below the commit horizon: one batch. */
    private Uni<List<StoredEvent>> read(String lastTransaction, long lastPosition) {
        return store.readAfter(pool, lastTransaction, lastPosition, config.rebuildBatchSize());
    }

    /**
     * Applies {@code batch} in one transaction while the next batch is read on another connection (reading and
     * applying each take about half of a batch's time, so overlapping them nearly doubles the rate). Recursion
     * on the event loop is bounded by the number of batches (each step is asynchronous).
     */
    private Uni<Long> replay(Projection projection, List<StoredEvent> batch, long total) {
        if (batch.isEmpty()) {
            return Uni.createFrom().item(total);
        }
        long started = System.nanoTime();
        StoredEvent last = batch.get(batch.size() - 1);
        long sum = total + batch.size();
        Uni<Long> applied = pool.withTransaction(conn -> {
            List<ProjectedEvent> events = new ArrayList<>(batch.size());
            batch.forEach(event -> events.add(ProjectedEvent.of(json, event)));
            // The tables were just truncated: a plan cached while they were nearly empty (a sequential scan) would
            // stay in use while they grow to millions of rows, making each UPDATE slower than the last. Custom plans
            // are made with the table's current size.
            Uni<?> customPlans = conn.query("SET LOCAL plan_cache_mode = force_custom_plan").execute();
            return Uni.combine().all().unis(customPlans, applier.applyInRebuild(conn, projection, events)).discardItems()
                    .flatMap(ignored -> conn.preparedQuery("UPDATE projection_state SET rebuilt_events = $2 WHERE name = $1")
                            .execute(Tuple.of(projection.name(), sum)))
                    .replaceWith(sum);
        });
        return Uni.combine().all().unis(applied, read(last.transactionId(), last.position())).asTuple()
                .flatMap(done -> {
                    replayed.get(projection.name()).set(sum);
                    lag.applied(projection.name(), batch.stream().mapToLong(StoredEvent::position).max().orElse(0));
                    long now = System.nanoTime();
                    // one progress line every few seconds at INFO (a million events is hundreds of batches)
                    boolean report = now - lastReport.get(projection.name()).get() > PROGRESS_EVERY_NANOS;
                    if (report) {
                        lastReport.get(projection.name()).set(now);
                    }
                    LOG.logf(report ? Logger.Level.INFO : Logger.Level.DEBUG,
                            "rebuild of projection %s: %d events replayed (batch of %d at %.0f events/s, up to position %d)",
                            projection.name(), sum, batch.size(), batch.size() / Math.max((now - started) / 1e9, 1e-6), last.position());
                    return replay(projection, done.getItem2(), sum);
                });
    }

    public Uni<List<Status>> statuses() {
        return pool.query("SELECT name, rebuilding, rebuild_started_at, rebuild_finished_at, rebuilt_events FROM projection_state ORDER BY name")
                .execute().map(rows -> {
                    List<Status> result = new ArrayList<>();
                    rows.forEach(row -> result.add(toStatus(row)));
                    return result;
                });
    }

    public Uni<Status> status(String name) {
        return pool.preparedQuery("SELECT name, rebuilding, rebuild_started_at, rebuild_finished_at, rebuilt_events FROM projection_state WHERE name = $1")
                .execute(Tuple.of(name))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("unknown_projection", "no projection '" + name + "'");
                    }
                    return toStatus(rows.iterator().next());
                });
    }

    private Status toStatus(Row row) {
        String name = row.getString("name");
        var started = row.getOffsetDateTime("rebuild_started_at");
        var finished = row.getOffsetDateTime("rebuild_finished_at");
        boolean known = projections.containsKey(name);
        return new Status(name, row.getBoolean("rebuilding"), running.containsKey(name),
                started == null ? null : started.toInstant(), finished == null ? null : finished.toInstant(),
                running.containsKey(name) ? replayed.get(name).get() : row.getLong("rebuilt_events"),
                known ? lag.lagEvents(name) : 0, known ? lag.lagSeconds(name) : 0);
    }
}
