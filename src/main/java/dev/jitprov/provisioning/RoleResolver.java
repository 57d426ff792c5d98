package dev.jitprov.provisioning;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Role resolution from the assertion's attributes (R5, R6, R7). */
public final class RoleResolver {

    private RoleResolver() {
    }

    /**
     * @param attributeValues values of the attribute whose Name or FriendlyName equals the given name, in
     *                        document order; empty list or null when absent
     */
    public static RoleResolution resolve(ProvisioningConfig config, WorkspaceState workspace,
            Function<String, List<String>> attributeValues) {
        List<String> raw = attributeValues == null ? null : attributeValues.apply(config.roleAttribute());
        List<String> values = new ArrayList<>();
        if (raw != null) {
            for (String v : raw) {
                if (v != null && !v.strip().isEmpty()) {
                    values.add(v.strip());
                }
            }
        }
        if (values.isEmpty()) {
            return fallback(config, workspace, RoleResolution.ROLE_MISSING);
        }
        if (config.multiValuePolicy() == MultiValuePolicy.HIGHEST_PRIVILEGE) {
            Role best = null;
            for (String v : values) {
                Optional<Role> match = match(config, workspace, v);
                if (match.isPresent() && (best == null || match.get().permissions().size() > best.permissions().size())) {
                    best = match.get();
                }
            }
            if (best != null) {
                return new RoleResolution(Optional.of(best.name()), RoleResolution.RESOLVED, true);
            }
        } else {
            Optional<Role> match = match(config, workspace, values.get(0));
            if (match.isPresent()) {
                return new RoleResolution(Optional.of(match.get().name()), RoleResolution.RESOLVED, true);
            }
        }
        return fallback(config, workspace, RoleResolution.ROLE_UNKNOWN_PREFIX + values.get(0));
    }

    /** Mapping table (exact key, else the unique case-insensitive key), then exact role name, else unique case-insensitive. */
    static Optional<Role> match(ProvisioningConfig config, WorkspaceState workspace, String value) {
        return workspace.matchRole(map(config.roleMappings(), value));
    }

    private static String map(Map<String, String> mappings, String value) {
        String exact = mappings.get(value);
        if (exact != null) {
            return exact;
        }
        List<String> keys = mappings.keySet().stream().filter(k -> k.equalsIgnoreCase(value)).toList();
        return keys.size() == 1 ? mappings.get(keys.get(0)) : value;
    }

    private static RoleResolution fallback(ProvisioningConfig config, WorkspaceState workspace, String reason) {
        Optional<String> defaultRole = workspace.role(config.defaultRole()).map(Role::name);
        return new RoleResolution(defaultRole, reason, false);
    }
}
