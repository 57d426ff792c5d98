package dev.jitprov.provisioning;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Provisioning configuration of a workspace.
 *
 * <p>Defaults applied by the constructor: {@code method} null → NONE, {@code roleAttribute} null/blank →
 * {@value #DEFAULT_ROLE_ATTRIBUTE}, {@code multiValuePolicy} null → FIRST, {@code roleMappings} null → empty.
 * {@code defaultRole} is nullable (required only to enable JIT, R3).
 *
 * @param roleMappings IdP value → role name, applied before matching (R6); keeps insertion order
 */
public record ProvisioningConfig(
        ProvisioningMethod method,
        String defaultRole,
        boolean updateUserRole,
        boolean deleteAtSessionEnd,
        String roleAttribute,
        MultiValuePolicy multiValuePolicy,
        boolean strictRole,
        Map<String, String> roleMappings) {

    public static final String DEFAULT_ROLE_ATTRIBUTE = "role";

    public ProvisioningConfig {
        method = method == null ? ProvisioningMethod.NONE : method;
        roleAttribute = roleAttribute == null || roleAttribute.isBlank() ? DEFAULT_ROLE_ATTRIBUTE : roleAttribute.strip();
        multiValuePolicy = multiValuePolicy == null ? MultiValuePolicy.FIRST : multiValuePolicy;
        roleMappings = roleMappings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(roleMappings));
    }

    /** Nothing enabled: the state of a new workspace. */
    public static ProvisioningConfig none() {
        return new ProvisioningConfig(ProvisioningMethod.NONE, null, false, false, null, null, false, null);
    }

    /** A JIT configuration with the given default role and the documented defaults for the rest. */
    public static ProvisioningConfig jit(String defaultRole, boolean updateUserRole, boolean deleteAtSessionEnd) {
        return new ProvisioningConfig(ProvisioningMethod.JIT, defaultRole, updateUserRole, deleteAtSessionEnd,
                null, null, false, null);
    }

    public ProvisioningConfig withMethod(ProvisioningMethod newMethod) {
        return new ProvisioningConfig(newMethod, defaultRole, updateUserRole, deleteAtSessionEnd, roleAttribute,
                multiValuePolicy, strictRole, roleMappings);
    }

    public ProvisioningConfig withDefaultRole(String role) {
        return new ProvisioningConfig(method, role, updateUserRole, deleteAtSessionEnd, roleAttribute,
                multiValuePolicy, strictRole, roleMappings);
    }

    public ProvisioningConfig withUpdateUserRole(boolean update) {
        return new ProvisioningConfig(method, defaultRole, update, deleteAtSessionEnd, roleAttribute,
                multiValuePolicy, strictRole, roleMappings);
    }

    public ProvisioningConfig withDeleteAtSessionEnd(boolean delete) {
        return new ProvisioningConfig(method, defaultRole, updateUserRole, delete, roleAttribute,
                multiValuePolicy, strictRole, roleMappings);
    }

    public ProvisioningConfig withRoleAttribute(String attribute) {
        return new ProvisioningConfig(method, defaultRole, updateUserRole, deleteAtSessionEnd, attribute,
                multiValuePolicy, strictRole, roleMappings);
    }

    public ProvisioningConfig withMultiValuePolicy(MultiValuePolicy policy) {
        return new ProvisioningConfig(method, defaultRole, updateUserRole, deleteAtSessionEnd, roleAttribute,
                policy, strictRole, roleMappings);
    }

    public ProvisioningConfig withStrictRole(boolean strict) {
        return new ProvisioningConfig(method, defaultRole, updateUserRole, deleteAtSessionEnd, roleAttribute,
                multiValuePolicy, strict, roleMappings);
    }

    public ProvisioningConfig withRoleMappings(Map<String, String> mappings) {
        return new ProvisioningConfig(method, defaultRole, updateUserRole, deleteAtSessionEnd, roleAttribute,
                multiValuePolicy, strictRole, mappings);
    }
}
