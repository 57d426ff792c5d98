package dev.jitprov.bench;

import dev.jitprov.eventstore.EventStore;
import dev.jitprov.eventstore.StoredEvent;
import dev.jitprov.projection.AuditProjection;
import dev.jitprov.projection.MembersProjection;
import dev.jitprov.projection.ProjectionRebuild;
import dev.jitprov.projection.SessionsProjection;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Issue 5's rebuild benchmark: rebuild rate (events/s) of each projection over {@code bench.events} events
 * (default 1,000,000), against a baseline measured in the same run: reading the same events from the store in
 * the same batches and the same query ({@link EventStore#readAfter}) without applying them (the floor of any rebuild).
 *
 * <p>The events are real ones: one member's stream produced by real sign-ins (provisioned, session started, role
 * changed by the IdP, session started, logout), copied for many members with their e-mail, key and session ids
 * replaced, and appended interleaved at random across members (per-member order kept), as sign-ins would
 * interleave them. The relay is off in this profile so the live consumers stay idle: the rebuild runs alone.
 *
 * <p>Run: {@code ./mvnw -Pbench test -Dtest=ProjectionRebuildBenchmark} ({@code -Dbench.events=1000000 -Dbench.rounds=3
 * -Dbench.warmup-rounds=1}).
 */
@QuarkusTest
@TestProfile(ProjectionRebuildBenchmark.NoRelay.class)
@Tag("benchmark")
class ProjectionRebuildBenchmark {

    /** API and projector only: seeded events are not published, the live consumers have nothing to do. */
    public static class NoRelay implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jit.roles", "api,projector");
        }
    }

    @Inject
    Pool pool;
    @Inject
    ProjectionRebuild rebuild;
    @Inject
    EventStore store;

    @Test
    void rebuildRate() {
        int target = Integer.getInteger("bench.events", 1_000_000);
        int rounds = Integer.getInteger("bench.rounds", 3);
        long seeded = seed(target);
        long total = count("SELECT count(*) FROM events");
        Stats.print("store holds %d events (%d seeded)".formatted(total, seeded));

        int warmUps = Integer.getInteger("bench.warmup-rounds", 1);
        for (int round = 1; round <= warmUps; round++) {
            // the first rebuild after the seeding also pays for hint bits, cold caches and the JIT: not counted
            readRate(total);
            List.of(MembersProjection.NAME, SessionsProjection.NAME, AuditProjection.NAME).forEach(this::rebuildRate);
            Stats.print("warm-up round %d done".formatted(round));
        }
        Map<String, List<Double>> rates = new HashMap<>();
        List<Double> reads = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            double read = readRate(total);
            reads.add(read);
            StringBuilder line = new StringBuilder("round %d: read-only %.0f events/s".formatted(round, read));
            for (String name : List.of(MembersProjection.NAME, SessionsProjection.NAME, AuditProjection.NAME)) {
                double rate = rebuildRate(name);
                rates.computeIfAbsent(name, n -> new ArrayList<>()).add(rate);
                line.append("; %s rebuild %.0f events/s (ratio %.2f)".formatted(name, rate, rate / read));
            }
            Stats.print(line.toString());
        }
        double read = Stats.median(reads);
        for (String name : List.of(MembersProjection.NAME, SessionsProjection.NAME, AuditProjection.NAME)) {
            double rate = Stats.median(rates.get(name));
            Stats.print("MEDIAN %s rebuild %.0f events/s over %d events, read-only baseline %.0f events/s, ratio %.2f (goal >= 20,000 events/s)"
                    .formatted(name, rate, total, read, rate / read));
        }
    }

    /** Starts a rebuild through the operator API and waits for its end. */
    private double rebuildRate(String name) {
        long start = System.nanoTime();
        RestAssured.given().header("Authorization", "Bearer " + Scenario.OPERATOR_TOKEN)
                .post("/api/operator/projections/" + name + "/rebuild").then().statusCode(202);
        while (true) {
            ProjectionRebuild.Status status = rebuild.status(name).await().indefinitely();
            if (!status.rebuilding()) {
                double seconds = (System.nanoTime() - start) / 1e9;
                return status.rebuiltEvents() / seconds;
            }
            if (Boolean.getBoolean("bench.debug")) {
                pool.query("SELECT left(query, 120) AS q, now() - query_start AS age FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()")
                        .execute().await().indefinitely().forEach(r -> Stats.print("active: " + r.getString("q") + " " + r.getValue("age")));
            }
            sleep(Duration.ofMillis(100)); // a harness waiting on background work, not a test
        }
    }

    private double readRate(long total) {
        long start = System.nanoTime();
        String tx = "0";
        long position = 0;
        long read = 0;
        while (true) {
            List<StoredEvent> rows = store.readAfter(pool, tx, position, 5000).await().indefinitely();
            if (rows.isEmpty()) {
                break;
            }
            read += rows.size();
            StoredEvent last = rows.get(rows.size() - 1);
            tx = last.transactionId();
            position = last.position();
        }
        if (read != total) {
            throw new IllegalStateException("read " + read + " of " + total);
        }
        return read / ((System.nanoTime() - start) / 1e9);
    }

    /** Copies one real member stream for as many members as it takes to reach {@code target} events. */
    private long seed(int target) {
        Scenario scenario = Scenario.withJit("rebuild-bench", Map.of());
        String template = "template@example.com";
        String cookie = scenario.signIn(template, "Marketer");
        scenario.signIn(template, "Analyst");
        RestAssured.given().redirects().follow(false).cookie("jit_session", cookie).post("/logout").then().statusCode(303);
        List<Row> stream = new ArrayList<>();
        pool.preparedQuery("SELECT type, stream_id, payload::text AS payload, metadata::text AS metadata FROM events "
                        + "WHERE workspace_id = $1 AND stream_id LIKE 'member-%' AND stream_id LIKE $2 ORDER BY version")
                .execute(Tuple.of(scenario.workspaceId, "%" + template)).await().indefinitely().forEach(stream::add);
        List<String> sessionIds = new ArrayList<>();
        for (Row row : stream) {
            var m = java.util.regex.Pattern.compile("\"sessionId\":\\s*\"([0-9a-f-]{36})\"").matcher(row.getString("payload"));
            while (m.find()) {
                if (!sessionIds.contains(m.group(1))) {
                    sessionIds.add(m.group(1));
                }
            }
        }
        int perMember = stream.size();
        int members = Math.max(1, target / perMember);
        Stats.print("seeding %d members x %d events (%s)".formatted(members, perMember, stream.stream().map(r -> r.getString("type")).toList()));
        long start = System.nanoTime();
        Random random = new Random(42);
        int chunk = 2_000;
        long written = 0;
        for (int first = 0; first < members; first += chunk) {
            int size = Math.min(chunk, members - first);
            int[] next = new int[size];
            List<Integer> open = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                open.add(i);
            }
            List<Object[]> rows = new ArrayList<>(size * perMember);
            while (!open.isEmpty()) {
                int pick = random.nextInt(open.size());
                int member = open.get(pick);
                int version = next[member]++;
                if (next[member] == perMember) {
                    open.set(pick, open.get(open.size() - 1));
                    open.remove(open.size() - 1);
                }
                rows.add(copy(stream.get(version), version + 1, template, "m" + (first + member) + "@bench.example", sessionIds, first + member));
            }
            insert(rows, scenario.workspaceId);
            written += rows.size();
        }
        Stats.print("seeded %d events in %.0f s".formatted(written, (System.nanoTime() - start) / 1e9));
        return written;
    }

    private static Object[] copy(Row row, int version, String template, String email, List<String> sessionIds, int member) {
        String payload = row.getString("payload").replace(template, email);
        for (int s = 0; s < sessionIds.size(); s++) {
            payload = payload.replace(sessionIds.get(s), new UUID(member, s).toString());
        }
        return new Object[]{UUID.randomUUID(), row.getString("stream_id").replace(template, email), version, row.getString("type"),
                payload, row.getString("metadata")};
    }

    private void insert(List<Object[]> rows, String ws) {
        pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO events (event_id, stream_id, version, type, workspace_id, payload, metadata, occurred_at) "
                        + "SELECT e, s, v, t, w, p::jsonb, md::jsonb, $7 FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[]) "
                        + "AS x(e, s, v, t, p, md), (SELECT $8::text AS w) ws")
                .execute(Tuple.tuple(List.of(
                        rows.stream().map(r -> r[0]).toArray(UUID[]::new),
                        rows.stream().map(r -> r[1]).toArray(String[]::new),
                        rows.stream().map(r -> r[2]).toArray(Integer[]::new),
                        rows.stream().map(r -> r[3]).toArray(String[]::new),
                        rows.stream().map(r -> r[4]).toArray(String[]::new),
                        rows.stream().map(r -> r[5]).toArray(String[]::new),
                        OffsetDateTime.now(), ws))))
                .await().indefinitely();
    }

    private long count(String sql) {
        return pool.query(sql).execute().await().indefinitely().iterator().next().getLong(0);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
