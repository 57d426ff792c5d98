package dev.jitprov.replica;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which consumer channels a replica opens for the roles it runs (ADR 0016): the shared one or the consumers' own. */
@DisplayName("Roles: a replica's consumer channels")
class RoleChannelsTest {

    @Test
    void aReplicaRunningAllConsumersUsesTheSharedChannelOnly() {
        SmallRyeConfig config = config(Map.of("jit.roles", "all"));

        assertThat(enabled(config, "background-events")).isTrue();
        assertThat(enabled(config, "projections")).isFalse();
        assertThat(enabled(config, "notification-events")).isFalse();
        assertThat(enabled(config, "expiry-events")).isFalse();
    }

    @Test
    void aReplicaRunningSomeConsumersUsesTheirOwnChannels() {
        SmallRyeConfig config = config(Map.of("jit.roles", "api,projector,notifier"));

        assertThat(enabled(config, "background-events")).isFalse();
        assertThat(enabled(config, "projections")).isTrue();
        assertThat(enabled(config, "notification-events")).isTrue();
        assertThat(enabled(config, "expiry-events")).as("no expirer here").isFalse();
    }

    @Test
    void anExplicitSwitchOfAnOwnChannelTurnsTheSharedChannelOffAndIsObeyed() {
        SmallRyeConfig config = config(Map.of("jit.roles", "all", "mp.messaging.incoming.projections.enabled", "false"));

        assertThat(enabled(config, "background-events")).as("it would run the projections the operator switched off").isFalse();
        assertThat(enabled(config, "projections")).isFalse();
        assertThat(enabled(config, "notification-events")).isTrue();
        assertThat(enabled(config, "expiry-events")).isTrue();
    }

    @Test
    void anApiReplicaOpensNoConsumerChannel() {
        SmallRyeConfig config = config(Map.of("jit.roles", "api"));

        assertThat(enabled(config, "background-events")).isFalse();
        RoleChannels.CHANNEL_ROLES.keySet().forEach(channel -> assertThat(enabled(config, channel)).as(channel).isFalse());
    }

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withInterceptors(new RoleChannels())
                .withSources(new PropertiesConfigSource(properties, "test", 250)).build();
    }

    private static boolean enabled(SmallRyeConfig config, String channel) {
        return config.getOptionalValue("mp.messaging.incoming." + channel + ".enabled", Boolean.class).orElse(true);
    }
}
