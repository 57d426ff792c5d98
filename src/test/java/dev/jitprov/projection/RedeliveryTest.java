package dev.jitprov.projection;

import dev.jitprov.support.Db;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.CloudEventEnvelope;
import dev.jitprov.eventstore.EventStore;
import dev.jitprov.eventstore.StoredEvent;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Projections apply each event once in effect (R17, R19): redelivery and bad records change nothing and crash nothing. */
@QuarkusTest
@DisplayName("Projections: redelivery and bad records")
class RedeliveryTest {

    @Inject
    ProjectionConsumers consumers;
    @Inject
    EventStore store;
    @Inject
    ObjectMapper json;
    @Inject
    Pool pool;

    @Test
    void theSameEventsDeliveredAgainLeaveEveryViewUnchanged() {
        Scenario scenario = Scenario.withJit("redelivery", Map.of());
        String cookie = scenario.signIn("rita@example.com", "Marketer");
        scenario.signIn("rory@example.com", "Analyst");
        io.restassured.RestAssured.given().redirects().follow(false).cookie("jit_session", cookie).post("/logout").then().statusCode(303);
        Views.awaitAuditCaughtUp(pool, scenario.workspaceId);
        Views.awaitMembersAndSessionsCaughtUp(pool, scenario.workspaceId);
        List<String> members = Views.members(pool, scenario.workspaceId);
        List<String> sessions = Views.sessions(pool, scenario.workspaceId);
        List<String> audit = Views.audit(pool, scenario.workspaceId);

        // every event of the workspace again, as the relay would publish it after a crash (replayed offsets)
        for (String record : envelopesOf(scenario)) {
            consumers.all(List.of(record)).await().indefinitely();
        }
        // and all of them twice in one poll's batch
        List<String> twice = new ArrayList<>(envelopesOf(scenario));
        twice.addAll(envelopesOf(scenario));
        consumers.all(twice).await().indefinitely();

        assertThat(Views.members(pool, scenario.workspaceId)).isEqualTo(members);
        assertThat(Views.sessions(pool, scenario.workspaceId)).isEqualTo(sessions);
        assertThat(Views.audit(pool, scenario.workspaceId)).isEqualTo(audit);
    }

    @Test
    void aRecordThatIsNotAnEnvelopeIsSkippedWithoutFailingTheChannel() {
        consumers.all(List.of("this is not JSON", "{\"specversion\":\"0.3\"}")).await().indefinitely();
    }

    @Test
    void anEventOfAnUnknownTypeIsSkippedAndRecordedAsProcessed() {
        UUID id = UUID.randomUUID();
        String record = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"type\":\"something.new.v9\",\"source\":\"urn:x\","
                + "\"subject\":\"member-ws-x-a@b.c\",\"time\":\"2026-01-01T00:00:00Z\",\"workspace\":\"ws-x\",\"streamversion\":1,"
                + "\"position\":1,\"data\":{\"what\":\"ever\"}}";

        consumers.all(List.of(record)).await().indefinitely();

        assertThat(Db.count(pool, "SELECT count(*) FROM processed_events WHERE event_id = $1", id)).isEqualTo(3); // one per projection
        assertThat(Db.count(pool, "SELECT count(*) FROM audit_log WHERE id = $1", id)).isZero();
    }

    @Test
    void anEventWhosePayloadDoesNotFitItsTypeIsSkippedAndRecordedAsProcessed() {
        UUID id = UUID.randomUUID();
        String record = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"type\":\"session.started.v1\",\"source\":\"urn:x\","
                + "\"subject\":\"member-ws-y-a@b.c\",\"time\":\"2026-01-01T00:00:00Z\",\"workspace\":\"ws-y\",\"streamversion\":1,"
                + "\"position\":1,\"data\":{\"sessionId\":\"not-a-uuid\",\"startedAt\":\"yesterday\"}}";

        consumers.all(List.of(record)).await().indefinitely();

        assertThat(Db.count(pool, "SELECT count(*) FROM processed_events WHERE event_id = $1", id)).isEqualTo(3); // one per projection
    }

    private List<String> envelopesOf(Scenario scenario) {
        List<String> records = Views.envelopes(pool, store, json, scenario.workspaceId);
        assertThat(records).isNotEmpty();
        return records;
    }
}
