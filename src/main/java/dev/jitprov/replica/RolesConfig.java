package dev.jitprov.replica;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The roles this replica runs ({@code jit.roles}): a comma-separated list of {@code api}, {@code relay},
 * {@code projector}, {@code notifier}, {@code expirer}, or {@code all} (the default, for small installs).
 * Every background consumer, loop or scheduled job checks {@link #has(ReplicaRole)} before it starts work.
 */
@ConfigMapping(prefix = "jit.roles")
public interface RolesConfig {

    /** The value that enables every role. */
    String ALL = "all";

    /** The roles of this replica, as configured ({@code all}, or names of {@link ReplicaRole} in any case). */
    @WithParentName
    @WithDefault(ALL)
    List<String> roleNames();

    /** Whether this replica runs {@code role}. */
    default boolean has(ReplicaRole role) {
        return enabled().contains(role);
    }

    default boolean hasApi() {
        return has(ReplicaRole.API);
    }

    default boolean hasRelay() {
        return has(ReplicaRole.RELAY);
    }

    default boolean hasProjector() {
        return has(ReplicaRole.PROJECTOR);
    }

    default boolean hasNotifier() {
        return has(ReplicaRole.NOTIFIER);
    }

    default boolean hasExpirer() {
        return has(ReplicaRole.EXPIRER);
    }

    /** The roles this replica runs; fails on an unknown name so a typo never silently disables a role. */
    default Set<ReplicaRole> enabled() {
        return parse(roleNames());
    }

    static Set<ReplicaRole> parse(List<String> names) {
        EnumSet<ReplicaRole> roles = EnumSet.noneOf(ReplicaRole.class);
        for (String raw : names) {
            String name = raw.strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (ALL.equals(name)) {
                return EnumSet.allOf(ReplicaRole.class);
            }
            try {
                roles.add(ReplicaRole.valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("jit.roles: unknown role '" + raw + "' (expected all, api, relay, "
                        + "projector, notifier, expirer)", e);
            }
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("jit.roles is empty: name at least one role, or 'all'");
        }
        return roles;
    }
}
