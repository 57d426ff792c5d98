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
 *
 * <p>A replica running all of the topic's consumers (projector, notifier and expirer) consumes through their shared
 * channel {@value #SHARED_CHANNEL} (one fetch and parse per event, ADR 0016) and leaves their own channels off; one that
 * runs only some of them uses their own channels. Setting any of the own channels explicitly turns the shared one
 * off, so an override means what it says.
 */
@Priority(Priorities.APPLICATION + 100)
public class RoleChannels implements ConfigSourceInterceptor {

    /** Which role consumes each of the consumers' own channels. */
    static final Map<String, ReplicaRole> CHANNEL_ROLES = Map.of(
            "projections", ReplicaRole.PROJECTOR,
            "notification-events", ReplicaRole.NOTIFIER,
            "expiry-events", ReplicaRole.EXPIRER);
    /** The channel of a replica that runs all of {@link #CHANNEL_ROLES}' roles. */
    static final String SHARED_CHANNEL = "background-events";

    private static final String PREFIX = "mp.messaging.incoming.";
    private static final String SUFFIX = ".enabled";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue explicit = context.proceed(name);
        if (setOnPurpose(explicit) || !name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
            return explicit;
        }
        String channel = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
        boolean enabled;
        if (channel.equals(SHARED_CHANNEL)) {
            enabled = sharedChannelRuns(context);
        } else if (CHANNEL_ROLES.containsKey(channel)) {
            enabled = roles(context).contains(CHANNEL_ROLES.get(channel)) && !sharedChannelRuns(context);
        } else {
            return explicit;
        }
        return ConfigValue.builder().withName(name).withValue(String.valueOf(enabled)).withConfigSourceName("jit.roles").build();
    }

    /**
     * Build-time defaults (Quarkus messaging declares every channel enabled) have a very low ordinal: only a value set
     * on purpose (properties file, environment, system property) overrides the role.
     */
    private static boolean setOnPurpose(ConfigValue value) {
        return value != null && value.getConfigSourceOrdinal() > 100;
    }

    private static boolean sharedChannelRuns(ConfigSourceInterceptorContext context) {
        if (!roles(context).containsAll(CHANNEL_ROLES.values())) {
            return false;
        }
        return CHANNEL_ROLES.keySet().stream().noneMatch(own -> setOnPurpose(context.proceed(PREFIX + own + SUFFIX)));
    }

    private static Set<ReplicaRole> roles(ConfigSourceInterceptorContext context) {
        ConfigValue roles = context.proceed("jit.roles");
        return RolesConfig.parse(roles == null || roles.getValue() == null
                ? List.of(RolesConfig.ALL) : List.of(roles.getValue().split(",")));
    }
}
