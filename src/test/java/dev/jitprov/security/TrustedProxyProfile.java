package dev.jitprov.security;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The loopback is a trusted proxy: Forwarded / X-Forwarded-For from the test client name the client (R15). */
public class TrustedProxyProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.http.proxy.proxy-address-forwarding", "true",
                "quarkus.http.proxy.trusted-proxies", "127.0.0.1,::1");
    }
}
