package dev.jitprov.security;

import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.support.EventLog;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * R15 with the test client connecting from 127.0.0.1 and no trusted proxy (the %test profile trusts only
 * 127.0.0.2): the connection's address decides, and forwarding headers are ignored.
 */
@QuarkusTest
class FirewallTest {

    @Inject
    Pool pool;
    EventLog events;

    @BeforeEach
    void setUp() {
        events = new EventLog(pool);
    }

    private void assertRefusedAndNothingProvisioned(Scenario s, String email) {
        assertThat(events.member(s.workspaceId, MemberKeys.normalize(email))).isEmpty();
        List<EventLog.Entry> rejections = events.ofType(s.workspaceId, "login.rejected.v1");
        assertThat(rejections).hasSize(1);
        assertThat(rejections.get(0).payload()).contains("\"code\":\"firewall\"").contains("127.0.0.1");
    }

    @Nested
    class R15_AtTheAcs {

        @Test
        void r15_anIpv4AddressOutsideTheAllowListIsRefusedBeforeProvisioning() {
            Scenario s = Scenario.withJit("r15-acs-refused", Map.of());
            SecurityFixtures.secure(s, false, List.of("10.0.0.0/8"));

            Response response = s.postAcs(s.signedResponse("far@example.com", "Analyst"));
            response.then().statusCode(403).contentType(containsString("text/html")).body(containsString("firewall"));
            assertThat(response.getCookie("jit_session")).isNull();
            assertRefusedAndNothingProvisioned(s, "far@example.com");
            assertThat(s.member("far@example.com")).isNull();
        }

        @Test
        void r15_anIpv4AddressInsideTheAllowListSignsIn() {
            Scenario s = Scenario.withJit("r15-acs-allowed", Map.of());
            SecurityFixtures.secure(s, false, List.of("192.0.2.0/24", "127.0.0.0/8"));

            String cookie = s.signIn("near@example.com", "Analyst");
            assertThat(s.session(cookie)).containsEntry("memberKey", "near@example.com");
            assertThat(events.ofType(s.workspaceId, "login.rejected.v1")).isEmpty();
        }

        @Test
        void r15_anIpv6OnlyAllowListRefusesAnIpv4Client() {
            Scenario s = Scenario.withJit("r15-acs-v6only", Map.of());
            SecurityFixtures.secure(s, false, List.of("::1/128", "2001:db8::/32"));

            s.postAcs(s.signedResponse("v4@example.com", "Analyst")).then().statusCode(403).body(containsString("firewall"));
            assertRefusedAndNothingProvisioned(s, "v4@example.com");
        }

        @Test
        void r15_theFirewallComesBeforeSamlValidation() {
            Scenario s = Scenario.withJit("r15-acs-first", Map.of());
            SecurityFixtures.secure(s, false, List.of("10.0.0.0/8"));

            s.postAcs("bm90IHhtbA==").then().statusCode(403).body(containsString("firewall"));
            assertThat(events.ofType(s.workspaceId, "login.rejected.v1")).singleElement()
                    .satisfies(e -> assertThat(e.payload()).contains("\"code\":\"firewall\""));
        }

        @Test
        void r15_aSpoofedForwardingHeaderFromAnUntrustedClientIsIgnored() {
            Scenario s = Scenario.withJit("r15-spoof", Map.of());
            SecurityFixtures.secure(s, false, List.of("203.0.113.0/24"));

            SecurityFixtures.postAcs(s, s.signedResponse("spoof@example.com", "Analyst"),
                            Map.of("X-Forwarded-For", "203.0.113.7", "Forwarded", "for=203.0.113.7"))
                    .then().statusCode(403).body(containsString("firewall"));
            assertRefusedAndNothingProvisioned(s, "spoof@example.com");

            // And the other way round: a header naming a refused address does not lock out an allowed client.
            SecurityFixtures.secure(s, false, List.of("127.0.0.0/8"));
            SecurityFixtures.postAcs(s, s.signedResponse("spoof@example.com", "Analyst"), Map.of("X-Forwarded-For", "10.9.9.9"))
                    .then().statusCode(303);
        }
    }

    @Nested
    class R15_AtPasswordSignIn {

        @Test
        void r15_anAddressOutsideTheAllowListIsRefusedBeforeThePasswordIsChecked() {
            Scenario s = Scenario.newWorkspace("r15-password");
            SecurityFixtures.secure(s, false, List.of("10.0.0.0/8"));

            Response refused = SecurityFixtures.passwordSignIn(s, Map.of("X-Forwarded-For", "10.0.0.5"));
            refused.then().statusCode(403).contentType("application/problem+json").body("code", equalTo("firewall"));
            assertThat(refused.getCookie("jit_session")).isNull();
            assertThat(events.ofType(s.workspaceId, "login.rejected.v1")).singleElement()
                    .satisfies(e -> assertThat(e.payload()).contains("\"code\":\"firewall\"").contains("127.0.0.1"));

            // The admin's API token is not a sign-in: it can still open the firewall.
            SecurityFixtures.secure(s, false, List.of("127.0.0.1"));
            SecurityFixtures.passwordSignIn(s, Map.of()).then().statusCode(200);
        }
    }
}
