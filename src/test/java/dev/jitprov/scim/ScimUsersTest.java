package dev.jitprov.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.types.Email;
import com.unboundid.scim2.common.types.Name;
import com.unboundid.scim2.common.types.Role;
import com.unboundid.scim2.common.types.ServiceProviderConfigResource;
import com.unboundid.scim2.common.types.UserResource;
import dev.jitprov.support.EventLog;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Issue 18: SCIM 2.0 Users driven by UnboundID's SCIM 2 SDK client and raw requests, against the real service. */
@QuarkusTest
class ScimUsersTest {

    @Inject
    Pool pool;
    EventLog events;

    @BeforeEach
    void setUp() {
        events = new EventLog(pool);
    }

    @Test
    @DisplayName("Issue 18: the SDK client creates, reads, finds, replaces, patches and deletes a user")
    void theSdkClientRunsTheWholeLifecycle() throws Exception {
        ScimSetup scim = ScimSetup.enabled("scim-sdk", Map.of());
        ScimService client = scim.client();

        ServiceProviderConfigResource config = client.getServiceProviderConfig();
        assertThat(config.getPatch().isSupported()).isTrue();
        assertThat(config.getFilter().isSupported()).isTrue();
        assertThat(config.getBulk().isSupported()).isFalse();

        UserResource alice = new UserResource().setUserName("Alice@Example.com");
        alice.setExternalId("okta-00u1");
        alice.setName(new Name().setGivenName("Alice").setFamilyName("Liddell"));
        alice.setEmails(List.of(new Email().setValue("alice@example.com").setType("work").setPrimary(true)));
        alice.setRoles(List.of(new Role().setValue("marketer").setPrimary(true)));
        UserResource created = client.create("Users", alice);

        assertThat(created.getId()).isNotBlank();
        assertThat(created.getUserName()).isEqualTo("Alice@Example.com");
        assertThat(created.getName().getGivenName()).isEqualTo("Alice");
        assertThat(created.getMeta().getResourceType()).isEqualTo("User");
        assertThat(created.getMeta().getLocation().toString()).endsWith("/scim/v2/" + scim.ws() + "/Users/" + created.getId());
        // R5: the roles value matched case-insensitively
        assertThat(events.member(scim.ws(), "alice@example.com").get(0).payload())
                .contains("\"origin\":\"SCIM\"").contains("\"role\":\"Marketer\"").contains("\"type\":\"SCIM\"");

        assertThat(client.retrieve("Users", created.getId(), UserResource.class).getExternalId()).isEqualTo("okta-00u1");
        ListResponse<UserResource> found = client.searchRequest("Users").filter(Filter.eq("userName", "alice@example.com").toString())
                .invoke(UserResource.class);
        assertThat(found.getTotalResults()).isEqualTo(1);
        assertThat(found.getResources().get(0).getId()).isEqualTo(created.getId());
        assertThat(client.searchRequest("Users").filter(Filter.and(Filter.eq("externalId", "okta-00u1"),
                Filter.eq("emails.value", "ALICE@example.com")).toString()).invoke(UserResource.class).getTotalResults()).isEqualTo(1);
        assertThat(client.searchRequest("Users").filter(Filter.eq("externalId", "OKTA-00U1").toString())
                .invoke(UserResource.class).getTotalResults()).as("externalId is case-exact").isZero();

        created.setDisplayName("Alice L.");
        created.setRoles(List.of(new Role().setValue("Manager").setPrimary(true)));
        // the service names itself by its public base URL (jit.public.base-url); the test reaches it on its test port
        created.getMeta().setLocation(java.net.URI.create("http://localhost:" + io.restassured.RestAssured.port + scim.base + "/Users/" + created.getId()));
        UserResource replaced = client.replace(created);
        assertThat(replaced.getDisplayName()).isEqualTo("Alice L.");
        assertThat(events.member(scim.ws(), "alice@example.com")).extracting(EventLog.Entry::type).contains("role.changed.v1");

        UserResource patched = client.modifyRequest("Users", created.getId()).replaceValue("name.familyName", "Pleasance")
                .replaceValue("emails[type eq \"work\"].value", "alice.liddell@example.com").invoke(UserResource.class);
        assertThat(scim.scenario.member("alice.liddell@example.com")).as("the Members page follows the IdP's e-mail and name")
                .containsEntry("displayName", "Alice L.");
        assertThat(patched.getName().getFamilyName()).isEqualTo("Pleasance");
        assertThat(patched.getDisplayName()).isEqualTo("Alice L.");

        client.delete("Users", created.getId());
        assertThat(events.member(scim.ws(), "alice@example.com")).last().extracting(EventLog.Entry::payload).asString()
                .contains("\"reason\":\"SCIM\"");
        assertThatThrownBy(() -> client.retrieve("Users", created.getId(), UserResource.class))
                .isInstanceOfSatisfying(ScimException.class, e -> assertThat(e.getScimError().getStatus()).isEqualTo(404));
    }

    @Test
    @DisplayName("Issue 18 (R11): deactivation ends the member's sessions and refuses its sign-in and API tokens; reactivation lets it in")
    void deactivationEndsSessionsAndRefusesSignIn() {
        ScimSetup scim = ScimSetup.enabled("scim-deactivate", Map.of());
        String id = createUser(scim, "dora@example.com", null);
        String cookie = scim.scenario.signIn("dora@example.com", "Admin");
        assertThat(scim.scenario.session(cookie)).as("a SCIM member signs in with its stored role, never the assertion's")
                .containsEntry("effectiveRole", "Analyst");

        // Entra ID's shape: capitalized op, the boolean as a string
        scim.http().body("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                        + "\"Operations\":[{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"}]}")
                .patch(scim.base + "/Users/" + id).then().statusCode(200).body("active", equalTo(false));

        given().cookie("jit_session", cookie).get("/api/session").then().statusCode(401);
        scim.scenario.postAcs(scim.scenario.signedResponse("dora@example.com")).then().statusCode(403)
                .body(containsString("member_deactivated"));
        assertThat(events.member(scim.ws(), "dora@example.com")).extracting(EventLog.Entry::type)
                .containsSubsequence("session.started.v1", "session.ended.v1", "user.deactivated.v1");
        assertThat(scim.scenario.member("dora@example.com")).as("the Members page").containsEntry("deactivated", true)
                .containsEntry("origin", "SCIM").containsEntry("status", "ACTIVE");

        scim.http().body("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                        + "\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":true}}]}")
                .patch(scim.base + "/Users/" + id).then().statusCode(200).body("active", equalTo(true));
        scim.scenario.signIn("dora@example.com");
    }

    @Test
    @DisplayName("Issue 18 (R11): with SCIM on, an unknown user's SAML sign-in is refused")
    void unknownUsersAreRefusedAtSignIn() {
        ScimSetup scim = ScimSetup.enabled("scim-unknown", Map.of());
        scim.scenario.postAcs(scim.scenario.signedResponse("nobody@example.com", "Admin")).then().statusCode(403)
                .body(containsString("unknown_user"));
        assertThat(events.member(scim.ws(), "nobody@example.com")).isEmpty();
    }

    @Test
    @DisplayName("Issue 18: credentials: an API token, another workspace's SCIM token and a rotated-out token get 401 with a SCIM error")
    void onlyTheWorkspacesLiveScimTokenWorks() {
        ScimSetup scim = ScimSetup.enabled("scim-tokens", Map.of());
        ScimSetup other = ScimSetup.enabled("scim-tokens-other", Map.of());

        for (String wrong : List.of(scim.scenario.apiToken, other.token)) {
            given().auth().oauth2(wrong).get(scim.base + "/Users").then().statusCode(401)
                    .contentType(containsString("application/scim+json"))
                    .body("schemas[0]", equalTo("urn:ietf:params:scim:api:messages:2.0:Error")).body("status", equalTo("401"));
        }
        given().get(scim.base + "/Users").then().statusCode(401).body("schemas[0]", equalTo("urn:ietf:params:scim:api:messages:2.0:Error"));

        String rotated = scim.scenario.admin().post("/api/workspaces/" + scim.ws() + "/provisioning/scim-token").then().statusCode(201)
                .body("baseUrl", containsString("/scim/v2/" + scim.ws())).extract().path("token");
        scim.http().get(scim.base + "/Users").then().statusCode(401);
        given().auth().oauth2(rotated).get(scim.base + "/Users").then().statusCode(200);
        assertThat(events.ofType(scim.ws(), "scim.token-revoked.v1")).singleElement().extracting(EventLog.Entry::payload).asString()
                .contains("replaced").contains("\"type\":\"ADMIN\"");
    }

    @Test
    @DisplayName("Issue 18 (R2): while the method is not SCIM every SCIM call gets 403 and nothing changes")
    void scimCallsAreRefusedWhileScimIsOff() {
        ScimSetup scim = ScimSetup.enabled("scim-off", Map.of());
        scim.scenario.admin().delete("/api/workspaces/" + scim.ws() + "/provisioning").then().statusCode(200);
        scim.http().body(userJson("off@example.com")).post(scim.base + "/Users").then().statusCode(403)
                .body("detail", containsString("SCIM is disabled"));
        scim.http().get(scim.base + "/ServiceProviderConfig").then().statusCode(403);
        assertThat(events.member(scim.ws(), "off@example.com")).isEmpty();
    }

    @Test
    @DisplayName("Issue 18: bad input gets a SCIM error with its scimType and writes nothing")
    void badInputGetsScimErrors() {
        ScimSetup scim = ScimSetup.enabled("scim-errors", Map.of());
        String id = createUser(scim, "erin@example.com", null);

        scim.http().body(userJson("ERIN@example.com")).post(scim.base + "/Users").then().statusCode(409).body("scimType", equalTo("uniqueness"));
        scim.scenario.admin().body(Map.of("email", "invited@example.com", "role", "Analyst"))
                .post("/api/workspaces/" + scim.ws() + "/members").then().statusCode(201);
        scim.http().body(userJson("invited@example.com")).post(scim.base + "/Users").then().statusCode(409)
                .body("scimType", equalTo("uniqueness"));
        scim.http().body("{not json").post(scim.base + "/Users").then().statusCode(400).body("scimType", equalTo("invalidSyntax"));
        scim.http().body("{\"schemas\":[\"urn:example:unknown\"],\"userName\":\"x@example.com\"}").post(scim.base + "/Users")
                .then().statusCode(400).body("scimType", equalTo("invalidValue"));
        scim.http().body("{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"]}").post(scim.base + "/Users")
                .then().statusCode(400).body("detail", containsString("userName"));
        scim.http().queryParam("filter", "userName eq").get(scim.base + "/Users").then().statusCode(400).body("scimType", equalTo("invalidFilter"));
        scim.http().queryParam("filter", "password eq \"x\"").get(scim.base + "/Users").then().statusCode(400).body("scimType", equalTo("invalidFilter"));
        scim.http().queryParam("startIndex", "0").get(scim.base + "/Users").then().statusCode(400).body("scimType", equalTo("invalidValue"));
        scim.http().queryParam("count", "201").get(scim.base + "/Users").then().statusCode(400).body("scimType", equalTo("invalidValue"));
        scim.http().get(scim.base + "/Users/00000000-0000-0000-0000-000000000000").then().statusCode(404)
                .body("schemas[0]", equalTo("urn:ietf:params:scim:api:messages:2.0:Error"));
        scim.http().get(scim.base + "/Nothing").then().statusCode(404).contentType(containsString("application/scim+json"));
        scim.http().body("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                        + "\"Operations\":[{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"someone-else@example.com\"}]}")
                .patch(scim.base + "/Users/" + id).then().statusCode(400).body("scimType", equalTo("mutability"));
        scim.http().body("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                        + "\"Operations\":[{\"op\":\"replace\",\"path\":\"emails[type eq \",\"value\":\"x\"}]}")
                .patch(scim.base + "/Users/" + id).then().statusCode(400);
        assertThat(events.member(scim.ws(), "erin@example.com")).extracting(EventLog.Entry::type)
                .containsExactly("user.provisioned.v1", "user.scim-profile-changed.v1");
    }

    @Test
    @DisplayName("Issue 18: two concurrent PATCHes of one user are both applied, never one lost")
    void concurrentPatchesAreBothApplied() {
        ScimSetup scim = ScimSetup.enabled("scim-race", Map.of());
        for (int round = 0; round < 5; round++) {
            String id = createUser(scim, "race" + round + "@example.com", null);
            CompletableFuture<Response> given = CompletableFuture.supplyAsync(() -> scim.http().body(patch("name.givenName", "Given"))
                    .patch(scim.base + "/Users/" + id));
            CompletableFuture<Response> family = CompletableFuture.supplyAsync(() -> scim.http().body(patch("name.familyName", "Family"))
                    .patch(scim.base + "/Users/" + id));
            given.join().then().statusCode(200);
            family.join().then().statusCode(200);
            scim.http().get(scim.base + "/Users/" + id).then().statusCode(200)
                    .body("name.givenName", equalTo("Given")).body("name.familyName", equalTo("Family"));
        }
    }

    @Test
    @DisplayName("Issue 18 (R10): the last admin cannot be deactivated or deleted through SCIM")
    void theLastAdminIsProtected() {
        ScimSetup scim = ScimSetup.enabled("scim-r10", Map.of());
        // the owner is the workspace's only admin; SCIM sees it as a user (it matches by filter)
        JsonNode owner = scim.http().queryParam("filter", "userName eq \"" + scim.scenario.ownerEmail + "\"").get(scim.base + "/Users")
                .then().statusCode(200).body("totalResults", equalTo(1)).extract().as(JsonNode.class);
        String id = owner.path("Resources").get(0).path("id").asText();
        scim.http().body(patch("active", false)).patch(scim.base + "/Users/" + id).then().statusCode(409)
                .body("detail", containsString("last_admin_protected"));
        scim.http().delete(scim.base + "/Users/" + id).then().statusCode(409);
    }

    @Test
    @DisplayName("Issue 18 (G1): only who could grant every role creates the SCIM token, which hands out any role")
    void theScimTokenCannotBeClimbed() {
        ScimSetup scim = ScimSetup.enabled("scim-g1", Map.of());
        String ws = "/api/workspaces/" + scim.ws();
        scim.scenario.admin().body(Map.of("name", "Security officer", "permissions", List.of("security-settings:manage")))
                .post(ws + "/roles").then().statusCode(201);
        String cookie = scim.scenario.signInAfterInvite("sec@example.com", "Security officer");
        given().cookie("jit_session", cookie).header("X-Requested-With", "jit-console").post(ws + "/provisioning/scim-token")
                .then().statusCode(403).body("code", equalTo("role_exceeds_caller"));
        scim.http().get(scim.base + "/Users").then().statusCode(200);
    }

    @Test
    @DisplayName("Issue 18 (R17): SCIM changes are in the audit log with actor SCIM")
    void scimChangesAreAudited() {
        ScimSetup scim = ScimSetup.enabled("scim-audit", Map.of());
        String id = createUser(scim, "audrey@example.com", null);
        scim.http().body(patch("active", false)).patch(scim.base + "/Users/" + id).then().statusCode(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Map<String, Object>> entries = scim.scenario.admin().queryParam("member", "audrey@example.com")
                    .get("/api/workspaces/" + scim.ws() + "/audit").then().statusCode(200).extract().path("items");
            assertThat(entries).extracting(e -> e.get("type") + " " + e.get("actorType")).contains("user.provisioned.v1 SCIM",
                    "user.scim-profile-changed.v1 SCIM", "user.deactivated.v1 SCIM");
            assertThat(entries).extracting(e -> (String) e.get("summary")).contains("Member audrey@example.com deactivated by SCIM");
        });
    }

    @Test
    @DisplayName("Issue 18 (R16): the admins are told of a member the IdP created through SCIM, as for JIT")
    void adminsAreToldOfScimMembers() throws Exception {
        ScimSetup scim = ScimSetup.enabled("scim-mail", Map.of());
        createUser(scim, "mia@example.com", null);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                !dev.jitprov.support.Mails.to(scim.scenario.ownerEmail, "New member mia@example.com").isEmpty());
        jakarta.mail.internet.MimeMessage mail = dev.jitprov.support.Mails.to(scim.scenario.ownerEmail, "New member mia@example.com").get(0);
        String body = String.valueOf(mail.getContent() instanceof jakarta.mail.Multipart m ? m.getBodyPart(0).getContent() : mail.getContent());
        assertThat(body).contains("through SCIM provisioning").contains("/console/members?origin=SCIM").doesNotContain("signed in for the first time");
    }

    static String createUser(ScimSetup scim, String userName, String role) {
        String body = role == null ? userJson(userName) : userJson(userName).replace("\"active\":true", "\"active\":true,\"roles\":[{\"value\":\"" + role + "\"}]");
        return scim.http().body(body).post(scim.base + "/Users").then().statusCode(201).extract().path("id");
    }

    static String userJson(String userName) {
        return "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"" + userName + "\","
                + "\"emails\":[{\"value\":\"" + userName.toLowerCase() + "\",\"type\":\"work\",\"primary\":true}],\"active\":true}";
    }

    static String patch(String path, Object value) {
        String v = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
        return "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"replace\",\"path\":\""
                + path + "\",\"value\":" + v + "}]}";
    }

}
