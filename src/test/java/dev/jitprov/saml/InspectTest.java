package dev.jitprov.saml;

import dev.jitprov.support.EventLog;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** R20: the assertion inspector shows the checks, the attributes and the decision, and changes nothing. */
@QuarkusTest
class InspectTest {

    @Inject
    Pool pool;

    @Test
    void r20_aGoodResponseShowsEveryCheckPassingAndTheDecision_withoutAnyStateChange() {
        Scenario s = Scenario.withJit("inspect-good", Map.of());
        String response = s.signedResponse("insp@example.com", "Marketer");

        s.admin().body(Map.of("samlResponse", response)).post("/api/workspaces/" + s.workspaceId + "/saml/inspect").then()
                .statusCode(200).body("valid", equalTo(true)).body("checks.passed", org.hamcrest.Matchers.everyItem(equalTo(true)))
                .body("attributes.name", hasItem("role")).body("decision.outcome", equalTo("NEW_MEMBER"))
                .body("decision.role", equalTo("Marketer"));

        assertThat(new EventLog(pool).member(s.workspaceId, "insp@example.com")).isEmpty();
        // Not in the replay cache either: the same response still signs in.
        s.postAcs(response).then().statusCode(303);
        s.signIn("insp@example.com", "Manager");
        s.admin().body(Map.of("samlResponse", s.signedResponse("insp@example.com", "Analyst"))).post("/api/workspaces/" + s.workspaceId + "/saml/inspect")
                .then().body("decision.outcome", equalTo("SESSION_ONLY_ROLE")).body("decision.storedRole", equalTo("Marketer"));
    }

    @Test
    void r20_aTamperedResponseShowsTheFailingStep_andTheLastRejectedOneCanBeOpened() {
        Scenario s = Scenario.withJit("inspect-bad", Map.of());
        TestIdp impostor = TestIdp.create(s.idp.entityId(), Clock.systemUTC());
        String forged = impostor.response().to(s.sp()).nameId("eve@example.com").attribute("role", "Admin").build();
        s.postAcs(forged).then().statusCode(403);

        s.admin().body(Map.of("lastRejected", true)).post("/api/workspaces/" + s.workspaceId + "/saml/inspect").then()
                .statusCode(200).body("valid", equalTo(false)).body("errorCode", equalTo("invalid_signature"))
                .body("checks.find { !it.passed }.code", equalTo("invalid_signature"))
                .body("attributesVerified", equalTo(false)).body("attributes.name", hasItem("role"))
                .body("decision.outcome", equalTo("REFUSED"));
    }

    @Test
    void r20_withoutTheSecurityPermissionTheInspectorIsForbidden() {
        Scenario s = Scenario.withJit("inspect-403", Map.of());
        String analyst = s.signIn("nope@example.com", "Analyst");
        io.restassured.RestAssured.given().cookie("jit_session", analyst).header("X-Requested-With", "jit-console").contentType("application/json")
                .body(Map.of("samlResponse", "x")).post("/api/workspaces/" + s.workspaceId + "/saml/inspect").then().statusCode(403);
    }
}
