package dev.jitprov.eventstore;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The relay that publishes committed events from the store to Kafka. */
@ConfigMapping(prefix = "jit.relay")
public interface RelayConfig {

    /**
     * Whether the relay loop may run on a replica whose {@code jit.roles} include {@code relay} (several replicas
     * may: the checkpoint lock lets one work at a time). A switch for tests and emergencies; choose replicas with
     * {@code jit.roles}.
     */
    @WithDefault("true")
    boolean enabled();

    /** Events read and published per transaction. */
    @WithDefault("500")
    int batchSize();

    /** How long the relay sleeps when the store has nothing new. */
    @WithDefault("PT0.05S")
    Duration pollInterval();

    /** How long the relay waits after a failure (Kafka or PostgreSQL down) before trying again. */
    @WithDefault("PT1S")
    Duration errorBackoff();
}
