package dev.jitprov.console;

import dev.jitprov.saml.Certificates;
import dev.jitprov.saml.TestIdp;
import dev.jitprov.support.Scenario;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real browser (Debian chromium through chromium-driver) against the whole stack: the seed's
 * walkthrough, the Members page, refusals, permissions and the assertion inspector. Screenshots go to
 * docs/screenshots.
 */
@QuarkusTest
class ConsoleTest {

    static Browser browser;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void installBrowser() {
        Browser.ensureInstalled();
    }

    @BeforeEach
    void startBrowser() {
        if (browser == null) {
            browser = Browser.start(base);
        }
        browser.open("/console/login");
        browser.signOutByCookies();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    private void signInWithPassword(Scenario s) {
        browser.open("/console/login");
        browser.type("login-workspace", s.workspaceId);
        assertThat(browser.byId("login-sso").getAttribute("href")).endsWith("/saml/" + s.workspaceId + "/login");
        browser.type("login-email", s.ownerEmail);
        browser.type("login-password", s.ownerPassword);
        browser.screenshot("login");
        browser.click("login-submit");
        browser.visible("sign-out");
    }

    /** An IdP-initiated sign-in in the browser: a page auto-posts the signed response to the ACS. */
    private void signInThroughIdp(Scenario s, String samlResponse) {
        browser.open(TestIdpPage.register(s.workspaceId, samlResponse, "/console"));
        browser.until(ExpectedConditions.urlMatches(".*/console$"));
        browser.visible("sign-out");
    }

    private static String idpMetadata(Scenario s) throws Exception {
        String cert = Base64.getEncoder().encodeToString(s.idp.credentials().certificate().getEncoded());
        return "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"" + s.idp.entityId() + "\">"
                + "<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
                + "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data>"
                + "<ds:X509Certificate>" + cert + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
                + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://idp.example.test/sso\"/>"
                + "</md:IDPSSODescriptor></md:EntityDescriptor>";
    }

    private static Map<String, Object> provisioning(Scenario s) {
        return s.admin().get("/api/workspaces/" + s.workspaceId + "/provisioning").then().statusCode(200).extract().as(Map.class);
    }

    @Test
    void theSeedWalkthrough_ssoJitSignInMemberAuditEditDisable() throws Exception {
        Scenario s = Scenario.newWorkspace("console-seed");
        signInWithPassword(s);
        browser.open("/console");
        browser.textContains("sso-state", "SSO is not configured");
        assertThat(browser.byId("acs-url").getText()).endsWith("/saml/" + s.workspaceId + "/acs");
        assertThat(browser.byId("sp-metadata-link").getAttribute("href")).endsWith("/saml/" + s.workspaceId + "/metadata");

        // SSO: upload the IdP metadata file.
        Path metadata = Files.createTempFile("idp-metadata", ".xml");
        Files.writeString(metadata, idpMetadata(s));
        browser.byId("sso-metadata-section").findElement(By.tagName("summary")).click();
        browser.byId("sso-metadata-file").sendKeys(metadata.toString());
        browser.until(d -> browser.byId("sso-metadata").getAttribute("value").contains(s.idp.entityId()));
        browser.click("sso-import");
        browser.textContains("sso-message", "IdP metadata imported");
        browser.textContains("sso-state", "configured and active");
        assertThat(browser.byId("sso-entity-id").getAttribute("value")).isEqualTo(s.idp.entityId());

        // Automate user provisioning: toggle → method dialog → JIT form → Save → Confirm → success.
        browser.click("provisioning-toggle");
        browser.visible("method-dialog");
        browser.click("method-jit");
        browser.click("method-next");
        browser.visible("jit-dialog");
        browser.until(d -> !new Select(browser.byId("jit-default-role")).getOptions().isEmpty());
        new Select(browser.byId("jit-default-role")).selectByVisibleText("Marketer");
        browser.byId("jit-advanced").findElement(By.tagName("summary")).click();
        browser.type("jit-role-attribute", "role");
        browser.click("jit-add-mapping");
        WebElement mapping = browser.byId("jit-mappings").findElement(By.cssSelector("tbody tr"));
        mapping.findElement(By.className("mapping-value")).sendKeys("okta-admins");
        new Select(mapping.findElement(By.className("mapping-role"))).selectByVisibleText("Admin");
        browser.screenshot("jit-form");
        browser.click("jit-save");
        browser.visible("confirm-dialog");
        browser.textContains("confirm-dialog", "Save your configuration");
        browser.screenshot("jit-confirm");
        browser.click("confirm-ok");
        browser.textContains("provisioning-message", "Just-in-time user provisioning enabled successfully");
        assertThat(browser.byId("provisioning-toggle").isSelected()).isTrue();
        assertThat(provisioning(s)).containsEntry("method", "JIT").containsEntry("defaultRole", "Marketer")
                .containsEntry("roleMappings", Map.of("okta-admins", "Admin"));
        browser.screenshot("security-login");

        // A user signs in through the ACS in the browser: created with the default role, lands on the console.
        browser.signOutByCookies();
        signInThroughIdp(s, s.signedResponse("newbie@example.com"));
        assertThat(browser.byId("who-role").getText()).isEqualTo("Marketer");
        assertThat(browser.all("#provisioning-section")).isEmpty();
        assertThat(browser.all("#nav-security")).isEmpty();

        // Back as the owner: the member on the Members page with its role and origin, and its audit entry.
        browser.signOutByCookies();
        signInWithPassword(s);
        browser.open("/console/members");
        browser.refreshUntil("members-refresh", "#members-table tr[data-email='newbie@example.com']");
        assertThat(browser.<String>onFresh("#members-table tr[data-email='newbie@example.com']", row -> row.getAttribute("data-role"))).isEqualTo("Marketer");
        assertThat(browser.onFresh("#members-table tr[data-email='newbie@example.com'] .badge.origin", WebElement::getText)).isEqualTo("JIT");
        browser.screenshot("members");
        browser.open("/console/audit");
        browser.type("audit-member", "newbie@example.com");
        browser.click("audit-search");
        browser.refreshUntil("audit-refresh", "#audit-table tr[data-type='user.provisioned.v1'], #audit-table tr[data-type='user.provisioned']");
        assertThat(browser.byId("audit-export-csv").getAttribute("href")).contains("format=csv").contains("member=newbie");
        browser.screenshot("audit");

        // Edit → Save → Confirm.
        browser.open("/console/security");
        browser.click("provisioning-edit");
        browser.visible("jit-dialog");
        browser.until(d -> "Marketer".equals(new Select(browser.byId("jit-default-role")).getFirstSelectedOption().getText()));
        new Select(browser.byId("jit-default-role")).selectByVisibleText("Analyst");
        browser.click("jit-delete-at-end");
        browser.click("jit-save");
        browser.visible("confirm-dialog");
        browser.click("confirm-ok");
        browser.textContains("provisioning-message", "updated successfully");
        assertThat(provisioning(s)).containsEntry("defaultRole", "Analyst").containsEntry("deleteAtSessionEnd", true);

        // Toggle off → Disable user provisioning → Confirm.
        browser.click("provisioning-toggle");
        browser.visible("disable-dialog");
        browser.textContains("disable-dialog", "Disable user provisioning");
        browser.click("disable-ok");
        browser.textContains("provisioning-message", "disabled successfully");
        assertThat(browser.byId("provisioning-toggle").isSelected()).isFalse();
        assertThat(provisioning(s)).containsEntry("method", "NONE");
    }

    @Test
    void refusalsAreShownNextToTheControl() {
        Scenario s = Scenario.newWorkspace("console-refusals");
        signInWithPassword(s);
        browser.open("/console/security");
        browser.visible("provisioning-toggle");
        browser.click("provisioning-toggle");
        browser.click("method-next");
        browser.visible("jit-dialog");
        browser.until(d -> !new Select(browser.byId("jit-default-role")).getOptions().isEmpty());
        browser.click("jit-save");
        browser.click("confirm-ok");
        browser.attributeIs("provisioning-error", "data-code", "sso_not_configured");
        assertThat(browser.byId("provisioning-toggle").isSelected()).isFalse();
        browser.screenshot("refusal-sso-not-configured");

        // A bad certificate in the SSO form: shown next to the SSO form.
        browser.type("sso-entity-id", "https://idp.example.test/bad");
        browser.type("sso-certificates", "not a certificate");
        browser.click("sso-save");
        browser.attributeIs("sso-error", "data-code", "invalid_certificate");

        // SSO by the fields, then SCIM enabled elsewhere: JIT is refused with scim_enabled.
        browser.type("sso-entity-id", s.idp.entityId());
        browser.paste("sso-certificates", Certificates.toPem(s.idp.credentials().certificate()));
        browser.click("sso-save");
        browser.textContains("sso-message", "SSO settings saved");
        // Issue 19: the SLO URL to paste into the IdP, and the SP key rotation in two steps
        browser.textContains("slo-sp-url", "/saml/" + s.workspaceId + "/slo");
        browser.click("sp-key-rotate");
        browser.textContains("sso-message", "Next SP key published");
        browser.click("sp-key-rotate");
        browser.textContains("sso-message", "now active");

        // The default role chosen in the form is deleted meanwhile: unknown_default_role, shown in the form.
        s.admin().body(Map.of("name", "Contractor", "permissions", List.of("reports:view")))
                .post("/api/workspaces/" + s.workspaceId + "/roles").then().statusCode(201);
        browser.open("/console/security");
        browser.textContains("sso-state", "configured");
        browser.click("provisioning-toggle");
        browser.click("method-next");
        browser.visible("jit-dialog");
        browser.until(d -> new Select(browser.byId("jit-default-role")).getOptions().stream().anyMatch(o -> o.getText().equals("Contractor")));
        new Select(browser.byId("jit-default-role")).selectByVisibleText("Contractor");
        s.admin().delete("/api/workspaces/" + s.workspaceId + "/roles/Contractor").then().statusCode(204);
        browser.click("jit-save");
        browser.click("confirm-ok");
        browser.attributeIs("jit-error", "data-code", "unknown_default_role");
        assertThat(browser.byId("jit-dialog").isDisplayed()).isTrue();
        browser.click("jit-cancel");
        assertThat(provisioning(s)).containsEntry("method", "NONE");

        s.admin().body(Map.of("method", "SCIM")).put("/api/workspaces/" + s.workspaceId + "/provisioning").then().statusCode(200);
        browser.open("/console/security");
        browser.until(d -> browser.byId("provisioning-toggle").isSelected());
        assertThat(browser.byId("provisioning-summary").getAttribute("data-method")).isEqualTo("SCIM");
        // Issue 18: the SCIM base URL to paste into the IdP, and the token shown once; a rotation kills the previous one.
        browser.textContains("provisioning-summary", "/scim/v2/" + s.workspaceId);
        browser.click("scim-token-create");
        browser.until(d -> browser.byId("scim-token-value").getText().startsWith("scim_"));
        String shownToken = browser.byId("scim-token-value").getText();
        io.restassured.RestAssured.given().auth().oauth2(shownToken).get("/scim/v2/" + s.workspaceId + "/Users").then().statusCode(200);
        browser.open("/console/security");
        browser.click("scim-token-create");
        browser.textContains("provisioning-message", "previous one no longer works");
        io.restassured.RestAssured.given().auth().oauth2(shownToken).get("/scim/v2/" + s.workspaceId + "/Users").then().statusCode(401);
        browser.screenshot("scim-token");

        // 2FA and firewall: a bad CIDR is refused next to the form; a good setting is saved.
        browser.type("ip-allow-list", "10.0.0.0/99");
        browser.click("security-save");
        browser.attributeIs("security-error", "data-code", "invalid_cidr");
        browser.type("ip-allow-list", "10.0.0.0/8\n127.0.0.0/8\n::1/128");
        browser.click("two-factor-required");
        browser.click("security-save");
        browser.textContains("security-message", "Security settings saved");
        s.admin().get("/api/workspaces/" + s.workspaceId + "/security").then().statusCode(200)
                .body("twoFactorRequired", org.hamcrest.Matchers.equalTo(true))
                .body("ipAllowList", org.hamcrest.Matchers.hasItem("10.0.0.0/8"));

        // R16 (issue 21): the signed-in admin turns its own new-member mails off and the workspace to the daily digest.
        browser.until(d -> browser.byId("my-new-member-mails").isSelected());
        browser.click("my-new-member-mails");
        new Select(browser.byId("new-member-mails")).selectByValue("DAILY_DIGEST");
        browser.click("notifications-save");
        browser.textContains("notifications-message", "Notifications saved");
        s.admin().get("/api/workspaces/" + s.workspaceId + "/notifications/me").then().statusCode(200)
                .body("receiveNewMemberMails", org.hamcrest.Matchers.equalTo(false));
        s.admin().get("/api/workspaces/" + s.workspaceId + "/notifications").then().statusCode(200)
                .body("newMemberMails", org.hamcrest.Matchers.equalTo("DAILY_DIGEST"));
        browser.open("/console/security");
        browser.until(d -> "DAILY_DIGEST".equals(browser.byId("new-member-mails").getAttribute("value")));
        assertThat(browser.byId("my-new-member-mails").isSelected()).isFalse();
    }

    @Test
    void aMemberWithoutTheSecurityPermissionDoesNotSeeTheSection() {
        Scenario s = Scenario.withJit("console-analyst", Map.of());
        signInThroughIdp(s, s.signedResponse("analyst@example.com", "Analyst"));
        assertThat(browser.byId("who-role").getText()).isEqualTo("Analyst");
        assertThat(browser.all("#provisioning-section")).isEmpty();
        assertThat(browser.all("#nav-security, #nav-members, #nav-audit, #nav-inspector")).isEmpty();
        browser.visible("no-sections");
        browser.screenshot("analyst-home");

        browser.open("/console/security");
        browser.visible("access-denied");
        assertThat(browser.all("#provisioning-section")).isEmpty();
        // Nor can it use the API with its session.
        assertThat(browser.fetchStatus("DELETE", "/api/workspaces/" + s.workspaceId + "/provisioning", null)).isEqualTo(403L);
        assertThat(provisioning(s)).containsEntry("method", "JIT");
    }

    @Test
    void g1_aManagerIsOfferedOnlyTheRolesItMayGrant_andAnAdminsRowIsReadOnly() {
        Scenario s = Scenario.withJit("console-manager", Map.of());
        signInThroughIdp(s, s.signedResponse("mgr@example.com", "Manager"));
        browser.open("/console/members");
        browser.idle();

        List<String> offered = browser.until(d -> {
            List<String> options = new Select(d.findElement(By.id("invite-role"))).getOptions().stream().map(WebElement::getText).toList();
            return options.isEmpty() ? null : options;
        });
        assertThat(offered).containsExactlyInAnyOrder("Manager", "Marketer", "Analyst");
        String ownerRow = "#members-table tr[data-email='" + s.ownerEmail + "']";
        browser.refreshUntil("members-refresh", ownerRow);
        browser.idle();
        // re-found on every try: the table re-renders on refresh
        browser.until(d -> {
            WebElement row = d.findElement(By.cssSelector(ownerRow));
            return !row.findElement(By.className("member-role")).isEnabled() && !row.findElement(By.className("update-role")).isEnabled()
                    && !row.findElement(By.className("revoke")).isEnabled();
        });
        browser.screenshot("members-as-manager");
    }

    @Test
    void membersInviteUpdateRoleRevokeForceLogout_eachInTheAuditLog() {
        Scenario s = Scenario.withJit("console-members", Map.of("updateUserRole", true));
        s.signIn("jit-user@example.com", "Marketer");
        signInWithPassword(s);
        browser.open("/console/members");

        browser.type("invite-email", "invitee@example.com");
        browser.type("invite-name", "Ivy Invitee");
        new Select(browser.visible("invite-role")).selectByVisibleText("Manager");
        browser.click("invite-submit");
        browser.refreshUntil("members-refresh", "#members-table tr[data-email='invitee@example.com']");
        assertThat(browser.<String>onFresh("#members-table tr[data-email='invitee@example.com']", row -> row.getAttribute("data-role"))).isEqualTo("Manager");
        assertThat(browser.onFresh("#members-table tr[data-email='invitee@example.com'] .badge.origin", WebElement::getText)).isEqualTo("Invited");

        // Update the JIT member's role: the IdP will override it at the next sign-in, and the page says so.
        browser.idle();
        browser.refreshUntil("members-refresh", "#members-table tr[data-email='jit-user@example.com']");
        browser.idle();
        // (a promotion: a demotion would end the member's session, docs/security.md G4, and the force logout below needs it)
        browser.onFresh("#members-table tr[data-email='jit-user@example.com']", jit -> {
            new Select(jit.findElement(By.className("member-role"))).selectByVisibleText("Manager");
            jit.findElement(By.className("update-role")).click();
            return true;
        });
        browser.attributeIs("members-message", "data-code", "idp_overrides_role");
        browser.refreshUntil("members-refresh", "#members-table tr[data-email='jit-user@example.com'][data-role='Manager']");
        browser.screenshot("members-role-warning");

        // Force logout of the JIT member's session.
        browser.idle();
        browser.refreshUntil("members-refresh", "#sessions-table tr[data-member='jit-user@example.com']");
        browser.idle();
        browser.onFresh("#sessions-table tr[data-member='jit-user@example.com'] .force-logout", button -> {
            button.click();
            return true;
        });
        browser.refreshUntilGone("members-refresh", "#sessions-table tr[data-member='jit-user@example.com']");

        // Revoke with confirmation.
        browser.idle();
        browser.refreshUntil("members-refresh", "#members-table tr[data-email='invitee@example.com'] .revoke");
        browser.idle();
        browser.onFresh("#members-table tr[data-email='invitee@example.com'] .revoke", button -> {
            button.click();
            return true;
        });
        browser.visible("revoke-dialog");
        browser.textContains("revoke-email", "invitee@example.com");
        browser.click("revoke-ok");
        browser.refreshUntilGone("members-refresh", "#members-table tr[data-email='invitee@example.com']");

        // Each is in the audit log.
        browser.open("/console/audit");
        for (String type : List.of("user.invited", "role.changed", "session.ended", "user.deleted")) {
            browser.refreshUntil("audit-refresh", "#audit-table tr[data-type^='" + type + "']");
        }
        browser.type("audit-type", "user.invited");
        browser.click("audit-search");
        browser.until(d -> browser.all("#audit-table tbody tr").stream().allMatch(r -> r.getAttribute("data-type").startsWith("user.invited"))
                && !browser.all("#audit-table tbody tr").isEmpty());
    }

    @Test
    void theInspectorShowsEveryCheckAndTheDecision_andTheFailingStepOfATamperedResponse() {
        Scenario s = Scenario.withJit("console-inspector", Map.of());
        signInWithPassword(s);
        browser.open("/console/inspector");
        browser.paste("inspect-input", s.signedResponse("inspected@example.com", "Marketer"));
        browser.click("inspect-submit");
        browser.attributeIs("inspect-decision", "data-outcome", "NEW_MEMBER");
        List<WebElement> checks = browser.all("#inspect-checks tbody tr");
        assertThat(checks).isNotEmpty().allMatch(r -> "true".equals(r.getAttribute("data-passed")));
        assertThat(browser.byId("inspect-decision").getText()).contains("Marketer");
        assertThat(browser.all("#inspect-attributes tr[data-name='role']")).hasSize(1);
        browser.screenshot("inspector-good");

        // A response signed by an impostor, refused at the ACS, opened as the last rejected one.
        TestIdp impostor = TestIdp.create(s.idp.entityId(), Clock.systemUTC());
        String forged = impostor.response().to(s.sp()).nameId("eve@example.com").attribute("role", "Admin").build();
        s.postAcs(forged).then().statusCode(403);
        browser.click("inspect-last-rejected");
        browser.attributeIs("inspect-decision", "data-outcome", "REFUSED");
        assertThat(browser.onFresh("#inspect-checks tr[data-passed='false'] .code", WebElement::getText)).isEqualTo("invalid_signature");
        browser.screenshot("inspector-tampered");

        // The same pasted.
        browser.paste("inspect-input", forged);
        browser.click("inspect-submit");
        browser.until(d -> !d.findElements(By.cssSelector("#inspect-checks tr[data-passed='false'] .code")).isEmpty());
    }
}
