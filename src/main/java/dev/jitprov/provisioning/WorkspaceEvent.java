package dev.jitprov.provisioning;

import java.time.Instant;
import java.util.Set;

/**
 * Events of a workspace's configuration stream ({@link WorkspaceState#streamId(String)}). Every event carries
 * the {@link Actor} who caused it and the instant it happened; each record has a stable, versioned
 * {@code TYPE} name for serialization.
 */
public sealed interface WorkspaceEvent {

    Actor actor();

    Instant at();

    /** The workspace exists; always followed by one {@link RoleDefined} per built-in role. */
    record WorkspaceCreated(String workspaceId, String name, Instant createdAt, String ownerEmail, Actor actor,
            Instant at) implements WorkspaceEvent {
        public static final String TYPE = "workspace.created.v1";
    }

    record RoleDefined(String name, Set<String> permissions, boolean builtIn, Actor actor, Instant at)
            implements WorkspaceEvent {
        public static final String TYPE = "role.defined.v1";

        public RoleDefined {
            permissions = Role.sortedCopy(permissions);
        }
    }

    record RoleRemoved(String name, Actor actor, Instant at) implements WorkspaceEvent {
        public static final String TYPE = "role.removed.v1";
    }

    /** @param before the previous settings, null on the first configuration */
    record SsoConfigured(SsoSettings before, SsoSettings after, Actor actor, Instant at) implements WorkspaceEvent {
        public static final String TYPE = "sso.configured.v1";
    }

    /** JIT enabled; {@code config.method()} is JIT. */
    record ProvisioningEnabled(ProvisioningConfig config, Actor actor, Instant at) implements WorkspaceEvent {
        public static final String TYPE = "provisioning.enabled.v1";
    }

    record ProvisioningUpdated(ProvisioningConfig before, ProvisioningConfig after, Actor actor, Instant at)
            implements WorkspaceEvent {
        public static final String TYPE = "provisioning.updated.v1";

        /** The names of the settings that differ, sorted (the audit entry's {@code changed}, the admins' mail). */
        public java.util.List<String> changedSettings() {
            java.util.List<String> changed = new java.util.ArrayList<>();
            for (java.lang.reflect.RecordComponent setting : ProvisioningConfig.class.getRecordComponents()) {
                try {
                    if (!java.util.Objects.equals(setting.getAccessor().invoke(before), setting.getAccessor().invoke(after))) {
                        changed.add(setting.getName());
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            java.util.Collections.sort(changed);
            return changed;
        }
    }

    /** JIT disabled; {@code before} is the configuration that was in force. Members are kept (R18). */
    record ProvisioningDisabled(ProvisioningConfig before, Actor actor, Instant at) implements WorkspaceEvent {
        public static final String TYPE = "provisioning.disabled.v1";
    }

    /**
     * SCIM enabled (R2). {@code defaultRole} and {@code roleMappings} (group display name → role) say what role a SCIM
     * user gets (issue 18); both are null in events written before they existed.
     */
    record ScimEnabled(String defaultRole, java.util.Map<String, String> roleMappings, Actor actor, Instant at)
            implements WorkspaceEvent {
        public static final String TYPE = "scim.enabled.v1";
    }

    /** SCIM's default role or role mappings changed while SCIM stays enabled (issue 18). */
    record ScimUpdated(String defaultRole, java.util.Map<String, String> roleMappings, Actor actor, Instant at)
            implements WorkspaceEvent {
        public static final String TYPE = "scim.updated.v1";
    }

    /** A SCIM token was created (issue 18); it replaces the previous one, revoked just before. No secret here. */
    record ScimTokenCreated(String tokenId, Actor actor, Instant at) implements WorkspaceEvent {
        public static final String TYPE = "scim.token-created.v1";
    }

    /** A SCIM token was revoked; {@code reason} is {@value #REPLACED} when a new token took its place. */
    record ScimTokenRevoked(String tokenId, String reason, Actor actor, Instant at) implements WorkspaceEvent {
        public static final String TYPE = "scim.token-revoked.v1";
        public static final String REPLACED = "replaced";
    }

    /** A SCIM client created a group; {@code memberIds} are member ids (issue 18). */
    record ScimGroupCreated(String groupId, String displayName, String externalId, Set<String> memberIds, Actor actor,
            Instant at) implements WorkspaceEvent {
        public static final String TYPE = "scim.group-created.v1";
    }

    /** A SCIM group's name, external id or members changed: its name and external id after, the members added and removed. */
    record ScimGroupChanged(String groupId, String displayName, String externalId, Set<String> added, Set<String> removed,
            Actor actor, Instant at) implements WorkspaceEvent {
        public static final String TYPE = "scim.group-changed.v1";
    }

    /** A SCIM group was deleted; its members' roles are recomputed. */
    record ScimGroupDeleted(String groupId, String displayName, Actor actor, Instant at) implements WorkspaceEvent {
        public static final String TYPE = "scim.group-deleted.v1";
    }

    record ScimDisabled(Actor actor, Instant at) implements WorkspaceEvent {
        public static final String TYPE = "scim.disabled.v1";
    }

    record SecuritySettingsChanged(SecuritySettings before, SecuritySettings after, Actor actor, Instant at)
            implements WorkspaceEvent {
        public static final String TYPE = "security-settings.changed.v1";
    }

    /** An admin created an API token acting as member {@code actsAs} (R17). The secret is never in an event. */
    record ApiTokenCreated(String tokenId, String name, String actsAs, Actor actor, Instant at) implements WorkspaceEvent {
        public static final String TYPE = "api-token.created.v1";
    }

    /**
     * An API token was revoked (R17): by an admin ({@value #BY_ADMIN}) or because the member it acts as was deleted
     * ({@code member_deleted: <DeletionReason>}, docs/security.md G3). {@code reason} is null in events written
     * before it existed (they were all admin revocations).
     */
    record ApiTokenRevoked(String tokenId, String name, String reason, Actor actor, Instant at) implements WorkspaceEvent {
        public static final String TYPE = "api-token.revoked.v1";
        public static final String BY_ADMIN = "revoked_by_admin";

        public static String memberDeleted(DeletionReason reason) {
            return "member_deleted: " + reason.name();
        }
    }
}
