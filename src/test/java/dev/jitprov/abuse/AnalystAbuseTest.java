package dev.jitprov.abuse;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

import java.util.Map;
import java.util.Set;


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
        return withSession(cookie);
    }

    @Override
    Map<String, Refusal> refusals() {
        // an active session has no second step to take (the forms send it home); its own session it may end
        Map<String, Refusal> refusals = refusals(refused(403, "permission_required"), refused(401, "authentication_required"),
                refused(303, null), refused(409, "two_factor_not_pending"));
        // its own new-member mails are its own business (and only its own: the victim's stay as they were)
        refusals.putAll(all(MEMBER_SELF_SERVICE, refused(200, null)));
        return refusals;
    }

    @Override
    Set<String> ownEventTypes() {
        return Set.of("session.ended.v1", "notification.preference-changed.v1");
    }
}
