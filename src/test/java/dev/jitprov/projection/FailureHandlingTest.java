package dev.jitprov.projection;

import dev.jitprov.support.Db;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * R17 (the audit log must not lose entries): a consumer whose transaction dies half-way (database gone, process
 * killed) rolls back that event entirely and applies it again, once; an event the projection cannot apply is
 * skipped and recorded, never crashing the channel.
 */
@QuarkusTest
@DisplayName("Projections: transient failures are retried, bad events skipped")
class FailureHandlingTest {

    @Inject
    ProjectionApplier applier;
    @Inject
    ObjectMapper json;
    @Inject
    Pool pool;

    /** Writes a row, then fails the first {@code failures} times with the given exception. */
    static final class Flaky implements Projection {
        final AtomicInteger calls = new AtomicInteger();
        final String name;
        final int failures;
        final RuntimeException failure;

        Flaky(int failures, RuntimeException failure) {
            this("flaky", failures, failure);
        }

        Flaky(String name, int failures, RuntimeException failure) {
            this.name = name;
            this.failures = failures;
            this.failure = failure;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<String> tables() {
            return List.of();
        }

        @Override
        public Uni<Void> apply(SqlConnection conn, List<Decoded> events) {
            ProjectedEvent event = events.get(0).event();
            return conn.preparedQuery("INSERT INTO audit_members (workspace_id, member_key, email) VALUES ($1, $2, 'k@example.com')")
                    .execute(Tuple.of(event.workspaceId(), name))
                    .flatMap(ignored -> calls.incrementAndGet() <= failures ? Uni.createFrom().failure(failure) : Uni.createFrom().voidItem());
        }
    }

    @Test
    void aTransactionThatDiesHalfWayIsRolledBackAndTheEventAppliedOnceOnRetry() {
        Flaky flaky = new Flaky(2, new VertxException("connection closed"));
        ProjectedEvent event = event();

        applier.applyLive(flaky, event).await().indefinitely();

        assertThat(flaky.calls).hasValue(3);
        assertThat(rows(event)).isEqualTo(1);
        assertThat(processed(event)).isEqualTo(1);
    }

    @Test
    void anEventTheProjectionCannotApplyIsSkippedAndRecordedAsProcessed() {
        Flaky broken = new Flaky(Integer.MAX_VALUE, new IllegalArgumentException("session id is not a UUID"));
        ProjectedEvent event = event();

        applier.applyLive(broken, event).await().indefinitely();

        assertThat(broken.calls).hasValue(1);
        assertThat(rows(event)).isZero();
        assertThat(processed(event)).isEqualTo(1);
    }

    @Test
    void anEventOneProjectionCannotApplyIsStillAppliedByTheOthersOfTheSharedChannel() {
        Flaky good = new Flaky("flaky-good", 0, null);
        Flaky broken = new Flaky("flaky-broken", Integer.MAX_VALUE, new IllegalArgumentException("session id is not a UUID"));
        ProjectedEvent event = event();

        ProjectionConsumers.apply(applier, List.of(good, broken), List.of(event)).await().indefinitely();

        assertThat(rows(event)).isEqualTo(1);
        assertThat(Db.count(pool, "SELECT count(*) FROM audit_members WHERE workspace_id = $1 AND member_key = 'flaky-good'",
                event.workspaceId())).isEqualTo(1);
        assertThat(Db.count(pool, "SELECT count(*) FROM processed_events WHERE consumer IN ('projection-flaky-good', "
                + "'projection-flaky-broken') AND event_id = $1", event.eventId())).isEqualTo(2);
    }

    @Test
    void aClosedRebuildGateOfOneProjectionHoldsTheSharedBatchUntilItOpensWhileTheOthersApplyIt() {
        Flaky open = new Flaky("flaky-open", 0, null);
        Flaky gated = new Flaky("flaky-gated-" + UUID.randomUUID(), 0, null);
        pool.preparedQuery("INSERT INTO projection_state (name, rebuilding) VALUES ($1, true)").execute(Tuple.of(gated.name()))
                .await().indefinitely();
        ProjectedEvent event = event();
        try {
            var applied = ProjectionConsumers.apply(applier, List.of(open, gated), List.of(event)).subscribeAsCompletionStage();

            await().atMost(Duration.ofSeconds(10)).until(() -> rows(event) == 1); // the open one's row
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> rows(event) == 1 && !applied.isDone());
            pool.preparedQuery("UPDATE projection_state SET rebuilding = false WHERE name = $1").execute(Tuple.of(gated.name()))
                    .await().indefinitely();
            applied.toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(rows(event)).isEqualTo(2);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.preparedQuery("DELETE FROM projection_state WHERE name = $1").execute(Tuple.of(gated.name())).await().indefinitely();
        }
    }

    private ProjectedEvent event() {
        String ws = "flaky-" + UUID.randomUUID();
        return new ProjectedEvent(UUID.randomUUID(), "scim.enabled.v1", "workspace-" + ws, ws, 1, Instant.now(), "admin:x",
                json.createObjectNode().set("actor", json.createObjectNode().put("type", "ADMIN").put("id", "x")));
    }

    private long rows(ProjectedEvent event) {
        return Db.count(pool, "SELECT count(*) FROM audit_members WHERE workspace_id = $1", event.workspaceId());
    }

    private long processed(ProjectedEvent event) {
        return Db.count(pool, "SELECT count(*) FROM processed_events WHERE consumer = 'projection-flaky' AND event_id = $1", event.eventId());
    }
}
