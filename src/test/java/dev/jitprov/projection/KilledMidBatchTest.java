package dev.jitprov.projection;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.EventStore;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5, R17: a projection whose process dies in the middle of a batch (here: its database session is killed by
 * PostgreSQL after half of the batch's writes, which is what a SIGKILL of the consumer looks like to the database)
 * leaves nothing of that batch; the batch delivered again (Kafka redelivers from the last committed offset)
 * converges to the rows of a projection that never stopped.
 */
@QuarkusTest
@DisplayName("Projections: killed mid-batch and restarted, each view converges to the one that never stopped")
class KilledMidBatchTest {

    @Inject
    ProjectionConsumers consumers;
    @Inject
    ProjectionApplier applier;
    @Inject
    MembersProjection members;
    @Inject
    SessionsProjection sessions;
    @Inject
    AuditProjection audit;
    @Inject
    EventStore store;
    @Inject
    ObjectMapper json;
    @Inject
    Pool pool;

    /** Applies the first half of a batch, then has PostgreSQL terminate its own session: once. */
    static final class DiesMidBatch implements Projection {
        final Projection delegate;
        final AtomicInteger deaths = new AtomicInteger();
        final AtomicInteger attempts = new AtomicInteger();

        DiesMidBatch(Projection delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public List<String> tables() {
            return delegate.tables();
        }

        @Override
        public Uni<Void> apply(SqlConnection conn, List<Decoded> events) {
            attempts.incrementAndGet();
            if (deaths.get() > 0) {
                return delegate.apply(conn, events);
            }
            int half = events.size() / 2;
            return delegate.apply(conn, events.subList(0, half))
                    .invoke(() -> deaths.incrementAndGet())
                    .flatMap(ignored -> conn.query("SELECT pg_terminate_backend(pg_backend_pid())").execute())
                    .flatMap(ignored -> delegate.apply(conn, events.subList(half, events.size())));
        }
    }

    @Test
    void eachProjectionKilledMidBatchConvergesToTheViewThatNeverStopped() {
        Scenario scenario = Scenario.withJit("killed-mid-batch", Map.of());
        for (int i = 0; i < 6; i++) {
            scenario.signIn("user" + i + "@example.com", i % 2 == 0 ? "Marketer" : "Analyst");
        }
        String cookie = scenario.signIn("user0@example.com", "Analyst");
        io.restassured.RestAssured.given().redirects().follow(false).cookie("jit_session", cookie).post("/logout").then().statusCode(303);
        String ws = scenario.workspaceId;
        Views.awaitAuditCaughtUp(pool, ws);
        Views.awaitMembersAndSessionsCaughtUp(pool, ws);
        List<String> liveMembers = Views.members(pool, ws);
        List<String> liveSessions = Views.sessions(pool, ws);
        List<String> liveAudit = Views.audit(pool, ws);
        List<String> records = Views.envelopes(pool, store, json, ws);
        assertThat(records).hasSizeGreaterThan(20);

        for (Projection projection : List.of(members, sessions, audit)) {
            Views.forget(pool, projection, ws);
            DiesMidBatch dying = new DiesMidBatch(projection);

            consumers.consume(dying, records).await().indefinitely();

            assertThat(dying.deaths).as(projection.name() + " died once").hasValue(1);
            assertThat(dying.attempts).as(projection.name() + " applied the batch again").hasValue(2);
        }

        assertThat(Views.members(pool, ws)).isEqualTo(liveMembers);
        assertThat(Views.sessions(pool, ws)).isEqualTo(liveSessions);
        assertThat(Views.audit(pool, ws)).isEqualTo(liveAudit);
    }
}
