package dev.jitprov.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.expiry.ExpiryConfig;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.provisioning.DeletionReason;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.support.BulkMembers;
import dev.jitprov.support.Scenario;
import dev.jitprov.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Issue 6's benchmark: {@code bench.members} (default 100,000) temporary members all due at once; time until the
 * expiry scheduler has deleted every one of them (goal: under 60 s), against a baseline measured in the same run:
 * the same number of bare single-row INSERTs of their {@code user.deleted.v1} events by two connections (the write
 * work alone, without claiming, deciding or keeping the member index).
 *
 * <p>The members are seeded as the service leaves them after a JIT sign-in (the {@code user.provisioned.v1} event
 * as version 1 of each stream, the member index row, the MEMBER deadline), in bulk, because provisioning 100,000
 * members through sign-ins would take longer than the benchmark. The relay is off in this profile (roles API and
 * expirer only) so the run measures the expirer alone: nothing consumes the events meanwhile.
 *
 * <p>Run: {@code ./mvnw -Pbench test -Dtest=ExpiryBenchmark} ({@code -Dbench.members=100000 -Dbench.workers=2
 * -Dbench.batch=100}).
 */
@QuarkusTest
@TestProfile(ExpiryBenchmark.ExpirerOnly.class)
@Tag("benchmark")
class ExpiryBenchmark {

    public static class ExpirerOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jit.roles", "api,expirer",
                    "jit.expiry.workers", System.getProperty("bench.workers", "2"),
                    "jit.expiry.batch-size", System.getProperty("bench.batch", "100"));
        }
    }

    @Inject
    Pool pool;
    @Inject
    ObjectMapper json;
    @Inject
    TestClock clock;
    @Inject
    ExpiryConfig config;

    @Test
    void hundredThousandDueTemporaryMembers() {
        int count = Integer.getInteger("bench.members", 100_000);
        Scenario scenario = Scenario.withJit("expiry-bench", Map.of("deleteAtSessionEnd", true));
        String ws = scenario.workspaceId;
        Instant created = clock.instant();
        try {
            long seedStart = System.nanoTime();
            BulkMembers.seedTemporary(pool, json, ws, count, created, config.memberTtl());
            Stats.print("seeded %d temporary members in %.0f s (workers %d, batch %d)".formatted(count,
                    (System.nanoTime() - seedStart) / 1e9, config.workers(), config.batchSize()));

            double bare = bareInsertRate(ws, count);
            Stats.print("baseline: %d bare single-row INSERTs of user.deleted.v1 events on 2 connections: %.0f/s".formatted(count, bare));

            long start = System.nanoTime();
            clock.pin(created.plus(config.memberTtl()).plusSeconds(1));
            long left = count;
            long lastPrint = start;
            while (left > 0) {
                sleep(Duration.ofMillis(200)); // a harness waiting on the scheduler, not a test
                left = count("SELECT count(*) FROM expiry_deadlines WHERE workspace_id = $1", ws);
                if (System.nanoTime() - lastPrint > 10_000_000_000L) {
                    lastPrint = System.nanoTime();
                    Stats.print("  %d deadlines left after %.0f s".formatted(left, (lastPrint - start) / 1e9));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long deleted = count("SELECT count(*) FROM events WHERE workspace_id = $1 AND type = 'user.deleted.v1'", ws);
            long streams = count("SELECT count(DISTINCT stream_id) FROM events WHERE workspace_id = $1 AND type = 'user.deleted.v1'", ws);
            long indexed = count("SELECT count(*) FROM member_index WHERE workspace_id = $1 AND temporary", ws);
            double rate = count / seconds;
            Stats.print("EXPIRY: %d due temporary members deleted in %.1f s = %.0f/s (goal < 60 s); bare INSERT baseline %.0f/s, ratio %.2f"
                    .formatted(count, seconds, rate, bare, rate / bare));
            Stats.print("INVARIANTS: %d user.deleted.v1 events over %d streams, %d temporary members left in the index".formatted(deleted, streams, indexed));
            if (deleted != count || streams != count || indexed != 0) {
                throw new AssertionError("expiry broke an invariant: " + deleted + " deletions, " + streams + " streams, " + indexed + " left");
            }
        } finally {
            clock.reset();
        }
    }

    /** Two connections each inserting half of the rows one statement at a time: the write floor of the same work. */
    private double bareInsertRate(String ws, int count) {
        pool.query("CREATE TABLE IF NOT EXISTS bench_deleted (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)")
                .execute().await().indefinitely();
        String payload = write(new UserDeleted(DeletionReason.TTL_EXPIRED, Actor.system("expiry"), Instant.now()));
        String meta = write(new EventMetadata(ws, "system:expiry", "bench", null));
        long start = System.nanoTime();
        Multi.createFrom().range(0, count)
                .onItem().transformToUni(i -> pool.preparedQuery("INSERT INTO bench_deleted (event_id, stream_id, version, type, workspace_id, payload, metadata, occurred_at) "
                                + "VALUES ($1, $2, 2, $3, $4, $5::jsonb, $6::jsonb, now())")
                        .execute(Tuple.tuple(List.of(UUID.randomUUID(), MemberKeys.streamId(ws, BulkMembers.key(i)), UserDeleted.TYPE, ws, payload, meta))))
                .merge(2)
                .collect().last().await().indefinitely();
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private long count(String sql, Object... params) {
        return pool.preparedQuery(sql).execute(Tuple.tuple(List.of(params))).await().indefinitely().iterator().next().getLong(0);
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
