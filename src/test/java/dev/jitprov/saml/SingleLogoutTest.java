package dev.jitprov.saml;

import dev.jitprov.support.EventLog;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opensaml.saml.saml2.core.LogoutResponse;
import org.opensaml.xmlsec.signature.support.SignatureValidator;
import org.opensaml.security.x509.BasicX509Credential;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/** Issue 19: IdP-initiated SAML Single Logout on both bindings, and the attacks it must refuse. */
@QuarkusTest
class SingleLogoutTest {

    private static final String IDP_SLO = "https://idp.example.test/slo";

    @Inject
    Pool pool;
    EventLog events;

    @BeforeEach
    void setUp() {
        events = new EventLog(pool);
    }

    /** A workspace with JIT (temporary members: deleted at session end) and the IdP's SLO URL. */
    private static Scenario workspace(String name) {
        return workspace(name, true);
    }

    private static Scenario workspace(String name, boolean temporaryMembers) {
        Scenario s = Scenario.withJit(name, Map.of("deleteAtSessionEnd", temporaryMembers));
        s.admin().body(Map.of("idpEntityId", s.idp.entityId(), "certificates", List.of(Certificates.toPem(s.idp.credentials().certificate())),
                        "ssoUrl", "https://idp.example.test/sso", "sloUrl", IDP_SLO, "active", true))
                .put("/api/workspaces/" + s.workspaceId + "/sso").then().statusCode(200);
        return s;
    }

    private static String slo(Scenario s) {
        return Scenario.BASE_URL + "/saml/" + s.workspaceId + "/slo";
    }

    private static LogoutRequestBuilder request(Scenario s, String nameId) {
        return new LogoutRequestBuilder(s.idp.entityId(), slo(s), s.idp.credentials()).nameId(nameId);
    }

    private static Response getSlo(Scenario s, String query) {
        return given().redirects().follow(false).urlEncodingEnabled(false).get("/saml/" + s.workspaceId + "/slo?" + query);
    }

    private static Response postSlo(Scenario s, String samlRequest) {
        return given().redirects().follow(false).contentType("application/x-www-form-urlencoded").formParam("SAMLRequest", samlRequest)
                .post("/saml/" + s.workspaceId + "/slo");
    }

    private static boolean alive(String cookie) {
        return given().cookie("jit_session", cookie).get("/api/session").statusCode() == 200;
    }

    @Test
    @DisplayName("Issue 19 (R12): a signed Redirect LogoutRequest ends the session, deletes the temporary member, and is answered with a signed LogoutResponse")
    void redirectBindingLogout() throws Exception {
        Scenario s = workspace("slo-redirect");
        String cookie = s.signIn("tess@example.com", "Analyst");
        LogoutRequestBuilder logout = request(s, "Tess@Example.com").relayState("back-to-idp");

        Response answer = getSlo(s, logout.redirectQuery());

        answer.then().statusCode(303);
        URI location = URI.create(answer.header("Location"));
        assertThat(location.toString()).startsWith(IDP_SLO + "?SAMLResponse=");
        Map<String, String> raw = rawParameters(location.getRawQuery());
        assertThat(URLDecoder.decode(raw.get("RelayState"), StandardCharsets.UTF_8)).isEqualTo("back-to-idp");
        X509Certificate sp = spCertificate(s);
        java.security.Signature verifier = java.security.Signature.getInstance("SHA256withRSA");
        verifier.initVerify(sp.getPublicKey());
        verifier.update(("SAMLResponse=" + raw.get("SAMLResponse") + "&RelayState=" + raw.get("RelayState") + "&SigAlg=" + raw.get("SigAlg"))
                .getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(Base64.getDecoder().decode(URLDecoder.decode(raw.get("Signature"), StandardCharsets.UTF_8))))
                .as("the LogoutResponse is signed with the key of the SP metadata").isTrue();
        String xml = new String(inflate(Base64.getDecoder().decode(URLDecoder.decode(raw.get("SAMLResponse"), StandardCharsets.UTF_8))),
                StandardCharsets.UTF_8);
        assertThat(xml).contains("InResponseTo=\"" + logout.id() + "\"").contains("urn:oasis:names:tc:SAML:2.0:status:Success")
                .doesNotContain("PartialLogout").contains("Destination=\"" + IDP_SLO + "\"");

        assertThat(alive(cookie)).isFalse();
        assertThat(events.member(s.workspaceId, "tess@example.com")).extracting(EventLog.Entry::type)
                .containsSubsequence("session.started.v1", "session.ended.v1", "user.deleted.v1");
        assertThat(events.member(s.workspaceId, "tess@example.com")).anySatisfy(e -> assertThat(e.payload()).contains("\"reason\":\"IDP_LOGOUT\""));
    }

    @Test
    @DisplayName("Issue 19: a signed POST LogoutRequest ends only the session of its SessionIndex and is answered by a signed POST")
    void postBindingLogoutWithSessionIndex() throws Exception {
        Scenario s = workspace("slo-post", false);
        String first = s.signInWith(s.response("paul@example.com").attribute("role", "Analyst").assertionId("_a-first").build());
        String second = s.signInWith(s.response("paul@example.com").attribute("role", "Analyst").assertionId("_a-second").build());

        Response answer = postSlo(s, request(s, "paul@example.com").sessionIndex("_s_a-first").posted());

        answer.then().statusCode(200).contentType(containsString("text/html")).body(containsString("action=\"" + IDP_SLO + "\""));
        String samlResponse = answer.asString().replaceAll("(?s).*name=\"SAMLResponse\" value=\"([^\"]+)\".*", "$1");
        LogoutResponse response = (LogoutResponse) org.opensaml.core.xml.util.XMLObjectSupport.unmarshallFromInputStream(
                OpenSamlBootstrap.parserPool(), new ByteArrayInputStream(Base64.getDecoder().decode(samlResponse)));
        SignatureValidator.validate(response.getSignature(), new BasicX509Credential(spCertificate(s)));
        assertThat(response.getStatus().getStatusCode().getValue()).isEqualTo("urn:oasis:names:tc:SAML:2.0:status:Success");
        assertThat(alive(first)).isFalse();
        assertThat(alive(second)).as("a session of another SessionIndex").isTrue();
    }

    @Test
    @DisplayName("Issue 19: the SP metadata lists the SP signing certificate and the SLO service on both bindings")
    void metadataAdvertisesSingleLogout() {
        Scenario s = workspace("slo-metadata");
        String metadata = given().get("/saml/" + s.workspaceId + "/metadata").then().statusCode(200).extract().asString();
        assertThat(metadata).contains("<md:KeyDescriptor use=\"signing\">")
                .contains("Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"" + slo(s) + "\"")
                .contains("Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"" + slo(s) + "\"");
        assertThat(given().get("/saml/" + s.workspaceId + "/metadata").asString()).as("the key is made once").isEqualTo(metadata);
        assertThat(metadata).contains("AuthnRequestsSigned=\"true\"");
    }

    @Test
    @DisplayName("Issue 19: an SP key rotation publishes the next certificate beside the active one, then makes it active")
    void spKeyRotation() {
        Scenario s = workspace("slo-rotate", false);
        String active = s.admin().get("/api/workspaces/" + s.workspaceId + "/sso/sp-keys").then().statusCode(200)
                .body("sloUrl", org.hamcrest.Matchers.equalTo(slo(s))).extract().path("keys[0].certificatePem");
        List<String> statuses = s.admin().post("/api/workspaces/" + s.workspaceId + "/sso/sp-keys/rotate").then().statusCode(200)
                .extract().path("keys.status");
        assertThat(statuses).containsExactly("ACTIVE", "NEXT");
        String metadata = given().get("/saml/" + s.workspaceId + "/metadata").asString();
        assertThat(metadata.split("<md:KeyDescriptor use=\"signing\">", -1)).as("both published during the rollover").hasSize(3);
        String next = s.admin().get("/api/workspaces/" + s.workspaceId + "/sso/sp-keys").then().extract().path("keys[1].certificatePem");
        s.admin().post("/api/workspaces/" + s.workspaceId + "/sso/sp-keys/rotate").then().statusCode(200).body("keys.status",
                org.hamcrest.Matchers.contains("ACTIVE")).body("keys[0].certificatePem", org.hamcrest.Matchers.equalTo(next));
        assertThat(next).isNotEqualTo(active);
    }

    @Test
    @DisplayName("Issue 19: SP-initiated sign-in sends an AuthnRequest signed with the SP key (for IdPs that want signed requests)")
    void authnRequestsAreSigned() throws Exception {
        Scenario s = workspace("slo-authn", false);
        Response login = given().redirects().follow(false).get("/saml/" + s.workspaceId + "/login");
        login.then().statusCode(303);
        Map<String, String> raw = rawParameters(URI.create(login.header("Location")).getRawQuery());
        java.security.Signature verifier = java.security.Signature.getInstance("SHA256withRSA");
        verifier.initVerify(spCertificate(s).getPublicKey());
        verifier.update(("SAMLRequest=" + raw.get("SAMLRequest") + "&SigAlg=" + raw.get("SigAlg")).getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(Base64.getDecoder().decode(URLDecoder.decode(raw.get("Signature"), StandardCharsets.UTF_8)))).isTrue();
    }

    @Test
    @DisplayName("Issue 19: forged, tampered, replayed, misaddressed, expired or foreign LogoutRequests end nothing")
    void attacksEndNothing() {
        Scenario s = workspace("slo-attacks");
        Scenario other = workspace("slo-attacks-other");
        String cookie = s.signIn("vic@example.com", "Analyst");
        String otherCookie = other.signIn("vic@example.com", "Analyst");
        TestCredentials stranger = TestCredentials.rsa("stranger", 2048);

        getSlo(s, request(s, "vic@example.com").redirectQueryUnsigned()).then().statusCode(403).body(containsString("signature_missing"));
        getSlo(s, request(s, "vic@example.com").signWith(stranger).redirectQuery()).then().statusCode(403).body(containsString("invalid_signature"));
        getSlo(s, request(s, "vic@example.com").redirectQuerySignedOverReorderedParameters()).then().statusCode(403)
                .body(containsString("invalid_signature"));
        getSlo(s, request(s, "vic@example.com").redirectQuerySignedOverExtendedParameters()).then().statusCode(403)
                .body(containsString("invalid_signature"));
        String good = request(s, "vic@example.com").redirectQuery();
        getSlo(s, good + "&SAMLRequest=x").then().statusCode(403).body(containsString("invalid_signature"));
        getSlo(s, request(s, "vic@example.com").destination("https://evil.example/slo").redirectQuery()).then().statusCode(403)
                .body(containsString("invalid_destination"));
        getSlo(s, request(s, "vic@example.com").issueInstant(Instant.now().minus(Duration.ofHours(1))).redirectQuery()).then().statusCode(403)
                .body(containsString("issue_instant_too_old"));
        getSlo(s, request(s, "vic@example.com").notOnOrAfter(Instant.now().minus(Duration.ofMinutes(5))).redirectQuery()).then().statusCode(403)
                .body(containsString("assertion_expired"));
        getSlo(s, request(s, "vic@example.com").issuer(other.idp.entityId()).redirectQuery()).then().statusCode(403)
                .body(containsString("invalid_issuer"));
        postSlo(s, request(s, "vic@example.com").postedWithDoctype()).then().statusCode(400).body(containsString("doctype_forbidden"));
        postSlo(s, request(s, "vic@example.com").signWith(stranger).posted()).then().statusCode(403).body(containsString("invalid_signature"));
        // another session's SessionIndex, or another workspace's member: answered, nothing ended
        getSlo(s, request(s, "vic@example.com").sessionIndex("_s_not-this-one").redirectQuery()).then().statusCode(303);
        getSlo(other, request(other, "nobody-here@example.com").redirectQuery()).then().statusCode(303);
        assertThat(alive(cookie)).isTrue();
        assertThat(alive(otherCookie)).isTrue();

        getSlo(s, good).then().statusCode(303);
        assertThat(alive(cookie)).isFalse();
        getSlo(s, good).then().statusCode(403).body(containsString("replayed_request"));
        assertThat(alive(otherCookie)).as("the same NameID in another workspace").isTrue();
    }

    @Test
    @DisplayName("Issue 19: SP-initiated logout ends the local session first, sends a signed LogoutRequest, and takes the IdP's answer once")
    void spInitiatedLogout() throws Exception {
        Scenario s = workspace("slo-sp", false);
        String cookie = s.signInWith(s.response("sara@example.com").attribute("role", "Analyst").assertionId("_a-sara").build());

        Response out = given().redirects().follow(false).cookie("jit_session", cookie).post("/logout");

        out.then().statusCode(303);
        assertThat(alive(cookie)).as("ended before the IdP answers").isFalse();
        URI location = URI.create(out.header("Location"));
        assertThat(location.toString()).startsWith(IDP_SLO + "?SAMLRequest=");
        Map<String, String> raw = rawParameters(location.getRawQuery());
        java.security.Signature verifier = java.security.Signature.getInstance("SHA256withRSA");
        verifier.initVerify(spCertificate(s).getPublicKey());
        verifier.update(("SAMLRequest=" + raw.get("SAMLRequest") + "&SigAlg=" + raw.get("SigAlg")).getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(Base64.getDecoder().decode(URLDecoder.decode(raw.get("Signature"), StandardCharsets.UTF_8)))).isTrue();
        String xml = new String(inflate(Base64.getDecoder().decode(URLDecoder.decode(raw.get("SAMLRequest"), StandardCharsets.UTF_8))),
                StandardCharsets.UTF_8);
        assertThat(xml).contains(">sara@example.com</").contains(">_s_a-sara</");
        String requestId = xml.replaceAll("(?s).*\\bID=\"([^\"]+)\".*", "$1");
        String pending = out.cookie("jit_logout_request");
        assertThat(pending).isEqualTo(requestId);

        String answer = request(s, "sara@example.com").redirectResponseQuery(requestId);
        given().redirects().follow(false).urlEncodingEnabled(false).get("/saml/" + s.workspaceId + "/slo?" + answer).then().statusCode(403)
                .body(containsString("in_response_to_mismatch"));
        given().redirects().follow(false).urlEncodingEnabled(false).cookie("jit_logout_request", pending)
                .get("/saml/" + s.workspaceId + "/slo?" + answer).then().statusCode(200).body(containsString("signed out"));
        given().redirects().follow(false).urlEncodingEnabled(false).cookie("jit_logout_request", pending)
                .get("/saml/" + s.workspaceId + "/slo?" + answer).then().statusCode(403).body(containsString("replayed_request"));
        String forged = request(s, "sara@example.com").signWith(TestCredentials.rsa("forger", 2048)).redirectResponseQuery(requestId);
        given().redirects().follow(false).urlEncodingEnabled(false).cookie("jit_logout_request", pending)
                .get("/saml/" + s.workspaceId + "/slo?" + forged).then().statusCode(403).body(containsString("invalid_signature"));
    }

    @Test
    @DisplayName("Issue 19: a password session's logout stays local")
    void passwordSessionsLogOutLocally() {
        Scenario s = workspace("slo-password", false);
        String cookie = given().contentType("application/json")
                .body(Map.of("workspace", s.workspaceId, "email", s.ownerEmail, "password", s.ownerPassword))
                .post("/api/auth/password").then().statusCode(200).extract().cookie("jit_session");
        given().redirects().follow(false).cookie("jit_session", cookie).post("/logout").then().statusCode(303)
                .header("Location", org.hamcrest.Matchers.not(containsString("idp.example.test")));
    }

    @Test
    @DisplayName("Issue 19 (SPEC §4 step 12): with encrypted assertions on, the metadata publishes the SP encryption certificate and an assertion encrypted to it signs in")
    void encryptedAssertionsSignIn() {
        Scenario s = workspace("slo-encrypted", false);
        s.admin().body(Map.of("idpEntityId", s.idp.entityId(), "certificates", List.of(Certificates.toPem(s.idp.credentials().certificate())),
                        "ssoUrl", "https://idp.example.test/sso", "sloUrl", IDP_SLO, "active", true, "encryptedAssertions", true))
                .put("/api/workspaces/" + s.workspaceId + "/sso").then().statusCode(200);
        String metadata = given().get("/saml/" + s.workspaceId + "/metadata").then().statusCode(200).extract().asString();
        assertThat(metadata).contains("<md:KeyDescriptor use=\"encryption\">");
        X509Certificate sp = spCertificate(s);

        String cookie = s.signInWith(s.response("enid@example.com").attribute("role", "Analyst").encryptFor(sp).build());

        assertThat(s.session(cookie)).containsEntry("memberKey", "enid@example.com");
        s.postAcs(s.response("eve@example.com").attribute("role", "Analyst").encryptFor(TestCredentials.rsa("other-sp", 2048).certificate()).build())
                .then().statusCode(403).body(containsString("decryption_failed"));

        // Entra ID's shape, AES-256-CBC: refused until the workspace allows AES-CBC
        String cbc = org.opensaml.xmlsec.encryption.support.EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES256;
        s.postAcs(s.response("cora@example.com").attribute("role", "Analyst").contentEncryption(cbc).encryptFor(sp).build())
                .then().statusCode(403).body(containsString("decryption_failed"));
        s.admin().body(Map.of("idpEntityId", s.idp.entityId(), "certificates", List.of(Certificates.toPem(s.idp.credentials().certificate())),
                        "ssoUrl", "https://idp.example.test/sso", "sloUrl", IDP_SLO, "active", true, "encryptedAssertions", true,
                        "aesCbcAllowed", true))
                .put("/api/workspaces/" + s.workspaceId + "/sso").then().statusCode(200).body("aesCbcAllowed", org.hamcrest.Matchers.equalTo(true));
        s.signInWith(s.response("cora@example.com").attribute("role", "Analyst").contentEncryption(cbc).encryptFor(sp).build());
    }

    private static X509Certificate spCertificate(Scenario s) {
        String metadata = given().get("/saml/" + s.workspaceId + "/metadata").then().statusCode(200).extract().asString();
        String base64 = metadata.replaceAll("(?s).*<md:KeyDescriptor use=\"signing\">.*?<ds:X509Certificate>([^<]+)</ds:X509Certificate>.*", "$1");
        return Certificates.parsePem(base64);
    }

    private static Map<String, String> rawParameters(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return params;
    }

    private static byte[] inflate(byte[] deflated) throws Exception {
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(deflated), new Inflater(true))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }
}
