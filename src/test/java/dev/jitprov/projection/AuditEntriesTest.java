package dev.jitprov.projection;

import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.eventstore.EventStore;
import dev.jitprov.eventstore.NewEvent;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberEvent.RoleChangeSkipped;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.SecuritySettings;
import dev.jitprov.provisioning.WorkspaceEvent.SecuritySettingsChanged;
import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * R17: every event type produces its audit entry, with actor, member (and e-mail), summary and details. Driven
 * through the API where the API reaches the event; appended to the store directly otherwise.
 */
@QuarkusTest
@DisplayName("R17 audit log: one entry per event type")
class AuditEntriesTest {

    @Inject
    EventStore store;

    @Test
    void workspaceCreationIsAuditedWithTheOperatorAsActor() {
        Scenario scenario = Scenario.newWorkspace("audit-ws");

        Map<String, Object> entry = Views.awaitAudit(scenario, "workspace.created.v1").get(0);

        assertThat(entry).containsEntry("actorType", "OPERATOR").containsEntry("actorId", "operator");
        assertThat((String) entry.get("summary")).contains("audit-ws").contains(scenario.ownerEmail);
        assertThat(details(entry)).containsEntry("ownerEmail", scenario.ownerEmail);
    }

    @Test
    void builtInRolesDefinedAtCreationAreAudited() {
        Scenario scenario = Scenario.newWorkspace("audit-roles");

        List<Map<String, Object>> entries = Views.awaitAudit(scenario, "role.defined.v1");

        assertThat(entries).extracting(e -> details(e).get("name")).contains("Admin", "Manager", "Marketer", "Analyst");
    }

    @Test
    void ownerCreationIsAuditedWithTheOwnersEmail() {
        Scenario scenario = Scenario.newWorkspace("audit-owner");

        Map<String, Object> entry = Views.awaitAudit(scenario, "owner.created.v1").get(0);

        assertThat(entry).containsEntry("memberEmail", scenario.ownerEmail).containsEntry("actorType", "OPERATOR");
    }

    @Test
    void customRoleDefinedAndRemovedAreAuditedWithTheAdminAsActor() {
        Scenario scenario = Scenario.newWorkspace("audit-custom-role");
        scenario.admin().body(Map.of("name", "Auditor", "permissions", List.of("audit:view")))
                .post("/api/workspaces/" + scenario.workspaceId + "/roles").then().statusCode(201);
        scenario.admin().delete("/api/workspaces/" + scenario.workspaceId + "/roles/Auditor").then().statusCode(204);

        Map<String, Object> removed = Views.awaitAudit(scenario, "role.removed.v1").get(0);
        List<Map<String, Object>> defined = Views.awaitAudit(scenario, "role.defined");

        assertThat(removed).containsEntry("actorType", "ADMIN").containsEntry("actorId", scenario.ownerEmail.toLowerCase());
        assertThat(details(removed)).containsEntry("name", "Auditor");
        assertThat(defined).anySatisfy(e -> assertThat(details(e)).containsEntry("name", "Auditor").containsEntry("builtIn", false));
    }

    @Test
    void ssoConfigurationIsAuditedWithBeforeAndAfter() {
        Scenario scenario = Scenario.withSso("audit-sso");
        scenario.configureSso(false, List.of(dev.jitprov.saml.Certificates.toPem(scenario.idp.credentials().certificate())));

        List<Map<String, Object>> entries = Views.awaitAudit(scenario, "sso.configured.v1");
        await(() -> entriesOf(scenario, "sso.configured.v1").size() == 2);

        Map<String, Object> update = entriesOf(scenario, "sso.configured.v1").get(0); // newest first
        Map<String, Object> before = nested(details(update), "before");
        Map<String, Object> after = nested(details(update), "after");
        assertThat(before).containsEntry("active", true);
        assertThat(after).containsEntry("active", false).containsEntry("idpEntityId", scenario.idp.entityId());
        assertThat(entries).isNotEmpty();
    }

    @Test
    void enablingJitIsAuditedWithBeforeAndAfter() {
        Scenario scenario = Scenario.withJit("audit-jit-on", Map.of());

        Map<String, Object> entry = Views.awaitAudit(scenario, "provisioning.enabled.v1").get(0);

        assertThat(nested(details(entry), "before")).containsEntry("method", "NONE");
        assertThat(nested(details(entry), "after")).containsEntry("method", "JIT").containsEntry("defaultRole", "Analyst");
        assertThat(entry).containsEntry("actorType", "ADMIN");
    }

    @Test
    void updatingJitIsAuditedWithBeforeAfterAndTheChangedFields() {
        Scenario scenario = Scenario.withJit("audit-jit-update", Map.of());
        scenario.enableJit(Map.of("defaultRole", "Marketer")).then().statusCode(200);

        Map<String, Object> entry = Views.awaitAudit(scenario, "provisioning.updated.v1").get(0);

        assertThat(nested(details(entry), "before")).containsEntry("defaultRole", "Analyst");
        assertThat(nested(details(entry), "after")).containsEntry("defaultRole", "Marketer");
        assertThat(details(entry).get("changed")).isEqualTo(List.of("defaultRole"));
    }

    @Test
    void disablingJitIsAuditedWithBeforeAndAfter() {
        Scenario scenario = Scenario.withJit("audit-jit-off", Map.of());
        scenario.admin().delete("/api/workspaces/" + scenario.workspaceId + "/provisioning").then().statusCode(200);

        Map<String, Object> entry = Views.awaitAudit(scenario, "provisioning.disabled.v1").get(0);

        assertThat(nested(details(entry), "before")).containsEntry("method", "JIT");
        assertThat(nested(details(entry), "after")).containsEntry("method", "NONE");
    }

    @Test
    void enablingAndDisablingScimAreAudited() {
        Scenario scenario = Scenario.withSso("audit-scim");
        scenario.admin().body(Map.of("method", "SCIM")).put("/api/workspaces/" + scenario.workspaceId + "/provisioning").then().statusCode(200);
        scenario.admin().delete("/api/workspaces/" + scenario.workspaceId + "/provisioning").then().statusCode(200);

        assertThat(Views.awaitAudit(scenario, "scim.enabled.v1").get(0)).containsEntry("actorType", "ADMIN");
        assertThat(Views.awaitAudit(scenario, "scim.disabled.v1").get(0)).containsEntry("actorType", "ADMIN");
    }

    @Test
    void r17_creatingAnApiTokenIsAuditedWithoutItsSecret() {
        Scenario scenario = Scenario.newWorkspace("audit-token-created");
        Map<String, Object> created = scenario.admin().body(Map.of("name", "deploy bot"))
                .post("/api/workspaces/" + scenario.workspaceId + "/tokens").then().statusCode(201).extract().as(Map.class);

        Map<String, Object> entry = Views.awaitAudit(scenario, "api-token.created.v1").get(0);

        assertThat(entry).containsEntry("actorType", "ADMIN");
        assertThat((String) entry.get("summary")).contains("API token 'deploy bot' created");
        assertThat(details(entry)).containsEntry("tokenId", created.get("id")).containsEntry("name", "deploy bot").containsKey("actsAs");
        assertThat(entry.toString()).doesNotContain((String) created.get("token"));
    }

    @Test
    void r17_revokingAnApiTokenIsAudited() {
        Scenario scenario = Scenario.newWorkspace("audit-token-revoked");
        String id = scenario.admin().body(Map.of("name", "old bot"))
                .post("/api/workspaces/" + scenario.workspaceId + "/tokens").then().statusCode(201).extract().path("id");
        scenario.admin().delete("/api/workspaces/" + scenario.workspaceId + "/tokens/" + id).then().statusCode(204);
        scenario.admin().delete("/api/workspaces/" + scenario.workspaceId + "/tokens/" + id).then().statusCode(404);

        List<Map<String, Object>> entries = Views.awaitAudit(scenario, "api-token.revoked.v1");

        assertThat(entries).as("revoked once: the second DELETE is a 404 and writes nothing").hasSize(1);
        assertThat(entries.get(0)).containsEntry("actorType", "ADMIN");
        assertThat(details(entries.get(0))).containsEntry("tokenId", id).containsEntry("name", "old bot");
    }

    @Test
    void securitySettingsChangeIsAuditedWithBeforeAndAfter() {
        Scenario scenario = Scenario.newWorkspace("audit-security");
        String stream = WorkspaceState.streamId(scenario.workspaceId);
        int version = store.readStream(stream).await().indefinitely().size();
        store.append(stream, version, List.of(NewEvent.of(new SecuritySettingsChanged(SecuritySettings.defaults(),
                new SecuritySettings(true, List.of("10.0.0.0/8")), Actor.admin(scenario.ownerEmail), Instant.now()),
                metadata(scenario, "admin:" + scenario.ownerEmail), Instant.now()))).await().indefinitely();

        Map<String, Object> entry = Views.awaitAudit(scenario, "security-settings.changed.v1").get(0);

        assertThat(nested(details(entry), "before")).containsEntry("twoFactorRequired", false);
        assertThat(nested(details(entry), "after")).containsEntry("twoFactorRequired", true).containsEntry("ipAllowList", List.of("10.0.0.0/8"));
    }

    @Test
    void jitProvisioningAtSignInIsAuditedWithTheIdpAsActor() {
        Scenario scenario = Scenario.withJit("audit-provisioned", Map.of());
        scenario.signIn("ada@example.com", "Marketer");

        Map<String, Object> entry = Views.awaitAudit(scenario, "user.provisioned.v1").get(0);

        assertThat(entry).containsEntry("actorType", "IDP").containsEntry("actorId", scenario.idp.entityId())
                .containsEntry("memberEmail", "ada@example.com").containsEntry("memberKey", "ada@example.com");
        assertThat(details(entry)).containsEntry("role", "Marketer").containsEntry("origin", "JIT").doesNotContainKey("note");
    }

    @Test
    void r7_aMissingOrUnknownRoleIsNotedOnTheProvisioningEntry() {
        Scenario scenario = Scenario.withJit("audit-role-notes", Map.of());
        scenario.signIn("nomad@example.com");
        scenario.signIn("wizard@example.com", "Wizard");

        await(() -> entriesOf(scenario, "user.provisioned.v1").size() == 2);
        List<Map<String, Object>> entries = entriesOf(scenario, "user.provisioned.v1");

        assertThat(entries).anySatisfy(e -> assertThat(e).containsEntry("memberKey", "nomad@example.com")
                .extracting(x -> details(x).get("note")).isEqualTo("role_missing"));
        assertThat(entries).anySatisfy(e -> assertThat(e).containsEntry("memberKey", "wizard@example.com")
                .extracting(x -> details(x).get("note")).isEqualTo("role_unknown: Wizard"));
    }

    @Test
    void sessionStartIsAuditedWithTheEffectiveRole() {
        Scenario scenario = Scenario.withJit("audit-session-start", Map.of());
        scenario.signIn("sam@example.com", "Manager");

        Map<String, Object> entry = Views.awaitAudit(scenario, "session.started.v1").stream()
                .filter(e -> "sam@example.com".equals(e.get("memberKey"))).findFirst().orElseThrow();

        assertThat(entry).containsEntry("memberEmail", "sam@example.com");
        assertThat(details(entry)).containsEntry("effectiveRole", "Manager").containsEntry("via", "SAML").containsKey("sessionId");
    }

    @Test
    void sessionEndAtLogoutIsAuditedWithTheUserAsActor() {
        Scenario scenario = Scenario.withJit("audit-session-end", Map.of());
        String cookie = scenario.signIn("lou@example.com", "Analyst");
        io.restassured.RestAssured.given().redirects().follow(false).cookie("jit_session", cookie).post("/logout").then().statusCode(303);

        Map<String, Object> entry = Views.awaitAudit(scenario, "session.ended.v1").get(0);

        assertThat(entry).containsEntry("actorType", "USER").containsEntry("memberEmail", "lou@example.com");
        assertThat(details(entry)).containsEntry("reason", "LOGOUT");
    }

    @Test
    void inviteIsAuditedWithTheAdminAsActor() {
        Scenario scenario = Scenario.newWorkspace("audit-invite");
        scenario.admin().body(Map.of("email", "Ivy@Example.com", "displayName", "Ivy", "role", "Analyst"))
                .post("/api/workspaces/" + scenario.workspaceId + "/members").then().statusCode(201);

        Map<String, Object> entry = Views.awaitAudit(scenario, "user.invited.v1").get(0);

        assertThat(entry).containsEntry("actorType", "ADMIN").containsEntry("memberKey", "ivy@example.com")
                .containsEntry("memberEmail", "Ivy@Example.com");
        assertThat(details(entry)).containsEntry("role", "Analyst").containsEntry("displayName", "Ivy");
    }

    @Test
    void roleChangeByAnAdminIsAuditedWithFromAndTo() {
        Scenario scenario = Scenario.newWorkspace("audit-role-change");
        String id = scenario.admin().body(Map.of("email", "rob@example.com", "role", "Analyst"))
                .post("/api/workspaces/" + scenario.workspaceId + "/members").then().statusCode(201).extract().path("id");
        scenario.admin().body(Map.of("role", "Manager")).put("/api/workspaces/" + scenario.workspaceId + "/members/" + id + "/role")
                .then().statusCode(200);

        Map<String, Object> entry = Views.awaitAudit(scenario, "role.changed.v1").get(0);

        assertThat(entry).containsEntry("actorType", "ADMIN").containsEntry("memberEmail", "rob@example.com");
        assertThat(details(entry)).containsEntry("from", "Analyst").containsEntry("to", "Manager").containsEntry("source", "ADMIN");
    }

    @Test
    void r10_aSkippedRoleChangeIsAuditedWithItsReason() {
        Scenario scenario = Scenario.withJit("audit-role-skipped", Map.of());
        scenario.signIn("kim@example.com", "Admin");
        scenario.member("kim@example.com");
        String stream = MemberKeys.streamId(scenario.workspaceId, "kim@example.com");
        int version = store.readStream(stream).await().indefinitely().size();
        store.append(stream, version, List.of(NewEvent.of(new RoleChangeSkipped("Analyst", "Admin", "last_admin_protected",
                Actor.idp(scenario.idp.entityId()), Instant.now()), metadata(scenario, "idp:" + scenario.idp.entityId()), Instant.now())))
                .await().indefinitely();

        Map<String, Object> entry = Views.awaitAudit(scenario, "role.change-skipped.v1").get(0);

        assertThat(entry).containsEntry("actorType", "IDP").containsEntry("memberEmail", "kim@example.com");
        assertThat(details(entry)).containsEntry("note", "last_admin_protected").containsEntry("kept", "Admin");
    }

    @Test
    void revokeIsAuditedAsADeletionByTheAdmin() {
        Scenario scenario = Scenario.newWorkspace("audit-revoke");
        String id = scenario.admin().body(Map.of("email", "rex@example.com", "role", "Analyst"))
                .post("/api/workspaces/" + scenario.workspaceId + "/members").then().statusCode(201).extract().path("id");
        scenario.admin().delete("/api/workspaces/" + scenario.workspaceId + "/members/" + id).then().statusCode(204);

        Map<String, Object> entry = Views.awaitAudit(scenario, "user.deleted.v1").get(0);

        assertThat(entry).containsEntry("actorType", "ADMIN").containsEntry("memberEmail", "rex@example.com");
        assertThat(details(entry)).containsEntry("reason", "ACCESS_REVOKED");
        assertThat(UUID.fromString(id)).isEqualTo(MemberKeys.memberId(scenario.workspaceId, "rex@example.com"));
    }

    @Test
    void r11_aRejectedSignInIsAuditedWithItsReasonCode() {
        Scenario scenario = Scenario.withSso("audit-rejected"); // JIT off: an unknown user is refused
        scenario.postAcs(scenario.signedResponse("stranger@example.com", "Analyst")).then().statusCode(403);

        Map<String, Object> entry = Views.awaitAudit(scenario, "login.rejected.v1").get(0);

        assertThat(entry).containsEntry("actorType", "IDP").containsEntry("memberEmail", "stranger@example.com");
        assertThat(details(entry)).containsEntry("code", "unknown_user");
        assertThat((String) entry.get("summary")).contains("unknown_user");
    }

    // --- helpers

    private static EventMetadata metadata(Scenario scenario, String actor) {
        return new EventMetadata(scenario.workspaceId, actor, UUID.randomUUID().toString(), null);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> details(Map<String, Object> entry) {
        return (Map<String, Object>) entry.get("details");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> nested(Map<String, Object> map, String key) {
        return (Map<String, Object>) map.get(key);
    }

    static List<Map<String, Object>> entriesOf(Scenario scenario, String type) {
        return scenario.admin().queryParam("type", type).queryParam("size", 200)
                .get("/api/workspaces/" + scenario.workspaceId + "/audit").then().statusCode(200).extract().path("items");
    }

    private static void await(java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await().atMost(Scenario.VIEW_TIMEOUT).pollInterval(java.time.Duration.ofMillis(100)).until(condition);
    }
}
