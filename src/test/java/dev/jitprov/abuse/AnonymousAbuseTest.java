package dev.jitprov.abuse;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

import java.util.Map;

import static io.restassured.RestAssured.given;

/** Anyone on the network, with no credentials at all. */
@QuarkusTest
class AnonymousAbuseTest extends AbuseCase {

    @Override
    Victim prepare() {
        return Victim.create("abuse-anonymous");
    }

    @Override
    RequestSpecification attacker() {
        return given();
    }

    @Override
    Map<String, Refusal> refusals() {
        // without a session there is nothing to take a second step in, and nothing to end at logout
        return refusals(refused(401, "authentication_required"), refused(401, "authentication_required"),
                refused(401, "authentication_required"), refused(401, "authentication_required"));
    }
}
