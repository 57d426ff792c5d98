package dev.jitprov.interop;

import dev.jitprov.console.Browser;
import dev.jitprov.support.EventLog;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 19 with a real IdP: Keycloak 26.7.3, configured with this SP's URLs, signs a user in IdP-initiated through its
 * login page in Chromium; an admin's "sign out" of that user at Keycloak reaches this service as a LogoutRequest and
 * ends the session (the temporary member is deleted); then an SP-initiated logout round-trips through Keycloak.
 */
@QuarkusTest
@TestProfile(KeycloakProfile.class)
class KeycloakSingleLogoutTest {

    /** A realm of its own per run: Keycloak's dev database outlives the run in target/. */
    private static final String REALM = "jit-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    private static final String USER = "kc.user@example.com";

    @Inject
    Pool pool;

    @Test
    @DisplayName("Issue 19: sign in through Keycloak, log out at Keycloak (session ended here, temporary member deleted), then SP-initiated logout through Keycloak")
    void singleLogoutWithKeycloak() throws Exception {
        KeycloakServer kc = KeycloakServer.start();
        Scenario s = Scenario.newWorkspace("kc-slo");
        String base = "http://localhost:" + KeycloakProfile.PORT;
        String ws = s.workspaceId;
        String spEntityId = base + "/saml/" + ws + "/metadata";
        String slo = base + "/saml/" + ws + "/slo";

        kc.admin("POST", "/realms", Map.of("realm", REALM, "enabled", true));
        kc.admin("POST", "/realms/" + REALM + "/users", Map.of("username", USER, "email", USER, "emailVerified", true, "enabled", true,
                "firstName", "Kay", "lastName", "Cee", "credentials", List.of(Map.of("type", "password", "value", "kc-secret", "temporary", false))));
        kc.admin("POST", "/realms/" + REALM + "/clients", Map.of("clientId", spEntityId, "protocol", "saml", "enabled", true,
                "frontchannelLogout", false, "redirectUris", List.of(base + "/*"),
                "attributes", Map.ofEntries(
                        Map.entry("saml_assertion_consumer_url_post", base + "/saml/" + ws + "/acs"),
                        Map.entry("saml_single_logout_service_url_post", slo),
                        Map.entry("saml_single_logout_service_url_redirect", slo),
                        Map.entry("saml_idp_initiated_sso_url_name", "jit"),
                        Map.entry("saml.server.signature", "true"),
                        Map.entry("saml.assertion.signature", "true"),
                        Map.entry("saml.signature.algorithm", "RSA_SHA256"),
                        Map.entry("saml.client.signature", "false"),
                        Map.entry("saml.authnstatement", "true"),
                        Map.entry("saml_force_name_id_format", "true"),
                        Map.entry("saml_name_id_format", "email"),
                        // its LogoutResponse on the Redirect binding: on plain http (this test) the pending-request cookie is
                        // SameSite=Lax and rides only on a top-level GET; over https it is SameSite=None and POST works too
                        Map.entry("saml.force.post.binding", "false"))));
        String descriptor = kc.get("/realms/" + REALM + "/protocol/saml/descriptor");
        String certificate = descriptor.replaceAll("(?s).*<ds:X509Certificate>([^<]+)</ds:X509Certificate>.*", "$1");
        String idpEntityId = kc.url("/realms/" + REALM);
        s.admin().body(Map.of("idpEntityId", idpEntityId, "certificates", List.of(certificate), "ssoUrl", kc.url("/realms/" + REALM + "/protocol/saml"),
                        "sloUrl", kc.url("/realms/" + REALM + "/protocol/saml"), "active", true))
                .put("/api/workspaces/" + ws + "/sso").then().statusCode(200);
        s.admin().body(Map.of("method", "JIT", "defaultRole", "Analyst", "deleteAtSessionEnd", true))
                .put("/api/workspaces/" + ws + "/provisioning").then().statusCode(200);

        EventLog events = new EventLog(pool);
        try (Browser browser = Browser.start(new URL(base + "/"))) {
            String cookie = signInThroughKeycloak(browser, kc);
            assertThat(given().cookie("jit_session", cookie).get("/api/session").statusCode()).isEqualTo(200);

            // An IT admin signs the user out everywhere at Keycloak: its back-channel LogoutRequest reaches /saml/{ws}/slo.
            String userId = kc.adminJson("/realms/" + REALM + "/users?username=" + KeycloakServer.encode(USER)).get(0).path("id").asText();
            kc.admin("POST", "/realms/" + REALM + "/users/" + userId + "/logout", null);
            await().atMost(Duration.ofSeconds(30)).until(() -> given().cookie("jit_session", cookie).get("/api/session").statusCode() == 401);
            assertThat(events.member(ws, USER)).extracting(EventLog.Entry::type).containsSubsequence("session.ended.v1", "user.deleted.v1");
            assertThat(events.member(ws, USER)).anySatisfy(e -> assertThat(e.payload()).contains("\"reason\":\"IDP_LOGOUT\""));

            // SP-initiated: /logout here, the signed LogoutRequest to Keycloak, its LogoutResponse back here.
            String again = signInThroughKeycloak(browser, kc);
            // the console's own "Sign out" button
            browser.driver.get(base + "/console");
            await().atMost(Duration.ofSeconds(20)).until(() -> !browser.driver.findElements(By.id("sign-out")).isEmpty());
            browser.driver.findElement(By.id("sign-out")).click();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> browser.driver.getPageSource().contains("signed out"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("SP-initiated logout ended at " + browser.driver.getCurrentUrl() + ": "
                        + browser.driver.findElement(By.tagName("body")).getText(), e);
            }
            assertThat(browser.driver.getCurrentUrl()).startsWith(slo);
            assertThat(given().cookie("jit_session", again).get("/api/session").statusCode()).isEqualTo(401);
        }
    }

    /** IdP-initiated sign-in at Keycloak's login page; returns this service's session cookie. */
    private static String signInThroughKeycloak(Browser browser, KeycloakServer kc) {
        browser.driver.manage().deleteAllCookies();
        browser.driver.get(kc.url("/realms/" + REALM + "/protocol/saml/clients/jit"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !browser.driver.findElements(By.id("username")).isEmpty()
                || browser.driver.manage().getCookieNamed("jit_session") != null);
        if (browser.driver.manage().getCookieNamed("jit_session") == null) {
            browser.driver.findElement(By.id("username")).sendKeys(USER);
            browser.driver.findElement(By.id("password")).sendKeys("kc-secret");
            browser.driver.findElement(By.id("kc-login")).click();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.driver.getCurrentUrl().startsWith("http://localhost:" + KeycloakProfile.PORT)
                && browser.driver.manage().getCookieNamed("jit_session") != null);
        Cookie cookie = browser.driver.manage().getCookieNamed("jit_session");
        return cookie.getValue();
    }
}
