package dev.jitprov.console;

import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

/** The console's HTTP contract without a browser: security headers, sign-in redirect, CSRF header. */
@QuarkusTest
class ConsoleHttpTest {

    @Test
    void pagesCarrySecurityHeaders() {
        for (String path : new String[]{"/console/login", "/console/console.js"}) {
            given().get(path).then().statusCode(200)
                    .header("Content-Security-Policy", containsString("default-src 'self'"))
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("X-Content-Type-Options", equalTo("nosniff"))
                    .header("Referrer-Policy", equalTo("same-origin"))
                    .header("Cache-Control", equalTo("no-store"));
        }
    }

    @Test
    void pagesWithoutASessionRedirectToTheSignInPage() {
        for (String path : new String[]{"/console", "/console/security", "/console/members", "/console/audit", "/console/inspector"}) {
            given().redirects().follow(false).get(path).then().statusCode(303).header("Location", endsWith("/console/login"));
        }
    }

    @Test
    void cookieAuthenticatedChangesNeedTheConsoleHeader_tokensDoNot() {
        Scenario s = Scenario.withSso("console-csrf");
        String cookie = given().contentType(ContentType.JSON)
                .body(Map.of("workspace", s.workspaceId, "email", s.ownerEmail, "password", s.ownerPassword))
                .post("/api/auth/password").then().statusCode(200).extract().cookie("jit_session");
        Map<String, Object> jit = Map.of("method", "JIT", "defaultRole", "Analyst");
        given().cookie("jit_session", cookie).contentType(ContentType.JSON).body(jit)
                .put("/api/workspaces/" + s.workspaceId + "/provisioning").then().statusCode(403).body("code", equalTo("csrf_header_required"));
        given().cookie("jit_session", cookie).get("/api/workspaces/" + s.workspaceId + "/provisioning").then().statusCode(200)
                .body("method", equalTo("NONE"));
        given().cookie("jit_session", cookie).header("X-Requested-With", "jit-console").contentType(ContentType.JSON).body(jit)
                .put("/api/workspaces/" + s.workspaceId + "/provisioning").then().statusCode(200).body("method", equalTo("JIT"));
        s.admin().delete("/api/workspaces/" + s.workspaceId + "/provisioning").then().statusCode(200).body("method", equalTo("NONE"));
    }
}
