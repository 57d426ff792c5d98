package dev.jitprov.provisioning;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The role of a member provisioned by SCIM (issue 18), recomputed on every change of the user or of a group it is in:
 * the workspace's role mappings applied to the display names of its groups, the highest-privilege mapped role winning
 * (most permissions; the earlier defined role on a tie); else the user's {@code roles} value matched as R5; else the
 * SCIM default role.
 */
public final class ScimRoles {

    /** How the role was found, recorded as the provisioning's role resolution. */
    public record Resolved(String role, String source) {
    }

    private ScimRoles() {
    }

    public static Resolved resolve(WorkspaceState ws, Collection<String> groupNames, String roleValue) {
        Map<String, String> mappings = ws.provisioning().roleMappings();
        Role best = null;
        String bestGroup = null;
        for (String group : new java.util.TreeSet<>(groupNames)) {
            Optional<Role> mapped = mappedRole(ws, mappings, group);
            if (mapped.isPresent() && (best == null || outranks(ws, mapped.get(), best))) {
                best = mapped.get();
                bestGroup = group;
            }
        }
        if (best != null) {
            return new Resolved(best.name(), "group: " + bestGroup);
        }
        if (roleValue != null && !roleValue.isBlank()) {
            Optional<Role> matched = ws.matchRole(roleValue.strip());
            if (matched.isPresent()) {
                return new Resolved(matched.get().name(), "roles: " + roleValue.strip());
            }
        }
        return new Resolved(defaultRole(ws), "default");
    }

    private static boolean outranks(WorkspaceState ws, Role candidate, Role best) {
        int byPermissions = Integer.compare(candidate.permissions().size(), best.permissions().size());
        if (byPermissions != 0) {
            return byPermissions > 0;
        }
        java.util.List<String> order = ws.allRoles().stream().map(Role::name).toList();
        return order.indexOf(candidate.name()) < order.indexOf(best.name());
    }

    /** The SCIM default role: the configured one while it exists, else Analyst. */
    public static String defaultRole(WorkspaceState ws) {
        String configured = ws.provisioning().defaultRole();
        return configured != null && ws.role(configured).isPresent() ? configured : BuiltInRoles.ANALYST_NAME;
    }

    private static Optional<Role> mappedRole(WorkspaceState ws, Map<String, String> mappings, String group) {
        if (group == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, String> m : mappings.entrySet()) {
            if (m.getKey().equalsIgnoreCase(group.strip())) {
                return ws.role(m.getValue());
            }
        }
        return Optional.empty();
    }
}
