package dev.jitprov.provisioning;

import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningDisabled;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningEnabled;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningUpdated;
import dev.jitprov.provisioning.WorkspaceEvent.RoleDefined;
import dev.jitprov.provisioning.WorkspaceEvent.RoleRemoved;
import dev.jitprov.provisioning.WorkspaceEvent.ApiTokenCreated;
import dev.jitprov.provisioning.WorkspaceEvent.ApiTokenRevoked;
import dev.jitprov.provisioning.WorkspaceEvent.ScimDisabled;
import dev.jitprov.provisioning.WorkspaceEvent.ScimEnabled;
import dev.jitprov.provisioning.WorkspaceEvent.SecuritySettingsChanged;
import dev.jitprov.provisioning.WorkspaceEvent.SsoConfigured;
import dev.jitprov.provisioning.WorkspaceEvent.WorkspaceCreated;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configuration of one workspace, rebuilt by folding its events. Immutable.
 *
 * @param roles         by exact name, in definition order
 * @param builtInRoles  names of the built-in roles
 * @param sso           nullable: not configured yet
 * @param provisioning  the current provisioning configuration; {@code method} says what is enabled. The JIT
 *                      settings are kept after a disable so a console can prefill them.
 * @param groups        the SCIM groups by id (issue 18), in creation order
 * @param scimTokenId   the id of the live SCIM token; null when none was created or it was revoked
 * @param version       number of events folded (the stream's expected version for the next append)
 */
public record WorkspaceState(
        boolean exists,
        String workspaceId,
        String name,
        Instant createdAt,
        Map<String, Role> roles,
        Set<String> builtInRoles,
        SsoSettings sso,
        ProvisioningConfig provisioning,
        boolean scimEnabled,
        SecuritySettings security,
        Map<String, ScimGroup> groups,
        String scimTokenId,
        long version) {

    public static final String STREAM_PREFIX = "workspace-";

    public WorkspaceState {
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        builtInRoles = Collections.unmodifiableSet(new LinkedHashSet<>(builtInRoles));
        groups = groups == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    }

    public static String streamId(String workspaceId) {
        return STREAM_PREFIX + workspaceId;
    }

    public static WorkspaceState initial() {
        return new WorkspaceState(false, null, null, null, Map.of(), Set.of(), null, ProvisioningConfig.none(),
                false, SecuritySettings.defaults(), Map.of(), null, 0);
    }

    public static WorkspaceState fold(List<? extends WorkspaceEvent> events) {
        return fold(initial(), events);
    }

    public static WorkspaceState fold(WorkspaceState state, List<? extends WorkspaceEvent> events) {
        WorkspaceState s = state;
        for (WorkspaceEvent e : events) {
            s = evolve(s, e);
        }
        return s;
    }

    public static WorkspaceState evolve(WorkspaceState s, WorkspaceEvent event) {
        long v = s.version + 1;
        if (event instanceof WorkspaceCreated e) {
            return new WorkspaceState(true, e.workspaceId(), e.name(), e.createdAt(), s.roles, s.builtInRoles, s.sso,
                    s.provisioning, s.scimEnabled, s.security, s.groups, s.scimTokenId, v);
        }
        if (event instanceof RoleDefined e) {
            Map<String, Role> roles = new LinkedHashMap<>(s.roles);
            roles.put(e.name(), new Role(e.name(), e.permissions()));
            Set<String> builtIn = new LinkedHashSet<>(s.builtInRoles);
            if (e.builtIn()) {
                builtIn.add(e.name());
            }
            return new WorkspaceState(s.exists, s.workspaceId, s.name, s.createdAt, roles, builtIn, s.sso,
                    s.provisioning, s.scimEnabled, s.security, s.groups, s.scimTokenId, v);
        }
        if (event instanceof RoleRemoved e) {
            Map<String, Role> roles = new LinkedHashMap<>(s.roles);
            roles.remove(e.name());
            Set<String> builtIn = new LinkedHashSet<>(s.builtInRoles);
            builtIn.remove(e.name());
            return new WorkspaceState(s.exists, s.workspaceId, s.name, s.createdAt, roles, builtIn, s.sso,
                    s.provisioning, s.scimEnabled, s.security, s.groups, s.scimTokenId, v);
        }
        if (event instanceof SsoConfigured e) {
            return new WorkspaceState(s.exists, s.workspaceId, s.name, s.createdAt, s.roles, s.builtInRoles, e.after(),
                    s.provisioning, s.scimEnabled, s.security, s.groups, s.scimTokenId, v);
        }
        if (event instanceof ProvisioningEnabled e) {
            return withProvisioning(s, e.config().withMethod(ProvisioningMethod.JIT), false, v);
        }
        if (event instanceof ProvisioningUpdated e) {
            return withProvisioning(s, e.after().withMethod(ProvisioningMethod.JIT), s.scimEnabled, v);
        }
        if (event instanceof ProvisioningDisabled) {
            return withProvisioning(s, s.provisioning.withMethod(ProvisioningMethod.NONE), s.scimEnabled, v);
        }
        if (event instanceof ScimEnabled e) {
            return withProvisioning(s, scimSettings(s.provisioning, e.defaultRole(), e.roleMappings()), true, v);
        }
        if (event instanceof WorkspaceEvent.ScimUpdated e) {
            return withProvisioning(s, scimSettings(s.provisioning, e.defaultRole(), e.roleMappings()), true, v);
        }
        if (event instanceof WorkspaceEvent.ScimTokenCreated e) {
            return new WorkspaceState(s.exists, s.workspaceId, s.name, s.createdAt, s.roles, s.builtInRoles, s.sso,
                    s.provisioning, s.scimEnabled, s.security, s.groups, e.tokenId(), v);
        }
        if (event instanceof WorkspaceEvent.ScimTokenRevoked e) {
            String live = e.tokenId() != null && e.tokenId().equals(s.scimTokenId) ? null : s.scimTokenId;
            return new WorkspaceState(s.exists, s.workspaceId, s.name, s.createdAt, s.roles, s.builtInRoles, s.sso,
                    s.provisioning, s.scimEnabled, s.security, s.groups, live, v);
        }
        if (event instanceof WorkspaceEvent.ScimGroupCreated e) {
            Map<String, ScimGroup> groups = new LinkedHashMap<>(s.groups);
            groups.put(e.groupId(), new ScimGroup(e.groupId(), e.displayName(), e.externalId(), e.memberIds(), e.at(), e.at()));
            return withGroups(s, groups, v);
        }
        if (event instanceof WorkspaceEvent.ScimGroupChanged e) {
            Map<String, ScimGroup> groups = new LinkedHashMap<>(s.groups);
            ScimGroup before = groups.get(e.groupId());
            if (before != null) {
                Set<String> members = new java.util.TreeSet<>(before.memberIds());
                members.removeAll(e.removed());
                members.addAll(e.added());
                groups.put(e.groupId(), new ScimGroup(e.groupId(), e.displayName(), e.externalId(), members, before.created(), e.at()));
            }
            return withGroups(s, groups, v);
        }
        if (event instanceof WorkspaceEvent.ScimGroupDeleted e) {
            Map<String, ScimGroup> groups = new LinkedHashMap<>(s.groups);
            groups.remove(e.groupId());
            return withGroups(s, groups, v);
        }
        if (event instanceof ScimDisabled) {
            return withProvisioning(s, s.provisioning.withMethod(ProvisioningMethod.NONE), false, v);
        }
        if (event instanceof SecuritySettingsChanged e) {
            return new WorkspaceState(s.exists, s.workspaceId, s.name, s.createdAt, s.roles, s.builtInRoles, s.sso,
                    s.provisioning, s.scimEnabled, e.after(), s.groups, s.scimTokenId, v);
        }
        if (event instanceof ApiTokenCreated || event instanceof ApiTokenRevoked) {
            // audited, not part of the configuration a decision reads (tokens are checked from api_tokens)
            return new WorkspaceState(s.exists, s.workspaceId, s.name, s.createdAt, s.roles, s.builtInRoles, s.sso,
                    s.provisioning, s.scimEnabled, s.security, s.groups, s.scimTokenId, v);
        }
        throw new IllegalArgumentException("unknown workspace event " + event);
    }

    private static WorkspaceState withGroups(WorkspaceState s, Map<String, ScimGroup> groups, long v) {
        return new WorkspaceState(s.exists, s.workspaceId, s.name, s.createdAt, s.roles, s.builtInRoles, s.sso,
                s.provisioning, s.scimEnabled, s.security, groups, s.scimTokenId, v);
    }

    /** SCIM's default role and mappings replace the JIT ones (events written before issue 18 carry neither). */
    private static ProvisioningConfig scimSettings(ProvisioningConfig current, String defaultRole, Map<String, String> mappings) {
        ProvisioningConfig config = current.withMethod(ProvisioningMethod.SCIM);
        return defaultRole == null && mappings == null ? config : config.withDefaultRole(defaultRole).withRoleMappings(mappings);
    }

    private static WorkspaceState withProvisioning(WorkspaceState s, ProvisioningConfig config, boolean scim, long v) {
        return new WorkspaceState(s.exists, s.workspaceId, s.name, s.createdAt, s.roles, s.builtInRoles, s.sso, config,
                scim, s.security, s.groups, s.scimTokenId, v);
    }

    // ---- queries ----

    /** The role with exactly this name. */
    public Optional<Role> role(String roleName) {
        return roleName == null ? Optional.empty() : Optional.ofNullable(roles.get(roleName));
    }

    /** The role whose name equals this one ignoring case, only when exactly one role matches. */
    public Optional<Role> roleIgnoreCase(String roleName) {
        if (roleName == null) {
            return Optional.empty();
        }
        List<Role> matches = roles.values().stream().filter(r -> r.name().equalsIgnoreCase(roleName)).toList();
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }

    /** Exact name first, else the unique case-insensitive match (R5). */
    public Optional<Role> matchRole(String roleName) {
        return role(roleName).or(() -> roleIgnoreCase(roleName));
    }

    public Collection<Role> allRoles() {
        return roles.values();
    }

    public boolean isBuiltIn(String roleName) {
        return builtInRoles.contains(roleName);
    }

    /** Whether the role with this exact name grants {@code security-settings:manage}. */
    public boolean isAdminRole(String roleName) {
        return role(roleName).map(Role::managesSecuritySettings).orElse(false);
    }

    public boolean jitEnabled() {
        return provisioning.method() == ProvisioningMethod.JIT;
    }

    public boolean ssoConfigured() {
        return sso != null;
    }

    public boolean ssoActive() {
        return sso != null && sso.active();
    }

    /** The display names of the SCIM groups the member with this id is in (issue 18). */
    public List<String> groupNamesOf(String memberId) {
        return groupsOf(memberId).stream().map(ScimGroup::displayName).toList();
    }

    /** The SCIM groups the member with this id is in, in creation order. */
    public List<ScimGroup> groupsOf(String memberId) {
        return groups.values().stream().filter(g -> g.memberIds().contains(memberId)).toList();
    }

    /** The group whose display name equals this one ignoring case. */
    public Optional<ScimGroup> groupNamed(String displayName) {
        return displayName == null ? Optional.empty()
                : groups.values().stream().filter(g -> g.displayName().equalsIgnoreCase(displayName.strip())).findFirst();
    }

    public boolean scimMethod() {
        return provisioning.method() == ProvisioningMethod.SCIM;
    }

    /** The names of the roles that grant {@code security-settings:manage}: who counts as an admin (R10, R16). */
    public String[] adminRoleNames() {
        return allRoles().stream().filter(Role::managesSecuritySettings).map(Role::name).toArray(String[]::new);
    }
}
