package dev.jitprov.eventstore;

import dev.jitprov.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batched projection writes are pipelined, never reordered: a batch must leave the rows that applying its events
 * one by one leaves (the rebuild-equals-live guarantee of issue 5 rests on it).
 */
@QuarkusTest
@DisplayName("Projection writes: a pipelined batch keeps the order of its statements")
class WritesTest {

    @Inject
    Pool pool;

    @Test
    void writesWithDifferentStatementsInterleavedLandInTheOrderTheyWereAdded() {
        String ws = "writes-" + UUID.randomUUID();
        Writes writes = new Writes();
        // the same row rewritten 600 times, alternating between three statements: any reordering changes the end value
        writes.add("INSERT INTO audit_members (workspace_id, member_key, email) VALUES ($1, 'k', 'v0')", Tuple.of(ws));
        for (int i = 1; i <= 600; i++) {
            String sql = switch (i % 3) {
                case 0 -> "UPDATE audit_members SET email = $2 WHERE workspace_id = $1 AND member_key = 'k'";
                case 1 -> "UPDATE audit_members SET email = $2 WHERE member_key = 'k' AND workspace_id = $1";
                default -> "UPDATE audit_members SET email = $2 || '' WHERE workspace_id = $1 AND member_key = 'k'";
            };
            writes.add(sql, Tuple.of(ws, "v" + i));
            if (i % 7 == 0) {
                writes.add(sql, Tuple.of(ws, "v" + i)); // a run of two: sent as one executeBatch
            }
        }

        pool.withTransaction(conn -> writes.execute(conn)).await().indefinitely();

        assertThat(Db.count(pool, "SELECT count(*) FROM audit_members WHERE workspace_id = $1 AND email = 'v600'", ws)).isEqualTo(1);
    }

    @Test
    void aFailingStatementFailsTheBatchWithItsOwnErrorAndNothingIsWritten() {
        String ws = "writes-" + UUID.randomUUID();
        Writes writes = new Writes()
                .add("INSERT INTO audit_members (workspace_id, member_key, email) VALUES ($1, 'a', 'a@example.com')", Tuple.of(ws))
                .add("INSERT INTO audit_members (workspace_id, member_key, email) VALUES ($1, 'a', 'again@example.com')", Tuple.of(ws));

        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() ->
                pool.withTransaction(conn -> writes.execute(conn)).await().indefinitely());

        assertThat(failure).isInstanceOf(io.vertx.pgclient.PgException.class);
        assertThat(((io.vertx.pgclient.PgException) failure).getSqlState()).isEqualTo("23505");
        assertThat(Db.count(pool, "SELECT count(*) FROM audit_members WHERE workspace_id = $1", ws)).isZero();
    }
}
