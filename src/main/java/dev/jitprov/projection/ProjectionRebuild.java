package dev.jitprov.projection;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.EventStore;
import dev.jitprov.eventstore.StoredEvent;
import dev.jitprov.provisioning.DomainException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
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
import java.util.concurrent.atomic.AtomicReference;

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
// created at start so its rebuild gauges are on /q/metrics from boot
@io.quarkus.runtime.Startup
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
                DomainException.notFound("unknown_projection", "no projection '" + name + "'; known: " + String.join(", ", projections.keySet())));
        if (running.putIfAbsent(name, Boolean.TRUE) != null) {
            throw DomainException.conflict("rebuild_in_progress", "projection " + name + " is being rebuilt by this replica");
        }
        return pool.preparedQuery("UPDATE projection_state SET rebuilding = true, rebuild_started_at = now(), rebuild_finished_at = NULL, "
                        + "rebuilt_events = 0 WHERE name = $1 AND (NOT rebuilding OR $2) RETURNING name")
                .execute(Tuple.of(name, force))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(DomainException.conflict("rebuild_in_progress",
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
                .flatMap(first -> replay(projection, first))
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

    /**
     * Splits a batch into {@code rebuild-parallelism} parts by member (the member key of a member stream, the
     * normalized NameID of a rejected sign-in, the stream otherwise), keeping the order within each part: every
     * row a projection writes belongs to one member, so the parts touch disjoint rows and can be applied at once,
     * each in its own transaction, on their own connections.
     */
    private List<List<ProjectedEvent>> partition(List<StoredEvent> batch) {
        int count = Math.max(1, config.rebuildParallelism());
        List<List<ProjectedEvent>> parts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            parts.add(new ArrayList<>(batch.size() / count + 1));
        }
        for (StoredEvent stored : batch) {
            ProjectedEvent event = ProjectedEvent.of(json, stored);
            String key = event.memberKey();
            if (key == null && event.data() != null && event.data().hasNonNull("nameId")) {
                key = dev.jitprov.provisioning.MemberKeys.normalize(event.data().get("nameId").asText());
            }
            String owner = event.workspaceId() + "\n" + (key != null ? key : event.streamId());
            parts.get(Math.floorMod(owner.hashCode(), count)).add(event);
        }
        parts.removeIf(List::isEmpty);
        return parts;
    }

    /**
     * The events after ({@code lastTransaction}, {@code lastPosition}) below the commit horizon: one batch, each stream
     * in version order even where transaction-id order disagrees (as the relay publishes them, EventStore#inStreamOrder;
     * an event applied ahead of its turn is skipped when the cursor reaches it: applyOnce).
     */
    private Uni<Page> read(String lastTransaction, long lastPosition) {
        return store.readAfter(pool, lastTransaction, lastPosition, config.rebuildBatchSize())
                .flatMap(page -> page.isEmpty() ? Uni.createFrom().item(new Page(null, List.of()))
                        : store.inStreamOrder(pool, page, lastTransaction, lastPosition)
                        .map(ordered -> new Page(page.get(page.size() - 1), ordered)));
    }

    /** A batch to apply, and where the cursor stands after it ({@code last} of the page read, in transaction order). */
    private record Page(StoredEvent last, List<StoredEvent> events) {
    }

    /**
     * Replays batch after batch as a loop, not a recursion: each step applies the batch it was given (in
     * {@code rebuild-parallelism} transactions at once, see {@link #partition}) while the next batch is read on
     * another connection, then hands that one to the next step. (A recursive chain kept every batch reachable until
     * the end: a store of a million events ran the JVM out of heap.) If one part fails the rebuild fails and the gate
     * stays closed, as for any rebuild failure; a forced rerun starts from the truncation again.
     */
    private Uni<Long> replay(Projection projection, Page first) {
        AtomicReference<Page> next = new AtomicReference<>(first);
        AtomicLong total = new AtomicLong();
        return Multi.createBy().repeating().uni(() -> step(projection, next, total))
                .whilst(more -> more)
                .collect().last()
                .map(ignored -> total.get());
    }

    /** One batch; emits whether there was one. */
    private Uni<Boolean> step(Projection projection, AtomicReference<Page> next, AtomicLong total) {
        Page page = next.getAndSet(new Page(null, List.of()));
        if (page.last() == null) {
            return Uni.createFrom().item(false);
        }
        List<StoredEvent> batch = page.events();
        long started = System.nanoTime();
        StoredEvent last = page.last();
        long maxPosition = batch.stream().mapToLong(StoredEvent::position).max().orElse(0);
        int size = batch.size();
        long sum = total.get() + size;
        List<Uni<Void>> parts = new ArrayList<>();
        for (List<ProjectedEvent> part : partition(batch)) {
            parts.add(pool.withTransaction(conn -> {
                // The tables were just truncated: a plan cached while they were nearly empty (a sequential scan) would
                // stay in use while they grow to millions of rows, making each UPDATE slower than the last. Custom
                // plans are made with the table's current size.
                Uni<?> customPlans = conn.query("SET LOCAL plan_cache_mode = force_custom_plan").execute();
                return Uni.combine().all().unis(customPlans, applier.applyInRebuild(conn, projection, part)).discardItems();
            }));
        }
        Uni<Void> applyParts = parts.isEmpty() ? Uni.createFrom().voidItem() // every event of the page was applied ahead of its turn
                : Uni.join().all(parts).andFailFast().replaceWithVoid();
        Uni<Void> applied = applyParts
                .flatMap(ignored -> pool.preparedQuery("UPDATE projection_state SET rebuilt_events = $2 WHERE name = $1")
                        .execute(Tuple.of(projection.name(), sum)))
                .replaceWithVoid();
        return Uni.combine().all().unis(applied.replaceWith(true), read(last.transactionId(), last.position())).asTuple()
                .map(done -> {
                    next.set(done.getItem2());
                    total.set(sum);
                    replayed.get(projection.name()).set(sum);
                    lag.applied(projection.name(), maxPosition);
                    long now = System.nanoTime();
                    // one progress line every few seconds at INFO (a million events is hundreds of batches)
                    boolean report = now - lastReport.get(projection.name()).get() > PROGRESS_EVERY_NANOS;
                    if (report) {
                        lastReport.get(projection.name()).set(now);
                    }
                    LOG.logf(report ? Logger.Level.INFO : Logger.Level.DEBUG,
                            "rebuild of projection %s: %d events replayed (batch of %d at %.0f events/s, up to position %d)",
                            projection.name(), sum, size, size / Math.max((now - started) / 1e9, 1e-6), last.position());
                    return true;
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
                        throw DomainException.notFound("unknown_projection", "no projection '" + name + "'");
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
