package dev.jitprov.expiry;

import dev.jitprov.support.EventLog;

import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.support.Db;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** R12 through the real endpoints: every way a temporary member's session ends deletes the member at once. */
@QuarkusTest
class SessionEndTest {

    @Inject
    Pool pool;

    @Test
    @DisplayName("R12: logout of a temporary member deletes it, its cookie stops working at once, and a new sign-in provisions it afresh")
    void r12_logoutDeletesTemporaryMember() {
        Scenario s = Scenario.withJit("r12-logout", Map.of("deleteAtSessionEnd", true));
        String email = unique("contractor");
        String cookie = s.signIn(email);
        assertThat(s.member(email)).containsEntry("temporary", true);

        logout(cookie);

        String stream = MemberKeys.streamId(s.workspaceId, email);
        assertThat(new EventLog(pool).types(stream)).containsExactly(
                "user.provisioned.v1", "session.started.v1", "session.ended.v1", "user.deleted.v1");
        assertThat(indexed(s, email)).isZero();
        given().cookie("jit_session", cookie).get("/api/session").then().statusCode(401);

        String again = s.signIn(email);
        assertThat(new EventLog(pool).types(stream)).endsWith("user.deleted.v1", "user.provisioned.v1", "session.started.v1");
        assertThat(indexed(s, email)).isOne();
        s.session(again);
    }

    @Test
    @DisplayName("R12: force logout by an admin deletes the temporary member and rejects its cookie")
    void r12_forceLogoutDeletesTemporaryMember() {
        Scenario s = Scenario.withJit("r12-force", Map.of("deleteAtSessionEnd", true));
        String email = unique("support");
        String cookie = s.signIn(email);
        String sessionId = (String) s.session(cookie).get("sessionId");

        s.admin().delete("/api/workspaces/" + s.workspaceId + "/sessions/" + sessionId).then().statusCode(204);

        assertThat(new EventLog(pool).types(MemberKeys.streamId(s.workspaceId, email))).endsWith("session.ended.v1", "user.deleted.v1");
        assertThat(Db.rows(pool, "SELECT payload->>'reason' AS reason FROM events WHERE stream_id = $1 AND type = 'session.ended.v1'",
                MemberKeys.streamId(s.workspaceId, email)).get(0).getString("reason")).isEqualTo("FORCE_LOGOUT");
        assertThat(indexed(s, email)).isZero();
        given().cookie("jit_session", cookie).get("/api/session").then().statusCode(401);
    }

    @Test
    @DisplayName("R12: ending one session of a temporary member ends its other sessions too (the member is deleted)")
    void r12_secondSessionEndsWithTheFirst() {
        Scenario s = Scenario.withJit("r12-two-sessions", Map.of("deleteAtSessionEnd", true));
        String email = unique("temp");
        String first = s.signIn(email);
        String second = s.signIn(email);
        s.session(second);

        logout(first);

        given().cookie("jit_session", second).get("/api/session").then().statusCode(401);
        String stream = MemberKeys.streamId(s.workspaceId, email);
        assertThat(new EventLog(pool).types(stream)).endsWith("session.ended.v1", "session.ended.v1", "user.deleted.v1");
        assertThat(Db.count(pool, "SELECT count(*) FROM events WHERE stream_id = $1 AND type = 'user.deleted.v1'", stream)).isOne();
        assertThat(Db.count(pool, "SELECT count(*) FROM auth_sessions WHERE workspace_id = $1 AND member_key = $2", s.workspaceId, email)).isZero();
    }

    @Test
    @DisplayName("R12: logout of a non-temporary member ends only that session")
    void r12_logoutKeepsPermanentMember() {
        Scenario s = Scenario.withJit("r12-permanent-logout", Map.of());
        String email = unique("staff");
        String cookie = s.signIn(email);

        logout(cookie);

        assertThat(new EventLog(pool).types(MemberKeys.streamId(s.workspaceId, email))).last().isEqualTo("session.ended.v1");
        assertThat(indexed(s, email)).isOne();
        given().cookie("jit_session", cookie).get("/api/session").then().statusCode(401);
    }

    @Test
    @DisplayName("Force logout of an unknown session is 404 session_not_found")
    void forceLogoutOfUnknownSessionIs404() {
        Scenario s = Scenario.newWorkspace("force-unknown");
        s.admin().delete("/api/workspaces/" + s.workspaceId + "/sessions/" + UUID.randomUUID())
                .then().statusCode(404).body("code", equalTo("session_not_found"));
    }

    @Test
    @DisplayName("Force logout of another workspace's session is 404 and leaves that session alive")
    void forceLogoutOfAnotherWorkspacesSessionIs404() {
        Scenario mine = Scenario.newWorkspace("force-mine");
        Scenario theirs = Scenario.withJit("force-theirs", Map.of("deleteAtSessionEnd", true));
        String cookie = theirs.signIn(unique("victim"));
        String sessionId = (String) theirs.session(cookie).get("sessionId");

        mine.admin().delete("/api/workspaces/" + mine.workspaceId + "/sessions/" + sessionId)
                .then().statusCode(404).body("code", equalTo("session_not_found"));

        theirs.session(cookie);
    }

    private static void logout(String cookie) {
        given().redirects().follow(false).cookie("jit_session", cookie).post("/logout").then().statusCode(303);
    }

    private long indexed(Scenario s, String email) {
        return Db.count(pool, "SELECT count(*) FROM member_index WHERE workspace_id = $1 AND member_key = $2", s.workspaceId, email);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }
}
