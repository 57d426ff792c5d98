package dev.jitprov.abuse;

import dev.jitprov.provisioning.MemberKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

import java.util.Map;


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
                .put("/api/workspaces/" + s.workspaceId + "/members/" + MemberKeys.memberId(s.workspaceId, "dee@example.com") + "/role")
                .then().statusCode(200);
        return victim;
    }

    @Override
    RequestSpecification attacker() {
        return withSession(staleCookie);
    }

    @Override
    Map<String, Refusal> refusals() {
        // the session already ended: nothing works with it, and logout has nothing to end
        return refusals(refused(401, "session_invalid"), refused(401, "authentication_required"),
                refused(401, "session_invalid"), refused(401, "session_invalid"));
    }
}
