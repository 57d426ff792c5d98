package dev.jitprov.security;

import dev.jitprov.support.EventLog;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** PUT/GET /api/workspaces/{ws}/security (R14, R15 settings; R4 permission; R17 audit with before and after). */
@QuarkusTest
class SecuritySettingsTest {

    @Inject
    Pool pool;
    EventLog events;

    @BeforeEach
    void setUp() {
        events = new EventLog(pool);
    }

    private static String path(Scenario s) {
        return "/api/workspaces/" + s.workspaceId + "/security";
    }

    @Test
    void r14_r15_settingsAreSavedCanonicalAndAuditedWithBeforeAndAfter() {
        Scenario s = Scenario.newWorkspace("sec-save");
        s.admin().get(path(s)).then().statusCode(200).body("twoFactorRequired", equalTo(false)).body("ipAllowList.size()", equalTo(0));

        s.admin().body(Map.of("twoFactorRequired", true, "ipAllowList", List.of("10.1.2.3/8", "2001:DB8::/32", "192.0.2.7")))
                .put(path(s)).then().statusCode(200)
                .body("twoFactorRequired", equalTo(true))
                .body("ipAllowList", equalTo(List.of("10.0.0.0/8", "2001:db8::/32", "192.0.2.7")));
        s.admin().get(path(s)).then().statusCode(200).body("ipAllowList", equalTo(List.of("10.0.0.0/8", "2001:db8::/32", "192.0.2.7")));

        List<EventLog.Entry> changes = events.ofType(s.workspaceId, "security-settings.changed.v1");
        assertThat(changes).hasSize(1);
        // PostgreSQL's jsonb orders keys by length, then bytes.
        assertThat(changes.get(0).payload())
                .contains("\"before\":{\"ipAllowList\":[],\"twoFactorRequired\":false}")
                .contains("\"after\":{\"ipAllowList\":[\"10.0.0.0/8\",\"2001:db8::/32\",\"192.0.2.7\"],\"twoFactorRequired\":true}")
                .contains("\"type\":\"ADMIN\"");

        // The same settings again change nothing and add no audit entry.
        SecurityFixtures.secure(s, true, List.of("10.0.0.0/8", "2001:db8::/32", "192.0.2.7"));
        assertThat(events.ofType(s.workspaceId, "security-settings.changed.v1")).hasSize(1);
    }

    @Test
    void r15_anInvalidCidrIs422NamingTheEntryAndNothingIsSaved() {
        Scenario s = Scenario.newWorkspace("sec-bad-cidr");
        s.admin().body(Map.of("twoFactorRequired", true, "ipAllowList", List.of("10.0.0.0/8", "10.0.0.300/24")))
                .put(path(s)).then().statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("invalid_cidr"))
                .body("detail", containsString("10.0.0.300/24"));
        s.admin().body(Map.of("twoFactorRequired", false, "ipAllowList", List.of("2001:db8::/129")))
                .put(path(s)).then().statusCode(422).body("code", equalTo("invalid_cidr")).body("detail", containsString("2001:db8::/129"));

        s.admin().get(path(s)).then().statusCode(200).body("twoFactorRequired", equalTo(false)).body("ipAllowList.size()", equalTo(0));
        assertThat(events.ofType(s.workspaceId, "security-settings.changed.v1")).isEmpty();
    }

    @Test
    void r15_bothFieldsAreRequired() {
        Scenario s = Scenario.newWorkspace("sec-missing");
        s.admin().body(Map.of("ipAllowList", List.of("10.0.0.0/8"))).put(path(s)).then().statusCode(400).body("code", equalTo("field_required"));
        s.admin().get(path(s)).then().body("ipAllowList.size()", equalTo(0));
    }

    @Test
    void r4_onlySecuritySettingsManagersMaySeeOrChangeThem() {
        Scenario s = Scenario.withSso("sec-r4");
        String marketer = s.signInAfterInvite("mia@example.com", "Marketer");
        given().get(path(s)).then().statusCode(401).body("code", equalTo("authentication_required"));
        given().cookie("jit_session", marketer).get(path(s)).then().statusCode(403).body("code", equalTo("permission_required"));
        given().cookie("jit_session", marketer).header("X-Requested-With", "jit-console").contentType(ContentType.JSON)
                .body(Map.of("twoFactorRequired", false, "ipAllowList", List.of("10.0.0.0/8")))
                .put(path(s)).then().statusCode(403).body("code", equalTo("permission_required"));
        s.admin().get(path(s)).then().body("ipAllowList.size()", equalTo(0));
    }
}
