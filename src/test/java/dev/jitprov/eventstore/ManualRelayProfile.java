package dev.jitprov.eventstore;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The relay's background loop is off: tests drive {@link KafkaRelay#relayBatch} step by step. */
public class ManualRelayProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("jit.relay.enabled", "false", "jit.relay.batch-size", "50");
    }
}
