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
        Map<String, Refusal> refusals = all(WORKSPACE_ADMIN, refused(401, "authentication_required"));
        refusals.putAll(all(OPERATOR, refused(401, "authentication_required")));
        refusals.put("POST /saml/{ws}/acs", refused(403, "invalid_signature"));
        refusals.put("POST /api/auth/password", refused(401, "invalid_credentials"));
        refusals.put("POST /2fa/enroll", refused(401, "authentication_required"));
        refusals.put("POST /2fa/verify", refused(401, "authentication_required"));
        refusals.put("POST /api/2fa/enroll", refused(401, "authentication_required"));
        refusals.put("POST /api/2fa/verify", refused(401, "authentication_required"));
        // without a session there is nothing to end: the browser is sent home, nothing changes
        refusals.put("POST /logout", refused(303, null));
        return refusals;
    }
}
