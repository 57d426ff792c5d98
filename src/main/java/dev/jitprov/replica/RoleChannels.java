package dev.jitprov.replica;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Derives {@code mp.messaging.incoming.<channel>.enabled} from {@code jit.roles}, so a replica only consumes the
 * topic for the roles it runs and a Deployment sets one variable ({@code JIT_ROLES}) instead of one per channel.
 * An explicit {@code ...enabled} setting still wins.
 */
@Priority(Priorities.APPLICATION + 100)
public class RoleChannels implements ConfigSourceInterceptor {

    /** Which role consumes each incoming channel. */
    static final Map<String, ReplicaRole> CHANNEL_ROLES = Map.of(
            "projections", ReplicaRole.PROJECTOR,
            "notification-events", ReplicaRole.NOTIFIER,
            "expiry-events", ReplicaRole.EXPIRER);

    private static final String PREFIX = "mp.messaging.incoming.";
    private static final String SUFFIX = ".enabled";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue explicit = context.proceed(name);
        // Build-time defaults (Quarkus messaging declares every channel enabled) have a very low ordinal: only
        // a value set on purpose (properties file, environment, system property) overrides the role.
        boolean setOnPurpose = explicit != null && explicit.getConfigSourceOrdinal() > 100;
        if (setOnPurpose || !name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
            return explicit;
        }
        ReplicaRole role = CHANNEL_ROLES.get(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        if (role == null) {
            return explicit;
        }
        ConfigValue roles = context.proceed("jit.roles");
        Set<ReplicaRole> enabled = RolesConfig.parse(roles == null || roles.getValue() == null
                ? List.of(RolesConfig.ALL) : List.of(roles.getValue().split(",")));
        return ConfigValue.builder().withName(name).withValue(String.valueOf(enabled.contains(role)))
                .withConfigSourceName("jit.roles").build();
    }
}
