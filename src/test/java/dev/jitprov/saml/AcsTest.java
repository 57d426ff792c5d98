package dev.jitprov.saml;

import dev.jitprov.support.EventLog;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The ACS endpoint with the real pipeline, replay cache and event store (SPEC §4, issue on the ACS). The
 * check-by-check attacks are in {@link SamlResponseValidatorTest}; these prove the wiring: trust comes from the
 * workspace's configuration only, a rejection changes nothing but the audit, replays fail across connections.
 */
@QuarkusTest
class AcsTest {

    @Inject
    Pool pool;
    EventLog events;

    @BeforeEach
    void setUp() {
        events = new EventLog(pool);
    }

    @Nested
    class WhenTheResponseIsGood {

        @Test
        void acsWhenOktaShapeThenSignedInAndRedirectedToRelayState() {
            Scenario s = Scenario.withJit("acs-okta", Map.of());
            Response response = s.postAcs(s.idp.response().to(s.sp()).shape(IdpShape.OKTA).build());
            response.then().statusCode(303).header("Location", containsString("/console"));
            io.restassured.http.Cookie cookie = response.detailedCookie("jit_session");
            assertThat(cookie.isHttpOnly()).isTrue();
            assertThat(cookie.getSameSite()).isEqualTo("Lax");
            assertThat(s.session(response.cookie("jit_session"))).containsEntry("effectiveRole", "Admin");
        }

        @Test
        void acsWhenEntraIdShapeThenTheRoleClaimUriIsTheRoleAttribute() {
            Scenario s = Scenario.withJit("acs-entra", Map.of("roleAttribute", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"));
            Response response = s.postAcs(s.idp.response().to(s.sp()).shape(IdpShape.ENTRA_ID).build());
            response.then().statusCode(303);
            assertThat(s.session(response.cookie("jit_session")).get("effectiveRole")).isNotEqualTo("Analyst");
        }

        @Test
        void acsWhenOneLoginAndKeycloakShapesThenSignedIn() {
            Scenario s = Scenario.withJit("acs-onelogin-keycloak", Map.of());
            s.postAcs(s.idp.response().to(s.sp()).shape(IdpShape.ONELOGIN).build()).then().statusCode(303);
            s.postAcs(s.idp.response().to(s.sp()).shape(IdpShape.KEYCLOAK).nameId("kc@example.com").build()).then().statusCode(303);
        }

        @Test
        void acsWhenRelayStateIsAnotherSiteThenTheConsoleInstead() {
            Scenario s = Scenario.withJit("acs-relay", Map.of());
            for (String evil : List.of("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)")) {
                given().redirects().follow(false).contentType(ContentType.URLENC)
                        .formParam("SAMLResponse", s.signedResponse("relay@example.com")).formParam("RelayState", evil)
                        .post("/saml/" + s.workspaceId + "/acs").then().statusCode(303).header("Location", org.hamcrest.Matchers.endsWith(":" + io.restassured.RestAssured.port + "/console"));
            }
            given().redirects().follow(false).contentType(ContentType.URLENC)
                    .formParam("SAMLResponse", s.signedResponse("relay@example.com")).formParam("RelayState", "/console/members?page=2")
                    .post("/saml/" + s.workspaceId + "/acs").then().statusCode(303).header("Location", containsString("/console/members?page=2"));
        }
    }

    @Nested
    class WhenTheResponseIsRejected {

        @Test
        void acsWhenSignedByAnotherWorkspacesIdpThenInvalidSignatureAndNothingProvisioned() {
            Scenario mine = Scenario.withJit("acs-mine", Map.of());
            TestIdp impostor = TestIdp.create(mine.idp.entityId(), Clock.systemUTC());
            String forged = impostor.response().to(mine.sp()).nameId("mallory@example.com").attribute("role", "Admin").build();

            mine.postAcs(forged).then().statusCode(403).body(containsString("invalid_signature"));

            assertThat(events.member(mine.workspaceId, "mallory@example.com")).isEmpty();
            // G10: nothing verified it came from the workspace's IdP, so it is no event (anyone could post it); the
            // inspector's sample still keeps it, so an admin can see why a misconfigured IdP fails
            assertThat(events.ofType(mine.workspaceId, "login.rejected.v1")).isEmpty();
            String kept = pool.preparedQuery("SELECT error_code FROM saml_last_rejected WHERE workspace_id = $1").execute(Tuple.of(mine.workspaceId))
                    .await().atMost(Duration.ofSeconds(5)).iterator().next().getString("error_code");
            assertThat(kept).isEqualTo("invalid_signature");
        }

        @Test
        void acsWhenApiClientThenProblemJsonWithTheSameCode() {
            Scenario s = Scenario.withJit("acs-json", Map.of());
            given().accept("application/json").contentType(ContentType.URLENC).formParam("SAMLResponse", "not base64 at all!")
                    .post("/saml/" + s.workspaceId + "/acs").then().statusCode(400).contentType("application/problem+json")
                    .body("code", equalTo("invalid_base64"));
        }

        @Test
        void acsWhenTheBodyIsOverTheLimitThenRefusedBeforeDecoding() {
            Scenario s = Scenario.withJit("acs-big", Map.of());
            String huge = "A".repeat(270 * 1024);
            int status = s.postAcs(huge).statusCode();
            assertThat(status).isIn(400, 413);
            assertThat(events.ofType(s.workspaceId, "user.provisioned.v1")).isEmpty();
        }

        @Test
        void acsWhenTheWorkspaceIsUnknownThen404Page() {
            Scenario s = Scenario.withSso("acs-404");
            given().contentType(ContentType.URLENC).formParam("SAMLResponse", s.signedResponse("a@example.com"))
                    .post("/saml/nope-0000/acs").then().statusCode(404).body(containsString("workspace_not_found"));
        }
    }

    @Nested
    class Replay {

        @Test
        void acsWhenTheSameAssertionIsPostedTwiceThenTheSecondIsAReplay() {
            Scenario s = Scenario.withJit("acs-replay", Map.of());
            String response = s.signedResponse("once@example.com", "Analyst");
            s.postAcs(response).then().statusCode(303);
            s.postAcs(response).then().statusCode(403).body(containsString("replayed_assertion"));
            assertThat(events.types(dev.jitprov.provisioning.MemberKeys.streamId(s.workspaceId, "once@example.com"))).filteredOn("session.started.v1"::equals).hasSize(1);
        }

        @Test
        void acsWhenTwoPostsOfOneAssertionRaceThenExactlyOneSignsIn() {
            Scenario s = Scenario.withJit("acs-race", Map.of());
            for (int round = 0; round < 5; round++) {
                String response = s.signedResponse("race" + round + "@example.com", "Analyst");
                CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> s.postAcs(response).statusCode());
                CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> s.postAcs(response).statusCode());
                assertThat(List.of(a.join(), b.join())).containsExactlyInAnyOrder(303, 403);
            }
        }
    }

    @Nested
    class CertificateRollover {

        @Test
        void acsWhenTwoCertificatesAreConfiguredThenEitherSigns_andARemovedOneNoLonger() {
            Scenario s = Scenario.withJit("acs-rollover", Map.of());
            TestIdp next = TestIdp.create(s.idp.entityId(), Clock.systemUTC());
            String oldPem = Certificates.toPem(s.idp.credentials().certificate());
            String newPem = Certificates.toPem(next.credentials().certificate());
            s.configureSso(true, List.of(oldPem, newPem));

            s.postAcs(s.signedResponse("roll1@example.com")).then().statusCode(303);
            s.postAcs(next.response().to(s.sp()).nameId("roll2@example.com").build()).then().statusCode(303);

            s.configureSso(true, List.of(newPem));
            s.postAcs(s.signedResponse("roll3@example.com")).then().statusCode(403).body(containsString("invalid_signature"));
            s.postAcs(next.response().to(s.sp()).nameId("roll4@example.com").build()).then().statusCode(303);
        }

        @Test
        void ssoWhenTheCertificateIsBadThen422AndNothingSaved() {
            Scenario s = Scenario.withSso("acs-badcert");
            s.admin().body(Map.of("idpEntityId", "https://other", "certificates", List.of("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----")))
                    .put("/api/workspaces/" + s.workspaceId + "/sso").then().statusCode(422).body("code", equalTo("invalid_certificate"));
            TestCredentials weak = TestCredentials.rsa("weak", 1024);
            s.admin().body(Map.of("idpEntityId", "https://other", "certificates", List.of(Certificates.toPem(weak.certificate()))))
                    .put("/api/workspaces/" + s.workspaceId + "/sso").then().statusCode(422).body("code", equalTo("invalid_certificate"));
            s.admin().get("/api/workspaces/" + s.workspaceId + "/sso").then().body("idpEntityId", equalTo(s.idp.entityId()));
        }

        @Test
        void ssoWhenImportedFromIdpMetadataThenSignInWorks() {
            Scenario s = Scenario.newWorkspace("acs-metadata");
            String metadata = """
                    <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="%s">
                      <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                        <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
                        <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.test/sso"/>
                      </md:IDPSSODescriptor>
                    </md:EntityDescriptor>""".formatted(s.idp.entityId(), Certificates.toPem(s.idp.credentials().certificate())
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
            given().auth().oauth2(s.apiToken).contentType("application/xml").body(metadata)
                    .post("/api/workspaces/" + s.workspaceId + "/sso/metadata").then().statusCode(200)
                    .body("idpEntityId", equalTo(s.idp.entityId())).body("ssoUrl", equalTo("https://idp.example.test/sso"));
            s.enableJit(Map.of()).then().statusCode(200);
            s.postAcs(s.signedResponse("meta@example.com")).then().statusCode(303);

            given().auth().oauth2(s.apiToken).contentType("application/xml").body("<nope/>")
                    .post("/api/workspaces/" + s.workspaceId + "/sso/metadata").then().statusCode(422).body("code", equalTo("invalid_metadata"));
        }
    }

    @Nested
    class ServiceProvider {

        @Test
        void metadataNamesTheWorkspacesEntityIdAndAcsUrl() {
            Scenario s = Scenario.withSso("acs-spmeta");
            given().get("/saml/" + s.workspaceId + "/metadata").then().statusCode(200)
                    .body(containsString("entityID=\"" + s.sp().entityId() + "\""))
                    .body(containsString("Location=\"" + s.sp().acsUrl() + "\""));
        }

        @Test
        void metadataIsServedForEveryXmlTypeIdpsAndPeopleAskFor() {
            Scenario s = Scenario.withSso("acs-spmeta-accept");
            for (String accept : List.of("application/samlmetadata+xml", "application/xml", "text/xml")) {
                given().accept(accept).get("/saml/" + s.workspaceId + "/metadata").then().statusCode(200)
                        .contentType(containsString(accept)).body(containsString("entityID=\"" + s.sp().entityId() + "\""));
            }
            given().accept("*/*").get("/saml/" + s.workspaceId + "/metadata").then().statusCode(200)
                    .contentType(containsString("application/samlmetadata+xml"));
            given().accept("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").get("/saml/" + s.workspaceId + "/metadata")
                    .then().statusCode(200);
        }

        @Test
        void spInitiatedLoginRequiresTheMatchingInResponseTo() {
            Scenario s = Scenario.withJit("acs-sp-init", Map.of());
            Response login = given().redirects().follow(false).get("/saml/" + s.workspaceId + "/login");
            login.then().statusCode(303).header("Location", containsString("https://idp.example.test/sso?SAMLRequest="));
            String requestId = login.cookie("jit_authn_request");
            assertThat(requestId).startsWith("_");
            assertThat(URLDecoder.decode(URI.create(login.header("Location")).getRawQuery(), StandardCharsets.UTF_8)).contains("SAMLRequest=");

            given().redirects().follow(false).cookie("jit_authn_request", requestId).contentType(ContentType.URLENC)
                    .formParam("SAMLResponse", s.response("sp@example.com").inResponseTo(requestId).build())
                    .post("/saml/" + s.workspaceId + "/acs").then().statusCode(303);
            given().redirects().follow(false).cookie("jit_authn_request", requestId).contentType(ContentType.URLENC)
                    .formParam("SAMLResponse", s.response("sp2@example.com").inResponseTo("_someone_else").build())
                    .post("/saml/" + s.workspaceId + "/acs").then().statusCode(403).body(containsString("in_response_to_mismatch"));
            s.postAcs(s.response("sp3@example.com").inResponseTo(requestId).build())
                    .then().statusCode(403).body(containsString("unexpected_in_response_to"));
        }
    }
}
