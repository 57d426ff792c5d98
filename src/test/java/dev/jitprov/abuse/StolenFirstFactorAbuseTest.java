package dev.jitprov.abuse;

import dev.samstevens.totp.code.DefaultCodeGenerator;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;

/**
 * Someone who holds the owner's password but not its authenticator, in a workspace that enforces 2FA: the
 * password opens a session that waits for a second factor and authenticates nothing (R14, G2).
 */
@QuarkusTest
class StolenFirstFactorAbuseTest extends AbuseCase {

    private String pendingCookie;

    @Override
    Victim prepare() {
        Victim victim = Victim.create("abuse-first-factor");
        var s = victim.scenario;
        s.admin().body(Map.of("twoFactorRequired", true, "ipAllowList", List.of()))
                .put("/api/workspaces/" + s.workspaceId + "/security").then().statusCode(200);
        // the owner enrolled its authenticator long ago
        String ownerCookie = passwordSignIn(victim);
        String secret = given().cookie("jit_session", ownerCookie).get("/api/2fa").then().statusCode(200).extract().path("secret");
        withSession(ownerCookie).contentType(ContentType.JSON)
                .body(Map.of("code", code(secret))).post("/api/2fa/enroll").then().statusCode(200);
        pendingCookie = passwordSignIn(victim);
        return victim;
    }

    private static String passwordSignIn(Victim victim) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("workspace", victim.ws, "email", victim.scenario.ownerEmail, "password", victim.scenario.ownerPassword))
                .post("/api/auth/password").then().statusCode(202).extract().cookie("jit_session");
    }

    private static String code(String secret) {
        try {
            return new DefaultCodeGenerator().generate(secret, Instant.now().getEpochSecond() / 30);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    RequestSpecification attacker() {
        return withSession(pendingCookie);
    }

    @Override
    Map<String, Refusal> refusals() {
        Map<String, Refusal> refusals = refusals(refused(401, "two_factor_required"), refused(401, "authentication_required"),
                // the forms need the page's CSRF token, which only the owner's browser page has
                refused(403, "csrf_invalid"), null);
        refusals.put("POST /api/2fa/enroll", refused(409, "two_factor_already_enrolled"));
        refusals.put("POST /api/2fa/verify", refused(401, "two_factor_invalid"));
        return refusals;
    }

    @Override
    Set<String> ownEventTypes() {
        // its wrong code is audited, and ending its own pending session is allowed
        return Set.of("two-factor.failed.v1", "session.ended.v1");
    }
}
