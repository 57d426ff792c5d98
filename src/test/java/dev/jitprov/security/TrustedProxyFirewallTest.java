package dev.jitprov.security;

import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.saml.TestIdp;
import dev.jitprov.support.EventLog;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** R15 behind a configured trusted proxy (the loopback): the forwarded address is the client's, IPv6 included. */
@QuarkusTest
@TestProfile(TrustedProxyProfile.class)
class TrustedProxyFirewallTest {

    @Inject
    Pool pool;
    EventLog events;

    @BeforeEach
    void setUp() {
        events = new EventLog(pool);
    }

    @Test
    void r15_anIpv6ClientBehindATrustedProxyIsMatchedByItsForwardedAddress() {
        Scenario s = Scenario.withJit("r15-proxy-v6", Map.of());
        SecurityFixtures.secure(s, false, List.of("2001:db8::/32"));

        SecurityFixtures.postAcs(s, s.signedResponse("six@example.com", "Analyst"), Map.of("X-Forwarded-For", "2001:db8::7"))
                .then().statusCode(303);
        SecurityFixtures.postAcs(s, s.signedResponse("six@example.com", "Analyst"), Map.of("X-Forwarded-For", "[2001:db8:0:1::8]:443"))
                .then().statusCode(303);

        SecurityFixtures.postAcs(s, s.signedResponse("other6@example.com", "Analyst"), Map.of("X-Forwarded-For", "2001:db9::7"))
                .then().statusCode(403).body(containsString("firewall"));
        assertThat(events.member(s.workspaceId, MemberKeys.normalize("other6@example.com"))).isEmpty();
        assertThat(events.ofType(s.workspaceId, "login.rejected.v1")).singleElement()
                .satisfies(e -> assertThat(e.payload()).contains("\"code\":\"firewall\"").contains("2001:db9"));
    }

    @Test
    void r15_anIpv4ClientBehindATrustedProxyIsMatchedByItsForwardedAddress() {
        Scenario s = Scenario.withJit("r15-proxy-v4", Map.of());
        SecurityFixtures.secure(s, false, List.of("198.51.100.0/24"));

        SecurityFixtures.postAcs(s, s.signedResponse("four@example.com", "Analyst"), Map.of("X-Forwarded-For", "198.51.100.4"))
                .then().statusCode(303);
        // Without the header the proxy's own address (127.0.0.1) is the client, and it is not on the list.
        SecurityFixtures.postAcs(s, s.signedResponse("four@example.com", "Analyst"), Map.of()).then().statusCode(403);
        SecurityFixtures.passwordSignIn(s, Map.of("X-Forwarded-For", "192.0.2.1")).then().statusCode(403).body("code", equalTo("firewall"));
        SecurityFixtures.passwordSignIn(s, Map.of("X-Forwarded-For", "198.51.100.9")).then().statusCode(200);
    }

    @Test
    void g8_theClientIsTheRightMostAddressTheTrustedProxyAppended_neverOneTheClientWrote() {
        Scenario s = Scenario.withJit("g8-rightmost", Map.of());
        SecurityFixtures.secure(s, false, List.of("198.51.100.0/24"));

        // the client wrote an allowed address in front; the proxy appended the one it really connected from
        SecurityFixtures.postAcs(s, s.signedResponse("spoof@example.com", "Analyst"), Map.of("X-Forwarded-For", "198.51.100.4, 203.0.113.9"))
                .then().statusCode(403).body(containsString("firewall"));
        assertThat(events.ofType(s.workspaceId, "login.rejected.v1")).singleElement()
                .satisfies(e -> assertThat(e.payload()).contains("203.0.113.9").doesNotContain("198.51.100.4"));
        // through two trusted proxies the outer one's view counts; a port is not part of the address
        SecurityFixtures.postAcs(s, s.signedResponse("real@example.com", "Analyst"),
                Map.of("X-Forwarded-For", "203.0.113.9, 198.51.100.4:5123, 127.0.0.1")).then().statusCode(303);
        // a header the proxy does not write (Forwarded) is never believed
        SecurityFixtures.postAcs(s, s.signedResponse("real@example.com", "Analyst"), Map.of("Forwarded", "for=198.51.100.4"))
                .then().statusCode(403);
    }

    private static double metric(String name, String code) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*code=\"" + code + "\"[^}]*} ([0-9.E+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void g10_responsesNoSignatureVerifiesAreCountedNotStored_andAnAddressSendingManyIsTurnedAway() {
        Scenario s = Scenario.withJit("g10-junk", Map.of("strictRole", true));
        String forged = TestIdp.create(s.idp.entityId(), Clock.systemUTC()).response().to(s.sp()).nameId("x@example.com").build();
        double before = metric("jit_saml_unverified_rejections_total", "invalid_signature");

        for (int i = 0; i < 20; i++) {
            SecurityFixtures.postAcs(s, forged, Map.of("X-Forwarded-For", "198.51.100.66")).then().statusCode(403)
                    .body(containsString("invalid_signature"));
        }
        Response turnedAway = SecurityFixtures.postAcs(s, forged, Map.of("X-Forwarded-For", "198.51.100.66"));
        turnedAway.then().statusCode(429).body(containsString("too_many_requests"));
        assertThat(Long.parseLong(turnedAway.header("Retry-After"))).isBetween(1L, 60L);
        // another address is not affected
        SecurityFixtures.postAcs(s, forged, Map.of("X-Forwarded-For", "198.51.100.67")).then().statusCode(403);

        assertThat(metric("jit_saml_unverified_rejections_total", "invalid_signature") - before).isEqualTo(21.0);
        assertThat(events.ofType(s.workspaceId, "login.rejected.v1")).isEmpty();

        // a response the workspace's IdP did sign is still refused with an audited event
        SecurityFixtures.postAcs(s, s.signedResponse("norole@example.com"), Map.of("X-Forwarded-For", "198.51.100.68")).then().statusCode(403)
                .body(containsString("role_missing"));
        assertThat(events.ofType(s.workspaceId, "login.rejected.v1")).singleElement()
                .satisfies(e -> assertThat(e.payload()).contains("role_missing"));
    }

    private String lastRejectedCode(Scenario s) {
        return pool.preparedQuery("SELECT error_code FROM saml_last_rejected WHERE workspace_id = $1").execute(Tuple.of(s.workspaceId))
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getString("error_code");
    }

    @Test
    void g10_theInspectorsSampleTakesAnUnverifiedResponseAtMostOnceInTenSeconds_aVerifiedOneAlways() {
        Scenario s = Scenario.withJit("g10-sample", Map.of("strictRole", true));
        String forged = TestIdp.create(s.idp.entityId(), Clock.systemUTC()).response().to(s.sp()).nameId("x@example.com").build();

        SecurityFixtures.postAcs(s, forged, Map.of("X-Forwarded-For", "198.51.100.70")).then().statusCode(403);
        assertThat(lastRejectedCode(s)).isEqualTo("invalid_signature");
        SecurityFixtures.postAcs(s, "bm90IFNBTUw=", Map.of("X-Forwarded-For", "198.51.100.71")).then().statusCode(400);
        assertThat(lastRejectedCode(s)).isEqualTo("invalid_signature");

        SecurityFixtures.postAcs(s, s.signedResponse("norole@example.com"), Map.of("X-Forwarded-For", "198.51.100.72")).then().statusCode(403);
        assertThat(lastRejectedCode(s)).isEqualTo("role_missing");
    }
}
