package dev.jitprov.projection;

import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** R13 Members page, served from the membership view: search, filters, sort, paging, deleted members kept. */
@QuarkusTest
@DisplayName("R13 Members API over the membership view")
class MembersApiTest {

    /** One workspace for the whole class (built on first use: Quarkus is up by then, unlike in @BeforeAll). */
    private static Scenario shared;
    private Scenario scenario;

    @BeforeEach
    void members() {
        if (shared != null) {
            scenario = shared;
            return;
        }
        scenario = Scenario.withJit("members-api", Map.of("deleteAtSessionEnd", true));
        scenario.signIn("alice@example.com", "Marketer"); // JIT members are temporary here (delete at session end)
        scenario.signIn("bob@example.com", "Analyst");
        scenario.admin().body(Map.of("email", "carol@example.com", "displayName", "Carol Zed", "role", "Manager"))
                .post(path()).then().statusCode(201);
        String dave = scenario.admin().body(Map.of("email", "dave@example.com", "role", "Analyst"))
                .post(path()).then().statusCode(201).extract().path("id");
        scenario.admin().delete(path() + "/" + dave).then().statusCode(204);
        scenario.awaitMembersView();
        shared = scenario;
    }

    @Test
    void itemsCarryTheViewFieldsIncludingDisplayNameStatusAndLastSignIn() {
        Map<String, Object> bob = scenario.member("bob@example.com");
        Map<String, Object> carol = scenario.member("carol@example.com");

        assertThat(bob).containsKeys("id", "memberKey", "email", "role", "origin", "temporary", "createdAt", "displayName", "status", "lastSignInAt")
                .containsEntry("status", "ACTIVE").containsEntry("origin", "JIT");
        assertThat(bob.get("lastSignInAt")).isNotNull();
        assertThat(carol).containsEntry("displayName", "Carol Zed").containsEntry("origin", "INVITE").containsEntry("lastSignInAt", null);
    }

    @Test
    void searchMatchesTheDisplayName() {
        List<String> emails = emails(scenario.admin().queryParam("query", "zed"));

        assertThat(emails).containsExactly("carol@example.com");
    }

    @Test
    void filtersByRoleOriginAndTemporary() {
        assertThat(emails(scenario.admin().queryParam("role", "Analyst"))).containsExactly("bob@example.com");
        assertThat(emails(scenario.admin().queryParam("origin", "INVITE"))).containsExactly("carol@example.com");
        assertThat(emails(scenario.admin().queryParam("temporary", "true"))).containsExactly("alice@example.com", "bob@example.com");
        assertThat(emails(scenario.admin().queryParam("temporary", "false"))).containsExactly("carol@example.com", scenario.ownerEmail.toLowerCase());
    }

    @Test
    void r13_aRevokedMemberIsGoneFromTheListOnceTheViewCaughtUp() {
        assertThat(scenario.member("dave@example.com")).isNull();
        assertThat(scenario.findMember("dave@example.com", "DELETED")).containsEntry("status", "DELETED");
    }

    @Test
    void aDeletedMemberIsKeptAsDeleted() {
        assertThat(emails(scenario.admin().queryParam("status", "DELETED"))).containsExactly("dave@example.com");
        assertThat(emails(scenario.admin())).doesNotContain("dave@example.com");
    }

    @Test
    void sortsAndPages() {
        assertThat(emails(scenario.admin().queryParam("sort", "-email")))
                .containsExactly(scenario.ownerEmail.toLowerCase(), "carol@example.com", "bob@example.com", "alice@example.com");
        scenario.admin().queryParam("sort", "createdAt").queryParam("size", 2).queryParam("page", 2).get(path())
                .then().statusCode(200).body("total", equalTo(4)).body("page", equalTo(2)).body("size", equalTo(2))
                .body("items.size()", equalTo(2));
    }

    @Test
    void invalidFiltersAreRefusedWithACode() {
        expect400("origin", "LDAP", "invalid_origin");
        expect400("temporary", "maybe", "invalid_temporary");
        expect400("status", "GONE", "invalid_status");
        expect400("sort", "role", "invalid_sort");
        expect400("size", "100000", "invalid_page_size");
        expect400("page", "0", "invalid_page");
    }

    private void expect400(String param, String value, String code) {
        scenario.admin().queryParam(param, value).get(path()).then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo(code));
    }

    private List<String> emails(io.restassured.specification.RequestSpecification request) {
        return request.get(path()).then().statusCode(200).extract().path("items.email");
    }

    private String path() {
        return "/api/workspaces/" + scenario.workspaceId + "/members";
    }
}
