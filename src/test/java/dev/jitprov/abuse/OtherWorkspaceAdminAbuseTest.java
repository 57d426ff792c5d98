package dev.jitprov.abuse;

import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

import java.util.Map;

import static io.restassured.RestAssured.given;

/** The admin of another workspace, with its own (valid) API token, reaching into the victim's workspace. */
@QuarkusTest
class OtherWorkspaceAdminAbuseTest extends AbuseCase {

    private String foreignToken;

    @Override
    Victim prepare() {
        Victim victim = Victim.create("abuse-foreign-victim");
        foreignToken = Scenario.newWorkspace("abuse-foreign-attacker").apiToken;
        return victim;
    }

    @Override
    RequestSpecification attacker() {
        return given().auth().oauth2(foreignToken);
    }

    @Override
    Map<String, Refusal> refusals() {
        Map<String, Refusal> refusals = all(WORKSPACE_ADMIN, refused(403, "wrong_workspace"));
        refusals.putAll(all(OPERATOR, refused(403, "invalid_operator_token")));
        refusals.put("POST /saml/{ws}/acs", refused(403, "invalid_signature"));
        refusals.put("POST /api/auth/password", refused(401, "invalid_credentials"));
        refusals.put("POST /2fa/enroll", refused(401, "authentication_required"));
        refusals.put("POST /2fa/verify", refused(401, "authentication_required"));
        refusals.put("POST /api/2fa/enroll", refused(401, "authentication_required"));
        refusals.put("POST /api/2fa/verify", refused(401, "authentication_required"));
        refusals.put("POST /logout", refused(303, null));
        return refusals;
    }
}
