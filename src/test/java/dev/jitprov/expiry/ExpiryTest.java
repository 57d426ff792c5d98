package dev.jitprov.expiry;

import dev.jitprov.support.EventLog;

import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberEvent;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.MemberOrigin;
import dev.jitprov.support.BulkMembers;
import dev.jitprov.support.Db;
import dev.jitprov.support.Scenario;
import dev.jitprov.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.jitprov.expiry.SessionEndTest.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** R12 on the clock: deadlines recorded from the events and executed by the scheduler, once, on time. */
@QuarkusTest
class ExpiryTest {

    private static final Duration TTL = Duration.ofHours(24);

    @Inject
    Pool pool;
    @Inject
    com.fasterxml.jackson.databind.ObjectMapper json;
    @Inject
    TestClock clock;
    @Inject
    MemberStreams members;
    @Inject
    Expirer expirer;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    @DisplayName("R12: a temporary member without logout is deleted when the clock passes created + 24 h, and not a second before")
    void r12_temporaryMemberDeletedAfterTtlAndNotBefore() {
        Scenario s = Scenario.withJit("r12-ttl", Map.of("deleteAtSessionEnd", true));
        String key = unique("never-logs-out");
        // Provisioned at SAML acceptance without a session (a member that never completed 2FA, R14): only the
        // TTL can delete it, so the session's own 8-hour expiry does not get there first.
        Instant created = provisionTemporary(s.workspaceId, key);
        String stream = MemberKeys.streamId(s.workspaceId, key);
        awaitDeadline(s.workspaceId, key, "MEMBER");

        clock.pin(created.plus(TTL).minusSeconds(1));
        expirer.drain().await().indefinitely();
        assertThat(indexed(s.workspaceId, key)).isOne();
        assertThat(new EventLog(pool).types(stream)).doesNotContain("user.deleted.v1");

        clock.pin(created.plus(TTL).plusSeconds(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> indexed(s.workspaceId, key) == 0);
        assertThat(new EventLog(pool).types(stream)).containsExactly("user.provisioned.v1", "user.deleted.v1");
        assertThat(Db.rows(pool, "SELECT payload->>'reason' AS reason, metadata->>'actor' AS actor FROM events WHERE stream_id = $1 AND type = 'user.deleted.v1'",
                stream).get(0).getString("reason")).isEqualTo("TTL_EXPIRED");
        assertThat(deadlines(s.workspaceId, key)).isZero();
    }

    @Test
    @DisplayName("R12: a temporary member's session expiry deletes the member (scheduler, within the scan interval)")
    void r12_sessionExpiryDeletesTemporaryMember() {
        Scenario s = Scenario.withJit("r12-session-expiry", Map.of("deleteAtSessionEnd", true));
        String email = unique("temp");
        String cookie = s.signIn(email);
        Instant expiresAt = Instant.parse((String) s.session(cookie).get("expiresAt"));
        awaitDeadline(s.workspaceId, email, "SESSION");

        clock.pin(expiresAt.plusSeconds(1));

        await().atMost(Duration.ofSeconds(30)).until(() -> indexed(s.workspaceId, email) == 0);
        assertThat(new EventLog(pool).types(MemberKeys.streamId(s.workspaceId, email))).endsWith("session.ended.v1", "user.deleted.v1");
        // The member's TTL deadline goes when the recorder consumes UserDeleted (had it fired first, it would decide nothing).
        await().atMost(Duration.ofSeconds(30)).until(() -> deadlines(s.workspaceId, email) == 0);
    }

    @Test
    @DisplayName("R12: a non-temporary member is never deleted by expiry; its expired session just ends")
    void r12_permanentMemberOnlyLosesItsExpiredSession() {
        Scenario s = Scenario.withJit("r12-permanent", Map.of());
        String email = unique("staff");
        String cookie = s.signIn(email);
        Instant expiresAt = Instant.parse((String) s.session(cookie).get("expiresAt"));
        String stream = MemberKeys.streamId(s.workspaceId, email);
        awaitDeadline(s.workspaceId, email, "SESSION");
        assertThat(Db.count(pool, "SELECT count(*) FROM expiry_deadlines WHERE workspace_id = $1 AND member_key = $2 AND kind = 'MEMBER'",
                s.workspaceId, email)).isZero();

        clock.pin(expiresAt.plusSeconds(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> new EventLog(pool).types(stream).contains("session.ended.v1"));
        clock.pin(expiresAt.plus(TTL).plus(TTL));
        expirer.drain().await().indefinitely();

        assertThat(new EventLog(pool).types(stream)).containsExactly("user.provisioned.v1", "session.started.v1", "session.ended.v1");
        assertThat(Db.rows(pool, "SELECT payload->>'reason' AS reason FROM events WHERE stream_id = $1 AND type = 'session.ended.v1'", stream)
                .get(0).getString("reason")).isEqualTo("EXPIRED");
        assertThat(indexed(s.workspaceId, email)).isOne();
        given().cookie("jit_session", cookie).get("/api/session").then().statusCode(401);
    }

    @Test
    @DisplayName("R12: two expiry schedulers at once over 10,000 due temporary members delete each exactly once")
    void r12_concurrentSchedulersDeleteEachMemberOnce() throws Exception {
        int count = 10_000;
        Scenario s = Scenario.withJit("r12-concurrent", Map.of("deleteAtSessionEnd", true));
        // a daily digest rather than 10,000 new-member mails to the owner (R16 opt-out)
        s.admin().body(Map.of("newMemberMails", "DAILY_DIGEST")).put("/api/workspaces/" + s.workspaceId + "/notifications")
                .then().statusCode(200);
        Instant created = clock.instant();
        // The members as the write path and the deadline consumer leave them (bulk: 10,000 sign-ins take minutes).
        BulkMembers.seedTemporary(pool, json, s.workspaceId, count, created, TTL);

        clock.pin(created.plus(TTL).plusSeconds(1));
        AtomicInteger claimed = new AtomicInteger();
        Runnable scheduler = () -> {
            int n;
            do {
                n = expirer.expireDueBatch().await().atMost(Duration.ofMinutes(1));
                claimed.addAndGet(n);
            } while (n > 0);
        };
        CompletableFuture.allOf(CompletableFuture.runAsync(scheduler), CompletableFuture.runAsync(scheduler)).get();

        // The real scheduler ran alongside the two threads: all three together handled every deadline once.
        await().atMost(Duration.ofSeconds(60)).until(() -> Db.count(pool,
                "SELECT count(*) FROM expiry_deadlines WHERE workspace_id = $1", s.workspaceId) == 0);
        assertThat(Db.count(pool, "SELECT count(*) FROM events WHERE workspace_id = $1 AND type = 'user.deleted.v1'", s.workspaceId))
                .isEqualTo(count);
        assertThat(Db.count(pool, "SELECT count(DISTINCT stream_id) FROM events WHERE workspace_id = $1 AND type = 'user.deleted.v1'", s.workspaceId))
                .isEqualTo(count);
        assertThat(Db.count(pool, "SELECT count(*) FROM member_index WHERE workspace_id = $1 AND temporary", s.workspaceId)).isZero();
        assertThat(claimed.get()).isPositive();
    }

    private Instant provisionTemporary(String ws, String key) {
        Instant at = clock.instant();
        members.decide(ws, key, metadata(ws), ctx -> new MemberStreams.Decision<>(List.<MemberEvent>of(provisioned(key, at)), null))
                .await().indefinitely();
        return at;
    }

    private static UserProvisioned provisioned(String key, Instant at) {
        return new UserProvisioned(key, key, null, "Analyst", MemberOrigin.JIT, true, "resolved",
                Actor.idp("https://idp.example.test/r12"), at);
    }

    private static EventMetadata metadata(String ws) {
        return new EventMetadata(ws, "idp:https://idp.example.test/r12", UUID.randomUUID().toString(), null);
    }

    private void awaitDeadline(String ws, String key, String kind) {
        await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(pool,
                "SELECT count(*) FROM expiry_deadlines WHERE workspace_id = $1 AND member_key = $2 AND kind = $3", ws, key, kind) == 1);
    }

    private long indexed(String ws, String key) {
        return Db.count(pool, "SELECT count(*) FROM member_index WHERE workspace_id = $1 AND member_key = $2", ws, key);
    }

    private long deadlines(String ws, String key) {
        return Db.count(pool, "SELECT count(*) FROM expiry_deadlines WHERE workspace_id = $1 AND member_key = $2", ws, key);
    }
}
