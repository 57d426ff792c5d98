package dev.jitprov.scim;

import com.unboundid.scim2.client.ScimService;
import dev.jitprov.support.Scenario;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;

import java.util.HashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** A workspace with SSO and SCIM enabled, its SCIM token, a raw HTTP client and UnboundID's SCIM client on it. */
final class ScimSetup {

    final Scenario scenario;
    final String token;
    final String base;

    private ScimSetup(Scenario scenario, String token) {
        this.scenario = scenario;
        this.token = token;
        this.base = "/scim/v2/" + scenario.workspaceId;
    }

    /** SCIM on with default role Analyst and {@code mappings} (group display name → role). */
    static ScimSetup enabled(String name, Map<String, String> mappings) {
        Scenario s = Scenario.withSso(name);
        Map<String, Object> body = new HashMap<>(Map.of("method", "SCIM", "defaultRole", "Analyst"));
        body.put("roleMappings", mappings);
        s.admin().body(body).put("/api/workspaces/" + s.workspaceId + "/provisioning").then().statusCode(200);
        String token = s.admin().post("/api/workspaces/" + s.workspaceId + "/provisioning/scim-token").then().statusCode(201)
                .extract().path("token");
        return new ScimSetup(s, token);
    }

    /** A raw request with the SCIM token, as Okta and Entra ID send them. */
    RequestSpecification http() {
        return given().auth().oauth2(token).contentType("application/scim+json").accept(ContentType.JSON);
    }

    /** UnboundID's SCIM 2 SDK client on this workspace's base URL. */
    ScimService client() {
        Client client = ClientBuilder.newClient()
                .register((ClientRequestFilter) request -> request.getHeaders().putSingle("Authorization", "Bearer " + token));
        return new ScimService(client.target("http://localhost:" + io.restassured.RestAssured.port + base));
    }

    String ws() {
        return scenario.workspaceId;
    }
}
