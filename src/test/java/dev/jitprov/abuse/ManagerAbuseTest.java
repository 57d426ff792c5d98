package dev.jitprov.abuse;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;

/**
 * A Manager (team:manage and every other permission but security-settings:manage): it may run the Members page,
 * but never grant, take away or touch anything above its own permissions, so it can never reach SSO.
 */
@QuarkusTest
class ManagerAbuseTest extends AbuseCase {

    private String cookie;

    @Override
    Victim prepare() {
        Victim victim = Victim.create("abuse-manager");
        cookie = victim.scenario.signInAfterInvite("climber@example.com", "Manager");
        return victim;
    }

    @Override
    RequestSpecification attacker() {
        return given().cookie("jit_session", cookie).header("X-Requested-With", "jit-console");
    }

    @Override
    Map<String, Refusal> refusals() {
        Map<String, Refusal> refusals = all(WORKSPACE_ADMIN, refused(403, "permission_required"));
        // the Members page is its job; what it grants there is bounded by its own permissions
        refusals.put("POST /api/workspaces/{ws}/members", refused(403, "role_exceeds_caller"));
        refusals.put("PUT /api/workspaces/{ws}/members/{id}/role", refused(403, "role_exceeds_caller"));
        refusals.put("DELETE /api/workspaces/{ws}/members/{id}", refused(403, "member_exceeds_caller"));
        refusals.put("DELETE /api/workspaces/{ws}/sessions/{sid}", refused(403, "member_exceeds_caller"));
        refusals.putAll(all(OPERATOR, refused(401, "authentication_required")));
        refusals.put("POST /saml/{ws}/acs", refused(403, "invalid_signature"));
        refusals.put("POST /api/auth/password", refused(401, "invalid_credentials"));
        refusals.put("POST /2fa/enroll", refused(303, null));
        refusals.put("POST /2fa/verify", refused(303, null));
        refusals.put("POST /api/2fa/enroll", refused(409, "two_factor_not_pending"));
        refusals.put("POST /api/2fa/verify", refused(409, "two_factor_not_pending"));
        refusals.put("POST /logout", refused(303, null));
        return refusals;
    }

    @Override
    Set<String> ownEventTypes() {
        return Set.of("session.ended.v1");
    }
}
