package dev.jitprov.security;

import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.support.EventLog;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/**
 * docs/security.md G1–G4 through the HTTP API on real PostgreSQL: grants cannot be climbed, /api/session answers
 * for the cookie only, tokens die with their member, demotions end sessions.
 */
@QuarkusTest
class AuthorizationRulesTest {

    @Inject
    Pool pool;
    EventLog events;

    @BeforeEach
    void setUp() {
        events = new EventLog(pool);
    }

    /** Requests as the member whose session cookie this is (the console's CSRF header included). */
    static RequestSpecification as(String cookie) {
        return given().cookie("jit_session", cookie).header("X-Requested-With", "jit-console").contentType(ContentType.JSON);
    }

    static String idOf(Scenario s, String email) {
        return MemberKeys.memberId(s.workspaceId, MemberKeys.normalize(email)).toString();
    }

    static String members(Scenario s) {
        return "/api/workspaces/" + s.workspaceId + "/members";
    }

    @Nested
    class G1_GrantsCannotBeClimbed {

        @Test
        void g1_aManagerCannotMakeItselfOrAnyoneAdmin_norTouchAnAdmin() {
            Scenario s = Scenario.withSso("g1-manager");
            String manager = s.signInAfterInvite("max@example.com", "Manager");
            s.signInAfterInvite("ana@example.com", "Analyst");

            as(manager).body(Map.of("role", "Admin")).put(members(s) + "/" + idOf(s, "max@example.com") + "/role")
                    .then().statusCode(403).body("code", equalTo("own_role_change"));
            as(manager).body(Map.of("email", "eve@example.com", "role", "Admin")).post(members(s))
                    .then().statusCode(403).body("code", equalTo("role_exceeds_caller"));
            as(manager).body(Map.of("role", "Admin")).put(members(s) + "/" + idOf(s, "ana@example.com") + "/role")
                    .then().statusCode(403).body("code", equalTo("role_exceeds_caller"));
            as(manager).body(Map.of("role", "Analyst")).put(members(s) + "/" + idOf(s, s.ownerEmail) + "/role")
                    .then().statusCode(403).body("code", equalTo("member_exceeds_caller"));
            as(manager).delete(members(s) + "/" + idOf(s, s.ownerEmail))
                    .then().statusCode(403).body("code", equalTo("member_exceeds_caller"));

            // nothing changed: the manager is still a Manager and cannot reach the SSO settings
            assertThat(s.session(manager)).containsEntry("effectiveRole", "Manager");
            as(manager).get("/api/workspaces/" + s.workspaceId + "/sso").then().statusCode(403);
            assertThat(events.member(s.workspaceId, "eve@example.com")).isEmpty();
            assertThat(events.types(MemberKeys.streamId(s.workspaceId, "ana@example.com"))).doesNotContain("role.changed.v1");

            // within its own permissions a Manager still does its job
            as(manager).body(Map.of("email", "mia@example.com", "role", "Marketer")).post(members(s)).then().statusCode(201);
            as(manager).body(Map.of("role", "Marketer")).put(members(s) + "/" + idOf(s, "ana@example.com") + "/role").then().statusCode(200);
        }

        @Test
        void g1_aMemberActingAsAdminThroughTheIdpIsOutOfAManagersReach_evenWithALesserStoredRole() {
            Scenario s = Scenario.withJit("g1-effective", Map.of()); // update user's role OFF: sessions take the IdP's role (R9)
            String manager = s.signIn("mgr@example.com", "Manager");
            s.signIn("sid@example.com", "Analyst");
            String asAdmin = s.signIn("sid@example.com", "Admin");
            assertThat(s.session(asAdmin)).containsEntry("effectiveRole", "Admin");
            String sessionId = (String) s.session(asAdmin).get("sessionId");

            as(manager).delete(members(s) + "/" + idOf(s, "sid@example.com")).then().statusCode(403).body("code", equalTo("member_exceeds_caller"));
            as(manager).body(Map.of("role", "Marketer")).put(members(s) + "/" + idOf(s, "sid@example.com") + "/role")
                    .then().statusCode(403).body("code", equalTo("member_exceeds_caller"));
            as(manager).delete("/api/workspaces/" + s.workspaceId + "/sessions/" + sessionId)
                    .then().statusCode(403).body("code", equalTo("member_exceeds_caller"));
            assertThat(s.session(asAdmin)).containsEntry("effectiveRole", "Admin");
        }

        @Test
        void g1_whatJitHandsOutIsAGrantToo_aDefaultRoleOrMappingBeyondTheCallerIsRefused() {
            Scenario s = Scenario.withSso("g1-jit-config");
            s.admin().body(Map.of("name", "SsoAdmin", "permissions", List.of("security-settings:manage", "reports:view")))
                    .post("/api/workspaces/" + s.workspaceId + "/roles").then().statusCode(201);
            String sso = s.signInAfterInvite("sso@example.com", "SsoAdmin");

            as(sso).body(Map.of("method", "JIT", "defaultRole", "Admin")).put("/api/workspaces/" + s.workspaceId + "/provisioning")
                    .then().statusCode(403).body("code", equalTo("role_exceeds_caller"));
            as(sso).body(Map.of("method", "JIT", "defaultRole", "Analyst", "roleMappings", Map.of("sso-admins", "Admin")))
                    .put("/api/workspaces/" + s.workspaceId + "/provisioning").then().statusCode(403).body("code", equalTo("role_exceeds_caller"));
            as(sso).body(Map.of("method", "JIT", "defaultRole", "Analyst")).put("/api/workspaces/" + s.workspaceId + "/provisioning")
                    .then().statusCode(200);
        }

        @Test
        void g1_theRolesListSaysWhichRolesTheCallerMayGrant_soTheConsoleOffersOnlyThose() {
            Scenario s = Scenario.withSso("g1-grantable");
            String manager = s.signInAfterInvite("mo@example.com", "Manager");

            List<Map<String, Object>> roles = as(manager).get("/api/workspaces/" + s.workspaceId + "/roles").then().statusCode(200)
                    .extract().path("items");
            assertThat(roles).filteredOn(r -> Boolean.TRUE.equals(r.get("grantable"))).extracting(r -> r.get("name"))
                    .containsExactlyInAnyOrder("Manager", "Marketer", "Analyst");
            s.admin().get("/api/workspaces/" + s.workspaceId + "/roles").then().statusCode(200)
                    .body("items.findAll { it.grantable }.name", contains("Admin", "Manager", "Marketer", "Analyst"));
        }

        @Test
        void g1_aCustomRoleHoldsOnlyPermissionsItsCreatorHolds() {
            Scenario s = Scenario.withSso("g1-custom");
            s.admin().body(Map.of("name", "SecOps", "permissions", List.of("security-settings:manage", "team:manage")))
                    .post("/api/workspaces/" + s.workspaceId + "/roles").then().statusCode(201);
            String secops = s.signInAfterInvite("sec@example.com", "SecOps");

            as(secops).body(Map.of("name", "Editor", "permissions", List.of("content:edit")))
                    .post("/api/workspaces/" + s.workspaceId + "/roles").then().statusCode(403).body("code", equalTo("role_exceeds_caller"));
            as(secops).body(Map.of("name", "Recruiter", "permissions", List.of("team:manage")))
                    .post("/api/workspaces/" + s.workspaceId + "/roles").then().statusCode(201);
            // and it cannot hand out the built-in Admin either
            as(secops).body(Map.of("email", "adm@example.com", "role", "Admin")).post(members(s))
                    .then().statusCode(403).body("code", equalTo("role_exceeds_caller"));
        }
    }

    @Nested
    class G2_SessionIntrospection {

        @Test
        void g2_apiSessionAnswersForTheCookieOnly_neverWithABearerTokensPermissions() {
            Scenario s = Scenario.withSso("g2-session");
            String analyst = s.signInAfterInvite("al@example.com", "Analyst");

            given().cookie("jit_session", analyst).auth().oauth2(s.apiToken).get("/api/session").then().statusCode(200)
                    .body("memberKey", equalTo("al@example.com")).body("effectiveRole", equalTo("Analyst"))
                    .body("permissions", contains("reports:view"));
            given().auth().oauth2(s.apiToken).get("/api/session").then().statusCode(401).body("code", equalTo("authentication_required"));
        }

        @Test
        void g2_aSessionWaitingForItsSecondFactorIsRefusedWithItsOwnCode() {
            Scenario s = Scenario.withJit("g2-pending", Map.of());
            SecurityFixtures.secure(s, true, List.of());
            String pending = s.signIn("pat@example.com", "Analyst");

            given().cookie("jit_session", pending).auth().oauth2(s.apiToken).get("/api/session").then().statusCode(401)
                    .body("code", equalTo("two_factor_required"));
        }
    }

    @Nested
    class G3_TokensDieWithTheirMember {

        @Test
        void g3_aRevokedMembersTokenDies_andDoesNotComeBackWhenTheSameUserIsAddedAgain() {
            Scenario s = Scenario.withSso("g3-revoke");
            String admin = s.signInAfterInvite("ada@example.com", "Admin");
            String token = as(admin).body(Map.of("name", "ada's script")).post("/api/workspaces/" + s.workspaceId + "/tokens")
                    .then().statusCode(201).extract().path("token");
            given().auth().oauth2(token).get(members(s)).then().statusCode(200);

            s.admin().delete(members(s) + "/" + idOf(s, "ada@example.com")).then().statusCode(204);
            given().auth().oauth2(token).get(members(s)).then().statusCode(401).body("code", equalTo("invalid_token"));

            s.admin().body(Map.of("email", "ada@example.com", "role", "Manager")).post(members(s)).then().statusCode(201);
            given().auth().oauth2(token).get(members(s)).then().statusCode(401).body("code", equalTo("invalid_token"));

            assertThat(events.ofType(s.workspaceId, "api-token.revoked.v1")).singleElement().satisfies(e -> {
                assertThat(e.streamId()).isEqualTo(WorkspaceState.streamId(s.workspaceId));
                assertThat(e.payload()).contains("\"name\":\"ada's script\"").contains("\"reason\":\"member_deleted: ACCESS_REVOKED\"");
            });

            // even a token the revocation had missed is bound to the life it was made in, not to the key
            pool.preparedQuery("UPDATE api_tokens SET revoked_at = NULL, revoked_reason = NULL WHERE workspace_id = $1 AND member_key = $2")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(s.workspaceId, "ada@example.com")).await().atMost(java.time.Duration.ofSeconds(10));
            given().auth().oauth2(token).get(members(s)).then().statusCode(401).body("code", equalTo("invalid_token"));
        }

        @Test
        void g3_aTemporaryMembersTokenDiesWhenItsSessionEnds() {
            Scenario s = Scenario.withJit("g3-temporary", Map.of("deleteAtSessionEnd", true));
            String temp = s.signIn("tia@example.com", "Admin");
            String token = as(temp).body(Map.of("name", "temp")).post("/api/workspaces/" + s.workspaceId + "/tokens")
                    .then().statusCode(201).extract().path("token");

            as(temp).redirects().follow(false).post("/logout").then().statusCode(303);

            given().auth().oauth2(token).get(members(s)).then().statusCode(401).body("code", equalTo("invalid_token"));
            assertThat(events.ofType(s.workspaceId, "api-token.revoked.v1")).singleElement()
                    .satisfies(e -> assertThat(e.payload()).contains("\"reason\":\"member_deleted: SESSION_ENDED\""));
        }
    }

    @Nested
    class G4_DemotionEndsSessions {

        @Test
        void g4_anAdminDemotedByTheOwnerLosesTheSessionAlreadyOpen() {
            Scenario s = Scenario.withSso("g4-admin");
            String admin = s.signInAfterInvite("dee@example.com", "Admin");
            as(admin).get("/api/workspaces/" + s.workspaceId + "/sso").then().statusCode(200);

            s.admin().body(Map.of("role", "Analyst")).put(members(s) + "/" + idOf(s, "dee@example.com") + "/role").then().statusCode(200);

            as(admin).get("/api/workspaces/" + s.workspaceId + "/sso").then().statusCode(401).body("code", equalTo("session_invalid"));
            as(admin).body(Map.of("twoFactorRequired", false, "ipAllowList", List.of()))
                    .put("/api/workspaces/" + s.workspaceId + "/security").then().statusCode(401);
            assertThat(events.member(s.workspaceId, "dee@example.com")).filteredOn(e -> e.type().equals("session.ended.v1"))
                    .singleElement().satisfies(e -> assertThat(e.payload()).contains("\"reason\":\"ROLE_CHANGED\""));
            // the audit log shows it
            await().atMost(Scenario.VIEW_TIMEOUT).until(() -> {
                List<String> summaries = s.admin().queryParam("type", "session.ended").get("/api/workspaces/" + s.workspaceId + "/audit")
                        .then().statusCode(200).extract().path("items.summary");
                return summaries.stream().anyMatch(summary -> summary.contains("ROLE_CHANGED"));
            });
            // signing in again gives a session with the new role
            assertThat(s.session(s.signIn("dee@example.com"))).containsEntry("effectiveRole", "Analyst");
        }

        @Test
        void g4_withUpdateUserRoleOff_aSessionScopedRoleTheIdpNoLongerSendsEndsToo() {
            Scenario s = Scenario.withJit("g4-idp-off", Map.of()); // sessions take the IdP's role, the stored one stays
            String asManager = s.signIn("ola@example.com", "Manager");
            String asAnalyst = s.signIn("ola@example.com", "Analyst");

            given().cookie("jit_session", asManager).get("/api/session").then().statusCode(401);
            assertThat(s.session(asAnalyst)).containsEntry("effectiveRole", "Analyst");
            String later = s.signIn("ola@example.com", "Analyst");
            // the same role again ends nothing
            assertThat(s.session(asAnalyst)).containsEntry("effectiveRole", "Analyst");
            assertThat(s.session(later)).containsEntry("effectiveRole", "Analyst");
        }

        @Test
        void g4_aDemotionSentByTheIdpAtSignInEndsTheMembersOtherSessions() {
            Scenario s = Scenario.withJit("g4-idp", Map.of("updateUserRole", true));
            String first = s.signIn("ivy@example.com", "Admin");
            String second = s.signIn("ivy@example.com", "Admin");

            String demoted = s.signIn("ivy@example.com", "Analyst");

            given().cookie("jit_session", first).get("/api/session").then().statusCode(401);
            given().cookie("jit_session", second).get("/api/session").then().statusCode(401);
            assertThat(s.session(demoted)).containsEntry("effectiveRole", "Analyst");
            assertThat(events.member(s.workspaceId, "ivy@example.com")).filteredOn(e -> e.type().equals("session.ended.v1"))
                    .hasSize(2).allSatisfy(e -> assertThat(e.payload()).contains("\"reason\":\"ROLE_CHANGED\""));
        }
    }

    @Nested
    class G9_OneRoleAttribute {

        @Test
        void g9_theAttributeNamedRoleWins_andAnotherWithThatFriendlyNameIsNeverMergedIn() {
            Scenario s = Scenario.withJit("g9-name", Map.of("multiValuePolicy", "HIGHEST_PRIVILEGE"));
            // an attribute a user may edit at the IdP, published with FriendlyName "role", must not add Admin
            String response = s.response("gil@example.com").attribute("email", "gil@example.com")
                    .attribute("role", null, List.of("Analyst"))
                    .attribute("urn:example:user-editable", "role", List.of("Admin")).build();

            assertThat(s.session(s.signInWith(response))).containsEntry("effectiveRole", "Analyst");
        }

        @Test
        void g9_aFriendlyNameIsUsedOnlyWhenNoAttributeHasTheName() {
            Scenario s = Scenario.withJit("g9-friendly", Map.of());
            String response = s.response("fay@example.com").attribute("email", "fay@example.com")
                    .attribute("urn:oid:1.3.6.1.4.1.5923.1.1.1.7", "role", List.of("Manager")).build();

            assertThat(s.session(s.signInWith(response))).containsEntry("effectiveRole", "Manager");
        }
    }
}
