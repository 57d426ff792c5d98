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
        return refusals(refused(403, "wrong_workspace"), refused(403, "invalid_operator_token"),
                refused(401, "authentication_required"), refused(401, "authentication_required"));
    }
}
