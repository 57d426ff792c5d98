package dev.jitprov.abuse;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

import java.util.Map;
import java.util.Set;


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
        return withSession(cookie);
    }

    @Override
    Map<String, Refusal> refusals() {
        Map<String, Refusal> refusals = signedInMemberRefusals();
        // the Members page is its job; what it grants there is bounded by its own permissions
        refusals.put("POST /api/workspaces/{ws}/members", refused(403, "role_exceeds_caller"));
        refusals.put("PUT /api/workspaces/{ws}/members/{id}/role", refused(403, "role_exceeds_caller"));
        refusals.put("DELETE /api/workspaces/{ws}/members/{id}", refused(403, "member_exceeds_caller"));
        refusals.put("DELETE /api/workspaces/{ws}/sessions/{sid}", refused(403, "member_exceeds_caller"));
        return refusals;
    }

    @Override
    Set<String> ownEventTypes() {
        return ITS_OWN_SESSION_AND_MAILS;
    }
}
