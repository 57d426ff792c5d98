package dev.jitprov.provisioning;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** A workspace role: a name unique in the workspace (case-insensitively) and a set of permissions. */
public record Role(String name, Set<String> permissions) {

    public Role {
        Objects.requireNonNull(name, "name");
        permissions = sortedCopy(permissions);
    }

    public boolean grants(String permission) {
        return permissions.contains(permission);
    }

    /** Holds {@link Permissions#SECURITY_SETTINGS_MANAGE}: counts as an admin for R10 and R16. */
    public boolean managesSecuritySettings() {
        return grants(Permissions.SECURITY_SETTINGS_MANAGE);
    }

    static Set<String> sortedCopy(Set<String> permissions) {
        return permissions == null ? Set.of() : Collections.unmodifiableSortedSet(new TreeSet<>(permissions));
    }
}
