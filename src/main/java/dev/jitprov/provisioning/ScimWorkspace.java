package dev.jitprov.provisioning;

import static dev.jitprov.provisioning.DomainException.conflict;
import static dev.jitprov.provisioning.DomainException.invalid;
import static dev.jitprov.provisioning.DomainException.notFound;

import dev.jitprov.provisioning.WorkspaceCommand.CreateScimGroup;
import dev.jitprov.provisioning.WorkspaceCommand.CreateScimToken;
import dev.jitprov.provisioning.WorkspaceCommand.DeleteScimGroup;
import dev.jitprov.provisioning.WorkspaceCommand.EnableScim;
import dev.jitprov.provisioning.WorkspaceCommand.LeaveScimGroups;
import dev.jitprov.provisioning.WorkspaceCommand.ReplaceScimGroup;
import dev.jitprov.provisioning.WorkspaceEvent.ScimEnabled;
import dev.jitprov.provisioning.WorkspaceEvent.ScimGroupChanged;
import dev.jitprov.provisioning.WorkspaceEvent.ScimGroupCreated;
import dev.jitprov.provisioning.WorkspaceEvent.ScimGroupDeleted;
import dev.jitprov.provisioning.WorkspaceEvent.ScimTokenCreated;
import dev.jitprov.provisioning.WorkspaceEvent.ScimTokenRevoked;
import dev.jitprov.provisioning.WorkspaceEvent.ScimUpdated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** The SCIM commands of {@link WorkspaceDecider} (issue 18): the method's settings, its token and the groups. */
final class ScimWorkspace {

    private ScimWorkspace() {
    }

    /** R2 (never with JIT), R3 (the default role exists; Analyst when none is given); an enabled SCIM is updated. */
    static List<WorkspaceEvent> enable(WorkspaceState state, EnableScim c, Instant now) {
        if (state.jitEnabled()) {
            throw conflict(ErrorCodes.JIT_ENABLED, "disable JIT first");
        }
        String requested = WorkspaceDecider.isBlank(c.defaultRole()) ? BuiltInRoles.ANALYST_NAME : c.defaultRole();
        ProvisioningConfig config = WorkspaceDecider.canonical(state, state.provisioning()
                .withDefaultRole(requested).withRoleMappings(c.roleMappings()));
        if (!state.scimEnabled()) {
            return List.of(new ScimEnabled(config.defaultRole(), config.roleMappings(), c.actor(), now));
        }
        boolean same = config.defaultRole().equals(ScimRoles.defaultRole(state))
                && config.roleMappings().equals(state.provisioning().roleMappings());
        return same ? List.of() : List.of(new ScimUpdated(config.defaultRole(), config.roleMappings(), c.actor(), now));
    }

    static List<WorkspaceEvent> createToken(WorkspaceState state, CreateScimToken c, Instant now) {
        if (WorkspaceDecider.isBlank(c.tokenId())) {
            throw invalid(ErrorCodes.INVALID_TOKEN_NAME, "a token id is required");
        }
        List<WorkspaceEvent> events = new ArrayList<>();
        if (state.scimTokenId() != null) {
            events.add(new ScimTokenRevoked(state.scimTokenId(), ScimTokenRevoked.REPLACED, c.actor(), now));
        }
        events.add(new ScimTokenCreated(c.tokenId(), c.actor(), now));
        return events;
    }

    static List<WorkspaceEvent> createGroup(WorkspaceState state, CreateScimGroup c, Instant now) {
        String name = requireName(c.displayName());
        if (state.groups().containsKey(c.groupId())) {
            throw conflict(ErrorCodes.GROUP_EXISTS, "a group with id " + c.groupId() + " exists");
        }
        requireUniqueName(state, name, c.groupId());
        return List.of(new ScimGroupCreated(c.groupId(), name, blankToNull(c.externalId()), members(c.memberIds()), c.actor(), now));
    }

    static List<WorkspaceEvent> replaceGroup(WorkspaceState state, ReplaceScimGroup c, Instant now) {
        ScimGroup before = requireGroup(state, c.groupId());
        String name = requireName(c.displayName());
        requireUniqueName(state, name, c.groupId());
        Set<String> after = members(c.memberIds());
        Set<String> added = new TreeSet<>(after);
        added.removeAll(before.memberIds());
        Set<String> removed = new TreeSet<>(before.memberIds());
        removed.removeAll(after);
        String externalId = blankToNull(c.externalId());
        if (added.isEmpty() && removed.isEmpty() && name.equals(before.displayName()) && Objects.equals(externalId, before.externalId())) {
            return List.of();
        }
        return List.of(new ScimGroupChanged(c.groupId(), name, externalId, added, removed, c.actor(), now));
    }

    static List<WorkspaceEvent> deleteGroup(WorkspaceState state, DeleteScimGroup c, Instant now) {
        ScimGroup group = requireGroup(state, c.groupId());
        return List.of(new ScimGroupDeleted(group.groupId(), group.displayName(), c.actor(), now));
    }

    static List<WorkspaceEvent> leaveGroups(WorkspaceState state, LeaveScimGroups c, Instant now) {
        List<WorkspaceEvent> events = new ArrayList<>();
        for (ScimGroup group : state.groupsOf(c.memberId())) {
            events.add(new ScimGroupChanged(group.groupId(), group.displayName(), group.externalId(), Set.of(),
                    Set.of(c.memberId()), c.actor(), now));
        }
        return events;
    }

    private static ScimGroup requireGroup(WorkspaceState state, String groupId) {
        ScimGroup group = state.groups().get(groupId);
        if (group == null) {
            throw notFound(ErrorCodes.GROUP_NOT_FOUND, "no group " + groupId);
        }
        return group;
    }

    private static String requireName(String displayName) {
        if (WorkspaceDecider.isBlank(displayName)) {
            throw invalid(ErrorCodes.INVALID_GROUP, "displayName is required");
        }
        return displayName.strip();
    }

    private static void requireUniqueName(WorkspaceState state, String name, String groupId) {
        state.groupNamed(name).filter(g -> !g.groupId().equals(groupId)).ifPresent(g -> {
            throw conflict(ErrorCodes.GROUP_EXISTS, "a group named '" + name + "' already exists");
        });
    }

    private static Set<String> members(Set<String> memberIds) {
        return memberIds == null ? Set.of() : new TreeSet<>(memberIds);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
