package dev.jitprov.eventstore;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The provisioning events topic and its CloudEvents envelope. */
@ConfigMapping(prefix = "jit.events")
public interface EventsConfig {

    /** Kafka topic every provisioning event is published to. */
    @WithDefault("provisioning-events")
    String topic();

    /** Prefix of the CloudEvents {@code source}: {@code <sourceBase>/workspaces/<id>}. */
    @WithDefault("urn:jit-provisioning")
    String sourceBase();
}
