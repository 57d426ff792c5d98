package dev.jitprov.abuse;

import dev.jitprov.members.MemberStreams;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

import java.util.Map;

import static io.restassured.RestAssured.given;

/** An admin demoted to Analyst by the owner, still holding the session it opened as an admin (G4). */
@QuarkusTest
class DemotedAdminAbuseTest extends AbuseCase {

    private String staleCookie;

    @Override
    Victim prepare() {
        Victim victim = Victim.create("abuse-demoted");
        var s = victim.scenario;
        staleCookie = s.signInAfterInvite("dee@example.com", "Admin");
        s.admin().body(Map.of("role", "Analyst"))
                .put("/api/workspaces/" + s.workspaceId + "/members/" + MemberStreams.memberId(s.workspaceId, "dee@example.com") + "/role")
                .then().statusCode(200);
        return victim;
    }

    @Override
    RequestSpecification attacker() {
        return given().cookie("jit_session", staleCookie).header("X-Requested-With", "jit-console");
    }

    @Override
    Map<String, Refusal> refusals() {
        Map<String, Refusal> refusals = all(WORKSPACE_ADMIN, refused(401, "session_invalid"));
        refusals.putAll(all(OPERATOR, refused(401, "authentication_required")));
        refusals.put("POST /saml/{ws}/acs", refused(403, "invalid_signature"));
        refusals.put("POST /api/auth/password", refused(401, "invalid_credentials"));
        refusals.put("POST /2fa/enroll", refused(401, "session_invalid"));
        refusals.put("POST /2fa/verify", refused(401, "session_invalid"));
        refusals.put("POST /api/2fa/enroll", refused(401, "session_invalid"));
        refusals.put("POST /api/2fa/verify", refused(401, "session_invalid"));
        // the session is already over: nothing to end
        refusals.put("POST /logout", refused(303, null));
        return refusals;
    }
}
