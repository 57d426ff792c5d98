package dev.jitprov.abuse;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;

/** A signed-in member of the victim's workspace with the least role (Analyst: reports:view only). */
@QuarkusTest
class AnalystAbuseTest extends AbuseCase {

    private String cookie;

    @Override
    Victim prepare() {
        Victim victim = Victim.create("abuse-analyst");
        cookie = victim.scenario.signInAfterInvite("lowly@example.com", "Analyst");
        return victim;
    }

    @Override
    RequestSpecification attacker() {
        return given().cookie("jit_session", cookie).header("X-Requested-With", "jit-console");
    }

    @Override
    Map<String, Refusal> refusals() {
        Map<String, Refusal> refusals = all(WORKSPACE_ADMIN, refused(403, "permission_required"));
        refusals.putAll(all(OPERATOR, refused(401, "authentication_required")));
        refusals.put("POST /saml/{ws}/acs", refused(403, "invalid_signature"));
        refusals.put("POST /api/auth/password", refused(401, "invalid_credentials"));
        // an active session has no second step to take
        refusals.put("POST /2fa/enroll", refused(303, null));
        refusals.put("POST /2fa/verify", refused(303, null));
        refusals.put("POST /api/2fa/enroll", refused(409, "two_factor_not_pending"));
        refusals.put("POST /api/2fa/verify", refused(409, "two_factor_not_pending"));
        // its own session, which it may end
        refusals.put("POST /logout", refused(303, null));
        return refusals;
    }

    @Override
    Set<String> ownEventTypes() {
        return Set.of("session.ended.v1");
    }
}
