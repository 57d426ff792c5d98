package dev.jitprov.abuse;

import dev.jitprov.provisioning.MemberKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

import java.util.Map;

import static io.restassured.RestAssured.given;

/**
 * Someone holding the API token of an admin whose access was revoked, after that same user was invited again
 * (a new life of the same member key): the token died with the first life and stays dead (G3).
 */
@QuarkusTest
class RevokedTokenAbuseTest extends AbuseCase {

    private String deadToken;

    @Override
    Victim prepare() {
        Victim victim = Victim.create("abuse-revoked-token");
        var s = victim.scenario;
        String cookie = s.signInAfterInvite("rex@example.com", "Admin");
        deadToken = withSession(cookie).contentType("application/json")
                .body(Map.of("name", "rex's laptop")).post("/api/workspaces/" + s.workspaceId + "/tokens")
                .then().statusCode(201).extract().path("token");
        s.admin().delete("/api/workspaces/" + s.workspaceId + "/members/" + MemberKeys.memberId(s.workspaceId, "rex@example.com"))
                .then().statusCode(204);
        s.admin().body(Map.of("email", "rex@example.com", "role", "Admin")).post("/api/workspaces/" + s.workspaceId + "/members")
                .then().statusCode(201);
        return victim;
    }

    @Override
    RequestSpecification attacker() {
        return given().auth().oauth2(deadToken);
    }

    @Override
    Map<String, Refusal> refusals() {
        return refusals(refused(401, "invalid_token"), refused(403, "invalid_operator_token"),
                refused(401, "authentication_required"), refused(401, "authentication_required"));
    }
}
