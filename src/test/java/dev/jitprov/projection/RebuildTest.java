package dev.jitprov.projection;

import dev.jitprov.support.Db;

import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Projections are rebuildable from the event store (R17) while sign-ins go on, and the result equals the live view. */
@QuarkusTest
@DisplayName("Projections: rebuild from the event store")
class RebuildTest {

    @Inject
    Pool pool;

    @Test
    void aRebuildFromZeroEqualsTheLiveViewWhileSignInsArrive() {
        // A workspace whose history is complete before the rebuild: its rows must come back byte for byte.
        Scenario quiet = Scenario.withJit("rebuild-quiet", Map.of("deleteAtSessionEnd", false));
        String cookie = quiet.signIn("quinn@example.com", "Marketer");
        quiet.signIn("quade@example.com", "Manager");
        String invited = quiet.admin().body(Map.of("email", "qira@example.com", "role", "Analyst"))
                .post("/api/workspaces/" + quiet.workspaceId + "/members").then().statusCode(201).extract().path("id");
        quiet.admin().delete("/api/workspaces/" + quiet.workspaceId + "/members/" + invited).then().statusCode(204);
        given().redirects().follow(false).cookie("jit_session", cookie).post("/logout").then().statusCode(303);
        Views.awaitAuditCaughtUp(pool, quiet.workspaceId);
        Views.awaitMembersAndSessionsCaughtUp(pool, quiet.workspaceId);
        List<String> members = Views.members(pool, quiet.workspaceId);
        List<String> sessions = Views.sessions(pool, quiet.workspaceId);
        List<String> audit = Views.audit(pool, quiet.workspaceId);

        // A busy workspace: sign-ins keep arriving during the rebuild.
        Scenario busy = Scenario.withJit("rebuild-busy", Map.of());
        CompletableFuture<Void> signIns = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 15; i++) {
                busy.signIn("user" + i + "@example.com", i % 2 == 0 ? "Analyst" : "Marketer");
            }
        });
        for (String name : List.of("members", "sessions", "audit")) {
            given().auth().oauth2(Scenario.OPERATOR_TOKEN).contentType(ContentType.JSON)
                    .post("/api/operator/projections/" + name + "/rebuild").then().statusCode(202).body("rebuilding", equalTo(true));
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<Boolean> rebuilding = given().auth().oauth2(Scenario.OPERATOR_TOKEN).get("/api/operator/projections")
                    .then().statusCode(200).extract().path("rebuilding");
            return rebuilding.stream().noneMatch(Boolean::booleanValue);
        });
        signIns.join();

        Views.awaitAuditCaughtUp(pool, busy.workspaceId);
        Views.awaitMembersAndSessionsCaughtUp(pool, busy.workspaceId);
        assertThat(Db.count(pool, "SELECT count(*) FROM members_view WHERE workspace_id = $1 AND member_key LIKE 'user%'", busy.workspaceId))
                .isEqualTo(15);
        assertThat(Views.members(pool, quiet.workspaceId)).isEqualTo(members);
        assertThat(Views.sessions(pool, quiet.workspaceId)).isEqualTo(sessions);
        assertThat(Views.audit(pool, quiet.workspaceId)).isEqualTo(audit);
        given().auth().oauth2(Scenario.OPERATOR_TOKEN).get("/api/operator/projections/members")
                .then().statusCode(200).body("rebuilding", equalTo(false));
    }

    @Test
    void aRebuildNeedsTheOperatorTokenAndAKnownProjection() {
        given().post("/api/operator/projections/members/rebuild").then().statusCode(401);
        given().auth().oauth2("wrong").post("/api/operator/projections/members/rebuild").then().statusCode(403);
        given().auth().oauth2(Scenario.OPERATOR_TOKEN).post("/api/operator/projections/nothing/rebuild")
                .then().statusCode(404).body("code", equalTo("unknown_projection"));
    }

    @Test
    void lagGaugesArePublishedPerProjection() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();

        for (String name : List.of("members", "sessions", "audit")) {
            assertThat(metrics).contains("jit_projection_lag_events{projection=\"" + name + "\"}")
                    .contains("jit_projection_lag_seconds{projection=\"" + name + "\"}")
                    .contains("jit_projection_rebuild_events{projection=\"" + name + "\"}");
        }
    }
}
