package dev.jitprov.security;

import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.support.EventLog;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

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
        SecurityFixtures.postAcs(s, s.signedResponse("six@example.com", "Analyst"), Map.of("Forwarded", "for=\"[2001:db8:0:1::8]\""))
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
}
