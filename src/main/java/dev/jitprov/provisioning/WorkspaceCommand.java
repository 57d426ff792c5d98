package dev.jitprov.provisioning;

import java.util.Set;

/** Commands on a workspace's configuration stream, decided by {@link WorkspaceDecider}. */
public sealed interface WorkspaceCommand {

    Actor actor();

    record CreateWorkspace(String workspaceId, String name, String ownerEmail, Actor actor) implements WorkspaceCommand {
    }

    record DefineRole(String name, Set<String> permissions, Actor actor) implements WorkspaceCommand {
    }

    /** @param holders active members whose stored role is this one (read beside the log by the caller) */
    record RemoveRole(String name, long holders, Actor actor) implements WorkspaceCommand {
    }

    record ConfigureSso(SsoSettings settings, Actor actor) implements WorkspaceCommand {
    }

    /** Enable JIT; the method of {@code config} is ignored (it becomes JIT). */
    record EnableJit(ProvisioningConfig config, Actor actor) implements WorkspaceCommand {
    }

    /** Update the JIT configuration; the method of {@code config} is ignored (it stays JIT). */
    record UpdateJit(ProvisioningConfig config, Actor actor) implements WorkspaceCommand {
    }

    /** Disable whatever provisioning method is enabled (JIT or SCIM). */
    record DisableProvisioning(Actor actor) implements WorkspaceCommand {
    }

    /**
     * Enable SCIM (R2), or update its settings when it is on. {@code defaultRole}: the role of a SCIM user for whom
     * nothing else resolves (must exist, R3; Analyst when null); {@code roleMappings}: group display name → role.
     */
    record EnableScim(String defaultRole, java.util.Map<String, String> roleMappings, Actor actor) implements WorkspaceCommand {
    }

    /** A new SCIM token; the previous one, if any, is revoked with it (issue 18). */
    record CreateScimToken(String tokenId, Actor actor) implements WorkspaceCommand {
    }

    /** SCIM {@code POST /Groups}. */
    record CreateScimGroup(String groupId, String displayName, String externalId, Set<String> memberIds, Actor actor)
            implements WorkspaceCommand {
    }

    /** SCIM {@code PUT}/{@code PATCH /Groups/{id}}: the group as it is after the change. */
    record ReplaceScimGroup(String groupId, String displayName, String externalId, Set<String> memberIds, Actor actor)
            implements WorkspaceCommand {
    }

    /** SCIM {@code DELETE /Groups/{id}}. */
    record DeleteScimGroup(String groupId, Actor actor) implements WorkspaceCommand {
    }

    /** A member deleted through SCIM leaves every group it was in. */
    record LeaveScimGroups(String memberId, Actor actor) implements WorkspaceCommand {
    }

    record DisableScim(Actor actor) implements WorkspaceCommand {
    }

    record ChangeSecuritySettings(SecuritySettings settings, Actor actor) implements WorkspaceCommand {
    }

    /** Records the creation of an API token (the token row itself is the caller's, in the same transaction). */
    record CreateApiToken(String tokenId, String name, String actsAs, Actor actor) implements WorkspaceCommand {
    }

    /** Records the revocation of an API token. */
    record RevokeApiToken(String tokenId, String name, String reason, Actor actor) implements WorkspaceCommand {
    }
}
