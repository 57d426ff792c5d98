package dev.jitprov.projection;

import dev.jitprov.support.Db;

import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.eventstore.EventStore;
import dev.jitprov.eventstore.NewEvent;
import dev.jitprov.provisioning.LoginRejected;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** R17 audit log API: filters, paging, streamed CSV and JSON exports, identity of deleted members, bad input. */
@QuarkusTest
@DisplayName("R17 Audit API")
class AuditApiTest {

    @Inject
    EventStore store;
    @Inject
    Pool pool;

    private Scenario current;

    @Test
    void r17_aDeletedMemberStillAppearsByEmailInTheEntriesOfItsHistory() {
        Scenario scenario = Scenario.withJit("audit-deleted", Map.of("deleteAtSessionEnd", true));
        String cookie = scenario.signIn("Temp.User@Example.com", "Analyst");
        given().redirects().follow(false).cookie("jit_session", cookie).post("/logout").then().statusCode(303);

        Views.awaitAudit(scenario, "user.deleted");
        List<Map<String, Object>> history = scenario.admin().queryParam("member", "temp.user@example.com")
                .get(path(scenario)).then().statusCode(200).extract().path("items");

        assertThat(history).extracting(e -> e.get("type"))
                .containsExactly("user.deleted.v1", "session.ended.v1", "session.started.v1", "user.provisioned.v1");
        assertThat(history).allSatisfy(e -> assertThat(e).containsEntry("memberEmail", "Temp.User@Example.com"));
    }

    @Test
    void filtersByTypeActorMemberAndTimeRange() {
        Scenario scenario = Scenario.withJit("audit-filters", Map.of());
        current = scenario;
        scenario.signIn("fay@example.com", "Analyst");
        Views.awaitAudit(scenario, "session.started");
        Views.awaitAuditCaughtUp(pool, scenario.workspaceId);

        assertThat(types(scenario.admin().queryParam("actor", "IDP"))).containsOnly("user.provisioned.v1", "session.started.v1");
        assertThat(types(scenario.admin().queryParam("actor", "operator"))).contains("workspace.created.v1", "owner.created.v1");
        assertThat(types(scenario.admin().queryParam("type", "user.provisioned,sso.configured.v1")))
                .containsExactlyInAnyOrder("user.provisioned.v1", "sso.configured.v1");
        assertThat(types(scenario.admin().queryParam("member", "fay@example.com"))).containsExactly("session.started.v1", "user.provisioned.v1");
        assertThat(types(scenario.admin().queryParam("to", "2000-01-01T00:00:00Z"))).isEmpty();
        assertThat(types(scenario.admin().queryParam("from", "2000-01-01T00:00:00Z").queryParam("to", Instant.now().plusSeconds(60).toString())))
                .hasSize((int) Db.count(pool, "SELECT count(*) FROM events WHERE workspace_id = $1", scenario.workspaceId));
        scenario.admin().queryParam("size", 3).queryParam("page", 2).get(path(scenario)).then().statusCode(200)
                .body("page", equalTo(2)).body("size", equalTo(3)).body("items.size()", equalTo(3));
    }

    @Test
    void csvExportStreamsEveryMatchingEntryWithAHeaderAndQuoting() {
        Scenario scenario = Scenario.newWorkspace("audit-csv");
        int rejections = 120; // more than two export batches (50 in tests)
        for (int i = 0; i < rejections; i++) {
            reject(scenario, "user" + i + "@example.com", "unknown_user", "not a member, \"quoted\"");
        }
        reject(scenario, "=cmd|' /C calc'!A0", "unknown_user", "formula");
        long expected = rejections + 1;
        org.awaitility.Awaitility.await().atMost(Scenario.VIEW_TIMEOUT).until(() ->
                Db.count(pool, "SELECT count(*) FROM audit_log WHERE workspace_id = $1 AND type = 'login.rejected.v1'", scenario.workspaceId) == expected);

        io.restassured.response.Response response = scenario.admin().queryParam("format", "csv").queryParam("type", "login.rejected")
                .get(path(scenario));

        response.then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/csv"));
        String[] lines = response.asString().split("\r\n");
        assertThat(lines[0]).isEqualTo("id,occurredAt,type,actorType,actorId,memberKey,memberEmail,summary,details");
        assertThat(lines).hasSize((int) expected + 1);
        assertThat(lines[1]).contains("user0@example.com").contains("\"{\"\"code\"\":\"\"unknown_user\"\"");
        assertThat(response.asString()).contains(",'=cmd|' /c calc'!a0,");
    }

    @Test
    void jsonExportStreamsEveryMatchingEntryAsAnArrayOldestFirst() {
        Scenario scenario = Scenario.newWorkspace("audit-json-export");
        for (int i = 0; i < 60; i++) {
            reject(scenario, "j" + i + "@example.com", "firewall", "outside the allow-list");
        }
        org.awaitility.Awaitility.await().atMost(Scenario.VIEW_TIMEOUT).until(() ->
                Db.count(pool, "SELECT count(*) FROM audit_log WHERE workspace_id = $1 AND type = 'login.rejected.v1'", scenario.workspaceId) == 60);

        List<Map<String, Object>> all = scenario.admin().queryParam("export", "true").queryParam("type", "login.rejected")
                .get(path(scenario)).then().statusCode(200).extract().path("");

        assertThat(all).hasSize(60);
        assertThat(all.get(0)).containsEntry("memberEmail", "j0@example.com");
        assertThat(all.get(59)).containsEntry("memberEmail", "j59@example.com");
    }

    @Test
    void theAuditLogNeedsTheAuditViewPermission() {
        Scenario scenario = Scenario.withJit("audit-permission", Map.of());
        String analyst = scenario.signIn("ana@example.com", "Marketer");

        given().cookie("jit_session", analyst).get(path(scenario)).then().statusCode(403).body("code", equalTo("permission_required"));
        given().cookie("jit_session", analyst).queryParam("format", "csv").get(path(scenario)).then().statusCode(403);
        given().get(path(scenario)).then().statusCode(401);
    }

    @Test
    void invalidFiltersAreRefusedWithACode() {
        Scenario scenario = Scenario.newWorkspace("audit-bad-input");

        expect400(scenario, "from", "yesterday", "invalid_from");
        expect400(scenario, "to", "2026-13-45", "invalid_to");
        expect400(scenario, "type", "user.teleported", "invalid_type");
        expect400(scenario, "size", "100000", "invalid_page_size");
        expect400(scenario, "format", "xml", "invalid_format");
        scenario.admin().queryParam("from", "2026-02-01T00:00:00Z").queryParam("to", "2026-01-01T00:00:00Z").get(path(scenario))
                .then().statusCode(400).body("code", equalTo("invalid_range"));
        scenario.admin().queryParam("format", "csv").queryParam("from", "nope").get(path(scenario))
                .then().statusCode(400).body("code", equalTo("invalid_from"));
    }

    private void expect400(Scenario scenario, String param, String value, String code) {
        scenario.admin().queryParam(param, value).get(path(scenario)).then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo(code));
    }

    private void reject(Scenario scenario, String nameId, String code, String detail) {
        store.append("rejection-" + scenario.workspaceId + "-" + UUID.randomUUID(), 0, List.of(NewEvent.of(
                new LoginRejected(code, detail, nameId, "_r" + UUID.randomUUID(), scenario.idp.entityId(), Instant.now()),
                new EventMetadata(scenario.workspaceId, "idp:" + scenario.idp.entityId(), UUID.randomUUID().toString(), null),
                Instant.now()))).await().indefinitely();
    }

    private List<String> types(io.restassured.specification.RequestSpecification request) {
        return request.queryParam("size", 200).get(path(current)).then().statusCode(200).extract().path("items.type");
    }

    private static String path(Scenario scenario) {
        return "/api/workspaces/" + scenario.workspaceId + "/audit";
    }
}
