package dev.jitprov.roles;

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
 * Every background consumer, loop or scheduled job checks {@link #has(Role)} before it starts work.
 */
@ConfigMapping(prefix = "jit.roles")
public interface RolesConfig {

    /** The value that enables every role. */
    String ALL = "all";

    /** The roles of this replica, as configured ({@code all}, or names of {@link Role} in any case). */
    @WithParentName
    @WithDefault(ALL)
    List<String> roleNames();

    /** Whether this replica runs {@code role}. */
    default boolean has(Role role) {
        return enabled().contains(role);
    }

    default boolean hasApi() {
        return has(Role.API);
    }

    default boolean hasRelay() {
        return has(Role.RELAY);
    }

    default boolean hasProjector() {
        return has(Role.PROJECTOR);
    }

    default boolean hasNotifier() {
        return has(Role.NOTIFIER);
    }

    default boolean hasExpirer() {
        return has(Role.EXPIRER);
    }

    /** The roles this replica runs; fails on an unknown name so a typo never silently disables a role. */
    default Set<Role> enabled() {
        return parse(roleNames());
    }

    static Set<Role> parse(List<String> names) {
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        for (String raw : names) {
            String name = raw.strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (ALL.equals(name)) {
                return EnumSet.allOf(Role.class);
            }
            try {
                roles.add(Role.valueOf(name.toUpperCase(Locale.ROOT)));
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
