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
        return signedInMemberRefusals();
    }

    @Override
    Set<String> ownEventTypes() {
        return ITS_OWN_SESSION_AND_MAILS;
    }
}
