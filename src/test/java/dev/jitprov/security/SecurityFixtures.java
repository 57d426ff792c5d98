package dev.jitprov.security;

import dev.jitprov.support.Scenario;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Security settings and sign-ins with chosen headers, driven through the public API. */
final class SecurityFixtures {

    private SecurityFixtures() {
    }

    static void secure(Scenario s, boolean twoFactorRequired, List<String> allowList) {
        s.admin().body(Map.of("twoFactorRequired", twoFactorRequired, "ipAllowList", allowList))
                .put("/api/workspaces/" + s.workspaceId + "/security").then().statusCode(200);
    }

    static Response postAcs(Scenario s, String samlResponse, Map<String, String> headers) {
        return given().redirects().follow(false).contentType(ContentType.URLENC).headers(headers)
                .formParam("SAMLResponse", samlResponse).formParam("RelayState", "/console")
                .post("/saml/" + s.workspaceId + "/acs");
    }

    static Response passwordSignIn(Scenario s, Map<String, String> headers) {
        return given().contentType(ContentType.JSON).headers(headers)
                .body(Map.of("workspace", s.workspaceId, "email", s.ownerEmail, "password", s.ownerPassword))
                .post("/api/auth/password");
    }
}
