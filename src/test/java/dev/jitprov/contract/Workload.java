package dev.jitprov.contract;

import dev.jitprov.support.Scenario;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;

/**
 * A workspace driven through its life by the public API and the ACS, so that it publishes every kind of event
 * the service can produce from outside: creation and roles, SSO, JIT enabled and updated, sign-ins with role
 * changes, an API token created and revoked, an invitation, an admin role change, logout, a temporary member
 * deleted at session end, a revoked member, JIT disabled, a rejected sign-in, SCIM on and off.
 */
final class Workload {

    /** Types this workload publishes. Not reachable from outside here: security-settings.changed.v1 (no endpoint
     * yet) and role.change-skipped.v1 (R10, last admin protected; covered by the decider tests). */
    static final Set<String> TYPES = Set.of("workspace.created.v1", "role.defined.v1", "role.removed.v1",
            "sso.configured.v1", "provisioning.enabled.v1", "provisioning.updated.v1", "provisioning.disabled.v1",
            "scim.enabled.v1", "scim.disabled.v1", "owner.created.v1", "user.provisioned.v1", "user.invited.v1",
            "role.changed.v1", "session.started.v1", "session.ended.v1", "user.deleted.v1", "login.rejected.v1",
            "api-token.created.v1", "api-token.revoked.v1", "scim.updated.v1", "scim.token-created.v1", "scim.token-revoked.v1",
            "scim.group-created.v1", "scim.group-changed.v1", "scim.group-deleted.v1", "user.scim-profile-changed.v1",
            "user.deactivated.v1", "user.reactivated.v1");

    private Workload() {
    }

    static Scenario run(String name) {
        Scenario s = Scenario.withJit(name, Map.of("updateUserRole", true));
        String ws = "/api/workspaces/" + s.workspaceId;

        s.admin().body(Map.of("name", "Contractor", "permissions", List.of("reports:view"))).post(ws + "/roles").then().statusCode(201);
        s.admin().delete(ws + "/roles/Contractor").then().statusCode(204);
        String token = s.admin().body(Map.of("name", "ci")).post(ws + "/tokens").then().statusCode(201).extract().path("id");
        s.admin().delete(ws + "/tokens/" + token).then().statusCode(204);

        String ada = s.signIn("ada@example.com", "Manager");
        s.signIn("ada@example.com", "Marketer");                       // role.changed (IDP)
        given().redirects().follow(false).cookie("jit_session", ada).post("/logout").then().statusCode(303);

        s.admin().body(Map.of("email", "ivy@example.com", "displayName", "Ivy", "role", "Analyst"))
                .post(ws + "/members").then().statusCode(201);
        String ivyId = s.member("ivy@example.com").get("id").toString();
        s.admin().body(Map.of("role", "Manager")).put(ws + "/members/" + ivyId + "/role").then().statusCode(200);

        s.signIn("bob@example.com", "Analyst");
        String bobId = s.member("bob@example.com").get("id").toString();
        s.admin().delete(ws + "/members/" + bobId).then().statusCode(204);  // session.ended + user.deleted (revoked)

        s.enableJit(Map.of("updateUserRole", true, "deleteAtSessionEnd", true)).then().statusCode(200);  // provisioning.updated
        String tom = s.signIn("tom@example.com", "Analyst");
        given().redirects().follow(false).cookie("jit_session", tom).post("/logout").then().statusCode(303);  // temporary: user.deleted

        s.admin().delete(ws + "/provisioning").then().statusCode(200);     // provisioning.disabled
        s.postAcs(s.signedResponse("nobody@example.com", "Analyst")).then().statusCode(403);  // login.rejected
        s.admin().body(Map.of("method", "SCIM")).put(ws + "/provisioning").then().statusCode(200);
        s.admin().body(Map.of("method", "SCIM", "defaultRole", "Analyst", "roleMappings", Map.of("Sales", "Marketer")))
                .put(ws + "/provisioning").then().statusCode(200);                                // scim.updated
        s.admin().post(ws + "/provisioning/scim-token").then().statusCode(201);
        String scimToken = s.admin().post(ws + "/provisioning/scim-token").then().statusCode(201).extract().path("token");  // token revoked + created
        String scim = "/scim/v2/" + s.workspaceId;
        String patchOp = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":";
        String zoe = given().auth().oauth2(scimToken).contentType("application/scim+json")
                .body("{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"zoe@example.com\",\"name\":{\"givenName\":\"Zoe\"}}")
                .post(scim + "/Users").then().statusCode(201).extract().path("id");               // user.provisioned (SCIM) + profile
        given().auth().oauth2(scimToken).contentType("application/scim+json").body(patchOp + "false}]}")
                .patch(scim + "/Users/" + zoe).then().statusCode(200);                             // user.deactivated
        given().auth().oauth2(scimToken).contentType("application/scim+json").body(patchOp + "true}]}")
                .patch(scim + "/Users/" + zoe).then().statusCode(200);                             // user.reactivated
        String group = given().auth().oauth2(scimToken).contentType("application/scim+json")
                .body("{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"displayName\":\"Sales\",\"members\":[{\"value\":\"" + zoe + "\"}]}")
                .post(scim + "/Groups").then().statusCode(201).extract().path("id");              // group created, role.changed (SCIM)
        given().auth().oauth2(scimToken).contentType("application/scim+json")
                .body("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"remove\",\"path\":\"members[value eq \\\"" + zoe + "\\\"]\"}]}")
                .patch(scim + "/Groups/" + group).then().statusCode(200);                          // group changed
        given().auth().oauth2(scimToken).delete(scim + "/Groups/" + group).then().statusCode(204);
        given().auth().oauth2(scimToken).delete(scim + "/Users/" + zoe).then().statusCode(204);   // user.deleted (SCIM)
        s.admin().delete(ws + "/provisioning").then().statusCode(200);
        return s;
    }
}
