package dev.jitprov.abuse;

import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.saml.Certificates;
import dev.jitprov.saml.TestIdp;
import dev.jitprov.support.Scenario;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/**
 * The workspace under attack, set up as its owner would: SSO and JIT on, a custom role, an Analyst member, the
 * owner signed in with a live session and an API token of its own. Each endpoint is called with a body that would
 * succeed for the owner, so a refusal is the attacker's, never a validation error's.
 */
final class Victim {

    final Scenario scenario;
    final String ws;
    final String ownerId;
    final String ownerSessionId;
    final String analystId;
    final String ownerTokenId;
    final String forgedResponse;

    private Victim(Scenario scenario, String ownerSessionId, String ownerTokenId, String forgedResponse) {
        this.scenario = scenario;
        this.ws = scenario.workspaceId;
        this.ownerId = MemberKeys.memberId(ws, MemberKeys.normalize(scenario.ownerEmail)).toString();
        this.analystId = MemberKeys.memberId(ws, "ana@example.com").toString();
        this.ownerSessionId = ownerSessionId;
        this.ownerTokenId = ownerTokenId;
        this.forgedResponse = forgedResponse;
    }

    static Victim create(String name) {
        Scenario s = Scenario.withJit(name, Map.of());
        s.admin().body(Map.of("name", "Victims", "permissions", List.of("reports:view")))
                .post("/api/workspaces/" + s.workspaceId + "/roles").then().statusCode(201);
        s.signInAfterInvite("ana@example.com", "Analyst");
        String ownerCookie = given().contentType(ContentType.JSON)
                .body(Map.of("workspace", s.workspaceId, "email", s.ownerEmail, "password", s.ownerPassword))
                .post("/api/auth/password").then().statusCode(200).extract().cookie("jit_session");
        String sessionId = given().cookie("jit_session", ownerCookie).get("/api/session").then().statusCode(200).extract().path("sessionId");
        String tokenId = s.admin().body(Map.of("name", "owner's second token")).post("/api/workspaces/" + s.workspaceId + "/tokens")
                .then().statusCode(201).extract().path("id");
        // signed by a key the workspace does not trust, for the same IdP entity ID
        String forged = TestIdp.create(s.idp.entityId(), Clock.systemUTC()).response().to(s.sp()).nameId("mallory@example.com")
                .attribute("role", "Admin").build();
        return new Victim(s, sessionId, tokenId, forged);
    }

    /** Calls {@code endpoint} on this workspace with {@code spec} (the attacker's credentials), with a body the owner could send. */
    Response call(Endpoint endpoint, RequestSpecification spec) {
        String path = endpoint.path().replace("{ws}", ws).replace("{sid}", ownerSessionId);
        path = path.replace("{name}", path.startsWith("/api/operator/projections/") ? "members" : "Victims");
        if (path.startsWith("/api/workspaces/" + ws + "/tokens/")) {
            path = path.replace("{id}", ownerTokenId);
        } else if (path.endsWith("/role")) {
            path = path.replace("{id}", analystId);
        } else {
            path = path.replace("{id}", ownerId);
        }
        spec.accept(ContentType.JSON).redirects().follow(false);
        switch (endpoint.key()) {
            case "POST /api/workspaces" -> spec.contentType(ContentType.JSON)
                    .body(Map.of("name", "Evil", "owner", Map.of("email", "evil@example.com", "password", "correct horse battery staple")));
            case "POST /api/workspaces/{ws}/tokens" -> spec.contentType(ContentType.JSON).body(Map.of("name", "stolen"));
            case "PUT /api/workspaces/{ws}/sso" -> spec.contentType(ContentType.JSON).body(Map.of("idpEntityId", "https://evil.example/idp",
                    "certificates", List.of(Certificates.toPem(scenario.idp.credentials().certificate())), "ssoUrl", "https://evil.example/sso",
                    "active", true));
            case "POST /api/workspaces/{ws}/sso/metadata" -> spec.contentType("application/xml")
                    .body("<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"https://evil.example/idp\"/>");
            case "PUT /api/workspaces/{ws}/provisioning" -> spec.contentType(ContentType.JSON)
                    .body(Map.of("method", "JIT", "defaultRole", "Admin", "updateUserRole", true));
            case "PUT /api/workspaces/{ws}/security" -> spec.contentType(ContentType.JSON)
                    .body(Map.of("twoFactorRequired", false, "ipAllowList", List.of("203.0.113.0/24")));
            case "POST /api/workspaces/{ws}/roles" -> spec.contentType(ContentType.JSON)
                    .body(Map.of("name", "Evil", "permissions", List.of("security-settings:manage", "team:manage")));
            case "POST /api/workspaces/{ws}/members" -> spec.contentType(ContentType.JSON).body(Map.of("email", "evil@example.com", "role", "Admin"));
            case "PUT /api/workspaces/{ws}/members/{id}/role" -> spec.contentType(ContentType.JSON).body(Map.of("role", "Admin"));
            case "PUT /api/workspaces/{ws}/notifications" -> spec.contentType(ContentType.JSON).body(Map.of("newMemberMails", "DAILY_DIGEST"));
            case "PUT /api/workspaces/{ws}/notifications/me" -> spec.contentType(ContentType.JSON).body(Map.of("receiveNewMemberMails", false));
            case "POST /scim/v2/{ws}/Users", "PUT /scim/v2/{ws}/Users/{id}" -> spec.contentType("application/scim+json")
                    .body("{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"evil@example.com\","
                            + "\"roles\":[{\"value\":\"Admin\"}]}");
            case "PATCH /scim/v2/{ws}/Users/{id}", "PATCH /scim/v2/{ws}/Groups/{id}" -> spec.contentType("application/scim+json")
                    .body("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"replace\","
                            + "\"path\":\"active\",\"value\":false}]}");
            case "POST /scim/v2/{ws}/Groups", "PUT /scim/v2/{ws}/Groups/{id}" -> spec.contentType("application/scim+json")
                    .body("{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"displayName\":\"Admins\"}");
            case "POST /api/workspaces/{ws}/saml/inspect" -> spec.contentType(ContentType.JSON).body(Map.of("lastRejected", true));
            case "POST /saml/{ws}/acs" -> spec.contentType(ContentType.URLENC).formParam("SAMLResponse", forgedResponse);
            case "POST /saml/{ws}/slo" -> spec.contentType(ContentType.URLENC).formParam("SAMLRequest", new dev.jitprov.saml.LogoutRequestBuilder(
                    scenario.idp.entityId(), Scenario.BASE_URL + "/saml/" + ws + "/slo", dev.jitprov.saml.TestCredentials.rsa("mallory", 2048))
                    .nameId(scenario.ownerEmail).posted());
            case "POST /api/auth/password" -> spec.contentType(ContentType.JSON)
                    .body(Map.of("workspace", ws, "email", scenario.ownerEmail, "password", "guessed wrong"));
            case "POST /api/2fa/enroll", "POST /api/2fa/verify" -> spec.contentType(ContentType.JSON).body(Map.of("code", "000000"));
            // the browser forms: a browser asks for HTML
            case "POST /2fa/enroll", "POST /2fa/verify" -> spec.accept(ContentType.HTML).contentType(ContentType.URLENC).formParam("code", "000000");
            default -> {
            }
        }
        return spec.request(endpoint.method(), path);
    }
}
