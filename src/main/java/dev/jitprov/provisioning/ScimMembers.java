package dev.jitprov.provisioning;

import static dev.jitprov.provisioning.DomainException.conflict;
import static dev.jitprov.provisioning.DomainException.invalid;

import dev.jitprov.provisioning.MemberCommand.ProvisionScimUser;
import dev.jitprov.provisioning.MemberCommand.UpdateScimUser;
import dev.jitprov.provisioning.MemberEvent.RoleChangeSkipped;
import dev.jitprov.provisioning.MemberEvent.RoleChanged;
import dev.jitprov.provisioning.MemberEvent.ScimProfileChanged;
import dev.jitprov.provisioning.MemberEvent.UserDeactivated;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.MemberEvent.UserReactivated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The SCIM commands of {@link MemberDecider} (issue 18): creation, update (profile, role, active) and role
 * recomputation when a group changes. R10 holds: the last admin is neither demoted (the change is skipped and
 * audited, as for an IdP role at sign-in), deactivated nor deleted.
 */
final class ScimMembers {

    /** {@code UserProvisioned.roleResolution} of a SCIM creation. */
    static final String RESOLVED = "resolved";

    private ScimMembers() {
    }

    static List<MemberEvent> provision(WorkspaceState ws, MemberState member, ProvisionScimUser c, Instant now) {
        MemberDecider.requireNotMember(member);
        String key = MemberKeys.normalize(c.memberKey());
        if (key == null || key.isEmpty() || c.profile() == null) {
            throw invalid(ErrorCodes.INVALID_MEMBER, "userName is required");
        }
        ScimProfile profile = c.profile();
        String email = profile.email() == null || profile.email().isBlank() ? key : profile.email().strip();
        ScimRoles.Resolved role = ScimRoles.resolve(ws, ws.groupNamesOf(MemberKeys.memberId(ws.workspaceId(), key).toString()),
                profile.roleValue());
        List<MemberEvent> events = new ArrayList<>();
        events.add(new UserProvisioned(key, email, profile.shownName(), role.role(), MemberOrigin.SCIM, false, RESOLVED,
                c.actor(), now));
        events.add(new ScimProfileChanged(profile, c.actor(), now));
        if (!c.active()) {
            events.add(new UserDeactivated(c.actor(), now));
        }
        return events;
    }

    static List<MemberEvent> update(WorkspaceState ws, MemberState member, UpdateScimUser c, int otherActiveAdmins, Instant now) {
        ScimProfile profile = c.profile();
        if (profile == null) {
            throw invalid(ErrorCodes.INVALID_MEMBER, "the user's attributes are required");
        }
        if (profile.userName() != null && !member.memberKey().equals(MemberKeys.normalize(profile.userName()))) {
            throw invalid(ErrorCodes.USER_NAME_IMMUTABLE,
                    "userName is the member's key and cannot change; delete the user and create it under the new name");
        }
        List<MemberEvent> events = new ArrayList<>();
        MemberState current = member;
        if (!profile.equals(member.scim())) {
            current = add(events, current, new ScimProfileChanged(profile, c.actor(), now));
        }
        for (MemberEvent e : roleEvents(ws, current, profile.roleValue(), c.actor(), otherActiveAdmins, now)) {
            current = add(events, current, e);
        }
        if (!c.active() && !current.deactivated()) {
            if (current.isAdminIn(ws) && otherActiveAdmins == 0) {
                throw conflict(ErrorCodes.LAST_ADMIN_PROTECTED,
                        "this member is the last one who can manage security settings; it cannot be deactivated");
            }
            for (MemberEvent e : MemberDecider.endAllSessions(current, SessionEndReason.MEMBER_DEACTIVATED, c.actor(), now)) {
                current = add(events, current, e);
            }
            events.add(new UserDeactivated(c.actor(), now));
        } else if (c.active() && current.deactivated()) {
            events.add(new UserReactivated(c.actor(), now));
        }
        return events;
    }

    static List<MemberEvent> recomputeRole(WorkspaceState ws, MemberState member, Actor actor, int otherActiveAdmins, Instant now) {
        if (!member.isMember()) {
            return List.of();
        }
        return roleEvents(ws, member, member.scim() == null ? null : member.scim().roleValue(), actor, otherActiveAdmins, now);
    }

    /** Only a member of origin SCIM has its role computed by SCIM; the others keep theirs. */
    private static List<MemberEvent> roleEvents(WorkspaceState ws, MemberState member, String roleValue, Actor actor,
            int otherActiveAdmins, Instant now) {
        if (member.origin() != MemberOrigin.SCIM) {
            return List.of();
        }
        String to = ScimRoles.resolve(ws, ws.groupNamesOf(MemberKeys.memberId(ws.workspaceId(), member.memberKey()).toString()),
                roleValue).role();
        if (to.equals(member.storedRole())) {
            return List.of();
        }
        if (ws.isAdminRole(member.storedRole()) && !ws.isAdminRole(to) && otherActiveAdmins == 0) {
            return List.of(new RoleChangeSkipped(to, member.storedRole(), ErrorCodes.LAST_ADMIN_PROTECTED, actor, now));
        }
        List<MemberEvent> events = new ArrayList<>();
        events.add(new RoleChanged(member.storedRole(), to, RoleChangeSource.SCIM, actor, now));
        // G4: sessions holding more than the new role end
        events.addAll(MemberDecider.endSessionsAbove(ws, member, MemberDecider.roleOrNothing(ws, to), actor, now));
        return events;
    }

    private static MemberState add(List<MemberEvent> events, MemberState state, MemberEvent event) {
        events.add(event);
        return MemberState.evolve(state, event);
    }
}
