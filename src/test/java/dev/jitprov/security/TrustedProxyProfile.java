package dev.jitprov.security;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The loopback is a trusted proxy: X-Forwarded-For from the test client names the client (R15, G8), so tests can
 * act from distinct addresses; the per-address password limit is the production one (G5).
 */
public class TrustedProxyProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("jit.firewall.trusted-proxies", "127.0.0.1,::1",
                "jit.password-throttle.address-max-failures", "5",
                "jit.saml.unverified.max-per-address", "20",
                "jit.saml.unverified.sample-every", "PT10S");
    }
}
