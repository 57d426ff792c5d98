package dev.jitprov.expiry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.CloudEventEnvelope;
import dev.jitprov.eventstore.EventStore;
import dev.jitprov.eventstore.StoredEvent;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * R12, issue 20: the deadline recorder writes a batch's consecutive deadline upserts as one statement, so a batch must
 * leave the deadlines its events leave applied one at a time, whatever the order: sessions opened and ended, a
 * temporary member deleted at its session's end and created again (a new life), all inside one batch here.
 */
@QuarkusTest
@DisplayName("R12: a batch of member events leaves the deadlines its events leave one at a time")
class DeadlineBatchTest {

    @Inject
    DeadlineRecorder recorder;
    @Inject
    EventStore store;
    @Inject
    ObjectMapper json;
    @Inject
    Pool pool;

    @Test
    void r12_aWholeHistoryInOneBatchEqualsItsEventsOneByOneAndTheLiveDeadlines() {
        Scenario scenario = Scenario.withJit("deadline-batch", Map.of("deleteAtSessionEnd", true));
        String ws = scenario.workspaceId;
        String first = scenario.signIn("ann@example.com");
        scenario.signIn("ann@example.com");                                  // a second session
        given().redirects().follow(false).cookie("jit_session", first).post("/logout").then().statusCode(303);
        scenario.signIn("ann@example.com");
        scenario.signIn("bob@example.com");
        scenario.signIn("bob@example.com");
        List<String> records = envelopes(ws);
        await().atMost(Duration.ofSeconds(30)).until(() -> processedCount(ws) == followedCount(ws));
        List<String> live = deadlines(ws);

        forget(ws);
        recorder.consume(records).await().indefinitely();
        List<String> asOneBatch = deadlines(ws);

        forget(ws);
        for (String record : records) {
            recorder.consume(List.of(record)).await().indefinitely();
        }
        List<String> oneAtATime = deadlines(ws);

        assertThat(asOneBatch).as("one batch vs one at a time").isEqualTo(oneAtATime);
        assertThat(asOneBatch).as("one batch vs the live deadlines").isEqualTo(live);
        // each member's TTL; ann's second and third sessions (her first ended at the logout), bob's two
        assertThat(asOneBatch).filteredOn(row -> row.startsWith("MEMBER")).hasSize(2);
        assertThat(asOneBatch).filteredOn(row -> row.startsWith("SESSION")).hasSize(4);
    }

    private List<String> envelopes(String ws) {
        List<String> records = new ArrayList<>();
        pool.preparedQuery("SELECT DISTINCT stream_id FROM events WHERE workspace_id = $1 AND stream_id LIKE 'member-%'").execute(Tuple.of(ws))
                .await().indefinitely().forEach(row -> {
                    for (StoredEvent event : store.readStream(row.getString("stream_id")).await().indefinitely()) {
                        records.add(CloudEventEnvelope.toJson(json, event, "urn:jit-provisioning"));
                    }
                });
        return records;
    }

    /** The events the recorder follows (the others it does not record as processed). */
    private long followedCount(String ws) {
        return pool.preparedQuery("SELECT count(*) FROM events WHERE workspace_id = $1 AND type = ANY($2)")
                .execute(Tuple.of(ws, new String[]{"user.provisioned.v1", "session.started.v1", "session.ended.v1", "user.deleted.v1"}))
                .await().indefinitely().iterator().next().getLong(0);
    }

    private long processedCount(String ws) {
        return pool.preparedQuery("SELECT count(*) FROM processed_events WHERE consumer = $1 "
                        + "AND event_id IN (SELECT event_id FROM events WHERE workspace_id = $2 AND stream_id LIKE 'member-%')")
                .execute(Tuple.of(DeadlineRecorder.CONSUMER, ws)).await().indefinitely().iterator().next().getLong(0);
    }

    private List<String> deadlines(String ws) {
        List<String> rows = new ArrayList<>();
        pool.preparedQuery("SELECT kind, member_key, target, due_at, attempts FROM expiry_deadlines WHERE workspace_id = $1 "
                        + "ORDER BY kind, member_key, target").execute(Tuple.of(ws)).await().indefinitely()
                .forEach(row -> rows.add(row.getString("kind") + " " + row.getString("member_key") + " " + row.getString("target") + " "
                        + row.getOffsetDateTime("due_at").toInstant() + " " + row.getInteger("attempts")));
        return rows;
    }

    private void forget(String ws) {
        pool.withTransaction(conn -> conn.preparedQuery("DELETE FROM expiry_deadlines WHERE workspace_id = $1").execute(Tuple.of(ws))
                .flatMap(ignored -> conn.preparedQuery("DELETE FROM processed_events WHERE consumer = $1 "
                        + "AND event_id IN (SELECT event_id FROM events WHERE workspace_id = $2)").execute(Tuple.of(DeadlineRecorder.CONSUMER, ws)))
                .replaceWithVoid()).await().indefinitely();
    }
}
