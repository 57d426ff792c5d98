package dev.jitprov.replica;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** A replica started with {@code jit.roles=api}: HTTP only, no background work. */
public class ApiOnlyProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("jit.roles", "api");
    }
}
