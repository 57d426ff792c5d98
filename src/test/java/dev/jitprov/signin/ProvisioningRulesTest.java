package dev.jitprov.signin;

import dev.jitprov.support.EventLog;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The provisioning rules of SPEC §3, end to end: configuration through the REST API, sign-ins as signed SAML
 * Responses posted to the real ACS, assertions on the API and on the event store.
 */
@QuarkusTest
class ProvisioningRulesTest {

    @Inject
    Pool pool;
    EventLog events;

    @BeforeEach
    void setUp() {
        events = new EventLog(pool);
    }

    private static String provisioningOf(Scenario s) {
        return s.admin().get("/api/workspaces/" + s.workspaceId + "/provisioning").then().statusCode(200).extract().path("method");
    }

    @Nested
    class R1_JitNeedsActiveSso {

        @Test
        void r1_enablingJitWithoutSsoIsRefusedWith409AndChangesNothing() {
            Scenario s = Scenario.newWorkspace("r1-no-sso");
            s.enableJit(Map.of()).then().statusCode(409).contentType("application/problem+json")
                    .body("code", equalTo("sso_not_configured"));
            assertThat(provisioningOf(s)).isEqualTo("NONE");
            assertThat(events.types("workspace-" + s.workspaceId)).doesNotContain("provisioning.enabled.v1");
        }

        @Test
        void r1_enablingJitWithInactiveSsoIsRefused() {
            Scenario s = Scenario.newWorkspace("r1-inactive");
            s.configureSso(false, List.of(dev.jitprov.saml.Certificates.toPem(s.idp.credentials().certificate())));
            s.enableJit(Map.of()).then().statusCode(409).body("code", equalTo("sso_not_configured"));
            assertThat(provisioningOf(s)).isEqualTo("NONE");
        }
    }

    @Nested
    class R2_JitAndScimAreExclusive {

        @Test
        void r2_enablingJitWhileScimIsEnabledIsRefused() {
            Scenario s = Scenario.withSso("r2-scim-first");
            s.admin().body(Map.of("method", "SCIM")).put("/api/workspaces/" + s.workspaceId + "/provisioning").then().statusCode(200);
            s.enableJit(Map.of()).then().statusCode(409).body("code", equalTo("scim_enabled")).body("detail", containsString("disable SCIM first"));
            assertThat(provisioningOf(s)).isEqualTo("SCIM");
        }

        @Test
        void r2_enablingScimWhileJitIsEnabledIsRefused() {
            Scenario s = Scenario.withJit("r2-jit-first", Map.of());
            s.admin().body(Map.of("method", "SCIM")).put("/api/workspaces/" + s.workspaceId + "/provisioning").then()
                    .statusCode(409).body("code", equalTo("jit_enabled"));
            assertThat(provisioningOf(s)).isEqualTo("JIT");
        }
    }

    @Nested
    class R3_DefaultRoleMustExist {

        @Test
        void r3_aDefaultRoleThatDoesNotExistIsRefusedWith422() {
            Scenario s = Scenario.withSso("r3-unknown");
            s.enableJit(Map.of("defaultRole", "Wizard")).then().statusCode(422).body("code", equalTo("unknown_default_role"));
            assertThat(provisioningOf(s)).isEqualTo("NONE");
        }

        @Test
        void r3_aCustomRoleCanBeTheDefaultAndThenCannotBeDeleted() {
            Scenario s = Scenario.withSso("r3-custom");
            s.admin().body(Map.of("name", "Contractor", "permissions", List.of("reports:view")))
                    .post("/api/workspaces/" + s.workspaceId + "/roles").then().statusCode(201);
            s.enableJit(Map.of("defaultRole", "Contractor")).then().statusCode(200).body("defaultRole", equalTo("Contractor"));

            s.admin().delete("/api/workspaces/" + s.workspaceId + "/roles/Contractor").then().statusCode(409).body("code", equalTo("role_in_use"));
            s.admin().get("/api/workspaces/" + s.workspaceId + "/roles").then().body("items.name", org.hamcrest.Matchers.hasItem("Contractor"));
        }

        @Test
        void aCustomRoleHeldByAMemberCannotBeDeletedUntilNobodyHoldsIt() {
            Scenario s = Scenario.withSso("role-held");
            String ws = "/api/workspaces/" + s.workspaceId;
            s.admin().body(Map.of("name", "Contractor", "permissions", List.of("reports:view"))).post(ws + "/roles").then().statusCode(201);
            String id = s.admin().body(Map.of("email", "cora@example.com", "role", "Contractor")).post(ws + "/members")
                    .then().statusCode(201).extract().path("id");

            s.admin().delete(ws + "/roles/Contractor").then().statusCode(409).body("code", equalTo("role_in_use"))
                    .body("detail", org.hamcrest.Matchers.containsString("held by 1 member"));

            s.admin().body(Map.of("role", "Analyst")).put(ws + "/members/" + id + "/role").then().statusCode(200);
            s.admin().delete(ws + "/roles/Contractor").then().statusCode(204);
        }

        @Test
        void aRoleDeletionWaitsForADecisionInFlightThatGivesTheRole_andThenRefuses() {
            Scenario s = Scenario.withSso("role-race");
            String ws = "/api/workspaces/" + s.workspaceId;
            s.admin().body(Map.of("name", "Contractor", "permissions", List.of("reports:view"))).post(ws + "/roles").then().statusCode(201);
            s.admin().body(Map.of("email", "dora@example.com", "role", "Analyst")).post(ws + "/members").then().statusCode(201);
            // a member decision in flight, as MemberStreams holds it: the workspace's roles lock shared, and the
            // member's new role written beside the log, not committed yet
            io.vertx.mutiny.sqlclient.SqlConnection decision = pool.getConnection().await().indefinitely();
            io.vertx.mutiny.sqlclient.Transaction tx = decision.begin().await().indefinitely();
            decision.preparedQuery("SELECT pg_advisory_xact_lock_shared(hashtext($1))")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(dev.jitprov.eventstore.Locks.roles(s.workspaceId))).await().indefinitely();
            decision.preparedQuery("UPDATE member_index SET role = 'Contractor' WHERE workspace_id = $1 AND member_key = 'dora@example.com'")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(s.workspaceId)).await().indefinitely();

            java.util.concurrent.CompletableFuture<Response> deletion = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    s.admin().delete(ws + "/roles/Contractor"));
            org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(500)).atMost(java.time.Duration.ofSeconds(2))
                    .until(() -> !deletion.isDone());
            tx.commit().await().indefinitely();
            decision.close().await().indefinitely();

            deletion.join().then().statusCode(409).body("code", equalTo("role_in_use"));
        }
    }

    @Nested
    class R4_OnlySecuritySettingsManagersMayConfigure {

        @Test
        void r4_withoutCredentials401_withoutPermission403_andNothingChanges() {
            Scenario s = Scenario.withSso("r4");
            String marketer = s.signInAfterInvite("mia@example.com", "Marketer");

            given().get("/api/workspaces/" + s.workspaceId + "/provisioning").then().statusCode(401).body("code", equalTo("authentication_required"));
            for (String method : List.of("GET", "PUT", "DELETE")) {
                given().cookie("jit_session", marketer).header("X-Requested-With", "jit-console").contentType(ContentType.JSON)
                        .body(Map.of("method", "JIT", "defaultRole", "Analyst"))
                        .request(method, "/api/workspaces/" + s.workspaceId + "/provisioning")
                        .then().statusCode(403).body("code", equalTo("permission_required"));
            }
            assertThat(provisioningOf(s)).isEqualTo("NONE");
        }

        @Test
        void r4_anotherWorkspacesTokenIsForbidden() {
            Scenario mine = Scenario.withSso("r4-mine");
            Scenario other = Scenario.newWorkspace("r4-other");
            given().auth().oauth2(other.apiToken).get("/api/workspaces/" + mine.workspaceId + "/provisioning")
                    .then().statusCode(403).body("code", equalTo("wrong_workspace"));
        }
    }

    @Nested
    class R5_R6_R7_RoleResolution {

        @Test
        void r5_roleFromFriendlyNameAndCaseInsensitiveMatch() {
            Scenario s = Scenario.withJit("r5", Map.of());
            String cookie = s.signInWith(s.response("kim@example.com")
                    .attribute("urn:oid:1.3.6.1.4.1.5923.1.1.1.7", "role", List.of("  marketer ")).build());
            assertThat(s.session(cookie)).containsEntry("effectiveRole", "Marketer");
        }

        @Test
        void r6_firstValueWinsByDefault() {
            Scenario s = Scenario.withJit("r6-first", Map.of());
            assertThat(s.session(s.signIn("fay@example.com", "Marketer", "Admin"))).containsEntry("effectiveRole", "Marketer");
        }

        @Test
        void r6_highestPrivilegeTakesTheRoleWithMostPermissions() {
            Scenario s = Scenario.withJit("r6-highest", Map.of("multiValuePolicy", "HIGHEST_PRIVILEGE"));
            assertThat(s.session(s.signIn("hal@example.com", "Marketer", "Admin"))).containsEntry("effectiveRole", "Admin");
        }

        @Test
        void r6_theMappingTableTranslatesIdpValuesBeforeMatching() {
            Scenario s = Scenario.withJit("r6-mapping", Map.of("roleMappings", Map.of("grp-marketing", "Marketer")));
            assertThat(s.session(s.signIn("max@example.com", "grp-marketing"))).containsEntry("effectiveRole", "Marketer");
        }

        @Test
        void r7_aMissingRoleGivesTheDefaultRoleAndRecordsRoleMissing() {
            Scenario s = Scenario.withJit("r7-missing", Map.of());
            assertThat(s.session(s.signIn("noah@example.com"))).containsEntry("effectiveRole", "Analyst");
            assertThat(events.member(s.workspaceId, "noah@example.com").get(0).payload()).contains("\"roleResolution\":\"role_missing\"");
        }

        @Test
        void r7_anUnknownRoleGivesTheDefaultRoleAndRecordsTheValue() {
            Scenario s = Scenario.withJit("r7-unknown", Map.of());
            assertThat(s.session(s.signIn("uma@example.com", "Wizard"))).containsEntry("effectiveRole", "Analyst");
            assertThat(events.member(s.workspaceId, "uma@example.com").get(0).payload()).contains("role_unknown: Wizard");
        }

        @Test
        void r7_strictRoleRefusesAMissingOrUnknownRole() {
            Scenario s = Scenario.withJit("r7-strict", Map.of("strictRole", true));
            s.postAcs(s.signedResponse("sam@example.com", "Wizard")).then().statusCode(403).body(containsString("role_unknown"));
            s.postAcs(s.signedResponse("sam@example.com")).then().statusCode(403).body(containsString("role_missing"));
            assertThat(events.member(s.workspaceId, "sam@example.com")).isEmpty();
            assertThat(events.ofType(s.workspaceId, "login.rejected.v1")).hasSize(2);
        }
    }

    @Nested
    class R8_R9_SignIn {

        @Test
        void r8_firstSignInProvisionsOnceAndStartsASession() {
            Scenario s = Scenario.withJit("r8", Map.of("deleteAtSessionEnd", true));
            s.signIn("ida@example.com", "Manager");
            assertThat(events.types(dev.jitprov.provisioning.MemberKeys.streamId(s.workspaceId, "ida@example.com")))
                    .containsExactly("user.provisioned.v1", "session.started.v1");
            assertThat(events.member(s.workspaceId, "ida@example.com").get(0).payload())
                    .contains("\"origin\":\"JIT\"", "\"temporary\":true", "\"role\":\"Manager\"");
        }

        @Test
        void r9_updateOnChangesTheStoredRoleAndRecordsRoleChangedFromTheIdp() {
            Scenario s = Scenario.withJit("r9-on", Map.of("updateUserRole", true));
            s.signIn("leo@example.com", "Analyst");
            String cookie = s.signIn("leo@example.com", "Manager");

            assertThat(s.session(cookie)).containsEntry("effectiveRole", "Manager");
            assertThat(s.member("leo@example.com")).containsEntry("role", "Manager");
            assertThat(events.ofType(s.workspaceId, "role.changed.v1")).singleElement()
                    .satisfies(e -> assertThat(e.payload()).contains("\"from\":\"Analyst\"", "\"to\":\"Manager\"", "\"source\":\"IDP\""));
        }

        @Test
        void r9_updateOffKeepsTheStoredRoleAndScopesTheIdpRoleToTheSession() {
            Scenario s = Scenario.withJit("r9-off", Map.of("updateUserRole", false));
            s.signIn("mo@example.com", "Analyst");
            String cookie = s.signIn("mo@example.com", "Manager");

            assertThat(s.session(cookie)).containsEntry("effectiveRole", "Manager");
            assertThat(s.member("mo@example.com")).containsEntry("role", "Analyst");
            assertThat(events.ofType(s.workspaceId, "role.changed.v1")).isEmpty();
            assertThat(events.member(s.workspaceId, "mo@example.com").get(2).payload()).contains("\"effectiveRole\":\"Manager\"");
        }
    }

    @Nested
    class R10_NeverLockTheWorkspaceOut {

        @Test
        void r10_theIdpNeverDemotesTheLastAdmin_andAdminsCannotEither() {
            Scenario s = Scenario.withJit("r10", Map.of("updateUserRole", true));
            String ada = s.signIn("ada@example.com", "Admin");
            // The owner leaves: Ada becomes the only member holding security-settings:manage.
            String ownerId = (String) s.member(s.ownerEmail).get("id");
            String adaId = (String) s.member("ada@example.com").get("id");
            given().cookie("jit_session", ada).header("X-Requested-With", "jit-console").delete("/api/workspaces/" + s.workspaceId + "/members/" + ownerId).then().statusCode(204);

            String again = s.signIn("ada@example.com", "Marketer");

            assertThat(s.session(again)).containsEntry("effectiveRole", "Admin");
            assertThat(events.member(s.workspaceId, "ada@example.com")).extracting(EventLog.Entry::type).doesNotContain("role.changed.v1");
            assertThat(events.ofType(s.workspaceId, "role.change-skipped.v1")).singleElement()
                    .satisfies(e -> assertThat(e.payload()).contains("last_admin_protected"));
            // the last admin cannot remove itself either (its own role it could never change: G1, own_role_change)
            given().cookie("jit_session", again).header("X-Requested-With", "jit-console")
                    .delete("/api/workspaces/" + s.workspaceId + "/members/" + adaId)
                    .then().statusCode(409).body("code", equalTo("last_admin_protected"));
            given().cookie("jit_session", again).header("X-Requested-With", "jit-console").contentType(ContentType.JSON).body(Map.of("role", "Analyst"))
                    .put("/api/workspaces/" + s.workspaceId + "/members/" + adaId + "/role")
                    .then().statusCode(403).body("code", equalTo("own_role_change"));
        }
    }

    @Nested
    class R11_R18_WhenJitIsOff {

        @Test
        void r11_anUnknownUserIsRefusedWhileExistingMembersSignIn() {
            Scenario s = Scenario.withSso("r11");
            Response refused = s.postAcs(s.signedResponse("stranger@example.com", "Admin"));
            refused.then().statusCode(403).contentType(containsString("text/html")).body(containsString("unknown_user"));
            assertThat(events.ofType(s.workspaceId, "login.rejected.v1")).singleElement()
                    .satisfies(e -> assertThat(e.payload()).contains("\"code\":\"unknown_user\""));
            assertThat(events.member(s.workspaceId, "stranger@example.com")).isEmpty();

            String cookie = s.signInAfterInvite("known@example.com", "Manager");
            assertThat(s.session(cookie)).containsEntry("effectiveRole", "Manager");
        }

        @Test
        void r18_disablingJitKeepsMembersAndRefusesNewcomers() {
            Scenario s = Scenario.withJit("r18", Map.of("deleteAtSessionEnd", true));
            s.signIn("early@example.com", "Marketer");
            s.admin().delete("/api/workspaces/" + s.workspaceId + "/provisioning").then().statusCode(200).body("method", equalTo("NONE"));

            assertThat(s.member("early@example.com")).containsEntry("role", "Marketer").containsEntry("temporary", true);
            s.signIn("early@example.com", "Marketer");
            s.postAcs(s.signedResponse("late@example.com", "Marketer")).then().statusCode(403).body(containsString("unknown_user"));
            assertThat(events.ofType(s.workspaceId, "provisioning.disabled.v1")).singleElement()
                    .satisfies(e -> assertThat(e.payload()).contains("\"before\"", "\"defaultRole\":\"Analyst\""));
        }
    }

    @Nested
    class R13_MembersPage {

        @Test
        void r13_invitedMembersFollowR9_andUpdateRoleWarnsWhenTheIdpWillOverride() {
            Scenario s = Scenario.withJit("r13", Map.of("updateUserRole", true));
            s.signIn("jo@example.com", "Analyst");
            String joId = (String) s.member("jo@example.com").get("id");

            s.admin().body(Map.of("role", "Manager")).put("/api/workspaces/" + s.workspaceId + "/members/" + joId + "/role")
                    .then().statusCode(200).body("member.role", equalTo("Manager")).body("warning.code", equalTo("idp_overrides_role"));
            assertThat(events.ofType(s.workspaceId, "role.changed.v1")).singleElement()
                    .satisfies(e -> assertThat(e.payload()).contains("\"source\":\"ADMIN\""));

            s.admin().body(Map.of("email", "inv@example.com", "role", "Marketer")).post("/api/workspaces/" + s.workspaceId + "/members")
                    .then().statusCode(201).body("origin", equalTo("INVITE"));
            s.signIn("inv@example.com", "Manager");
            assertThat(s.member("inv@example.com")).containsEntry("role", "Manager").containsEntry("origin", "INVITE");
        }

        @Test
        void r13_revokeDeletesTheMemberEndsItsSessions_andJitProvisionsItAfresh() {
            Scenario s = Scenario.withJit("r13-revoke", Map.of());
            String cookie = s.signIn("rev@example.com", "Marketer");
            String id = (String) s.member("rev@example.com").get("id");

            s.admin().delete("/api/workspaces/" + s.workspaceId + "/members/" + id).then().statusCode(204);

            given().cookie("jit_session", cookie).get("/api/session").then().statusCode(401);
            assertThat(s.member("rev@example.com")).isNull();
            s.signIn("rev@example.com", "Analyst");
            assertThat(events.types(dev.jitprov.provisioning.MemberKeys.streamId(s.workspaceId, "rev@example.com"))).containsExactly(
                    "user.provisioned.v1", "session.started.v1", "session.ended.v1", "user.deleted.v1",
                    "user.provisioned.v1", "session.started.v1");
        }
    }

    @Nested
    class BadInput {

        @Test
        void anUnknownWorkspaceGetsA404PageWithItsCode() {
            Scenario s = Scenario.withSso("bad-ws");
            given().redirects().follow(false).contentType(ContentType.URLENC).formParam("SAMLResponse", s.signedResponse("a@example.com"))
                    .post("/saml/no-such-workspace/acs").then().statusCode(404).body(containsString("workspace_not_found"));
        }

        @Test
        void malformedJsonAndUnknownFieldsAre400WithACode() {
            Scenario s = Scenario.withSso("bad-json");
            s.admin().body("{\"method\": \"JIT\", ").put("/api/workspaces/" + s.workspaceId + "/provisioning")
                    .then().statusCode(400).body("code", equalTo("malformed_json"));
            s.admin().body(Map.of("method", "JIT", "defaultRole", "Analyst", "colour", "blue"))
                    .put("/api/workspaces/" + s.workspaceId + "/provisioning")
                    .then().statusCode(400).body("code", equalTo("unknown_field"));
            s.admin().body(Map.of("method", "MAGIC")).put("/api/workspaces/" + s.workspaceId + "/provisioning")
                    .then().statusCode(400).body("code", equalTo("invalid_value"));
            assertThat(provisioningOf(s)).isEqualTo("NONE");
        }
    }
}
