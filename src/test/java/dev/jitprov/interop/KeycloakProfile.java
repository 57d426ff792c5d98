package dev.jitprov.interop;

import dev.jitprov.support.Ports;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The service on a fixed port that its public base URL names: the browser follows Keycloak's posts and redirects to the
 * very URLs the SAML messages carry (ACS, SLO), so they must be the real ones.
 */
public class KeycloakProfile implements QuarkusTestProfile {

    static final int PORT = Ports.free();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.http.test-port", String.valueOf(PORT), "jit.public.base-url", "http://localhost:" + PORT);
    }
}
