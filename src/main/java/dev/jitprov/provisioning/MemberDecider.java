package dev.jitprov.provisioning;

import static dev.jitprov.provisioning.DomainException.conflict;
import static dev.jitprov.provisioning.DomainException.notFound;
import static dev.jitprov.provisioning.DomainException.unprocessable;

import dev.jitprov.provisioning.MemberCommand.ChangeRole;
import dev.jitprov.provisioning.MemberCommand.ChooseNewMemberMails;
import dev.jitprov.provisioning.MemberCommand.CreateOwner;
import dev.jitprov.provisioning.MemberCommand.EndSession;
import dev.jitprov.provisioning.MemberCommand.ExpireMember;
import dev.jitprov.provisioning.MemberCommand.InviteMember;
import dev.jitprov.provisioning.MemberCommand.RevokeAccess;
import dev.jitprov.provisioning.MemberEvent.NotificationPreferenceChanged;
import dev.jitprov.provisioning.MemberEvent.OwnerCreated;
import dev.jitprov.provisioning.MemberEvent.RoleChanged;
import dev.jitprov.provisioning.MemberEvent.SessionEnded;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.provisioning.MemberEvent.UserInvited;
import dev.jitprov.provisioning.MemberState.ActiveSession;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decides member commands from the Members page, logout and the expirer:
 * {@code decide(workspace, member, command, otherActiveAdmins, now) -> events}. Empty list: nothing to do;
 * {@link DomainException}: refused, nothing changes.
 *
 * <p>R10 protects the last admin from an admin's role change and from revocation. It does not protect a
 * temporary member from its own lifecycle (R12): a temporary member is deleted when its session ends or its TTL
 * passes, even if it holds the last admin role, because the workspace owner (a PASSWORD member, never temporary)
 * is the break-glass path and a temporary member cannot outlive its session by design.
 */
public final class MemberDecider {

    /** Session end reasons a caller may request; MEMBER_DELETED and ACCESS_REVOKED are consequences. */
    private static final Set<SessionEndReason> REQUESTABLE =
            EnumSet.of(SessionEndReason.LOGOUT, SessionEndReason.FORCE_LOGOUT, SessionEndReason.EXPIRED, SessionEndReason.IDP_LOGOUT);

    private MemberDecider() {
    }

    /**
     * A member command with what it is decided against besides the member's own stream: the workspace (roles, JIT
     * settings), R10's count of other live admins, and the time.
     */
    public record Request(WorkspaceState workspace, MemberCommand command, int otherActiveAdmins, Instant now) {
    }

    /** The member stream's decider: {@link MemberState} folded from {@link MemberEvent}s. */
    public static final Decider<Request, MemberState, MemberEvent> DECIDER = new Decider<>() {
        @Override
        public MemberState initialState() {
            return MemberState.initial();
        }

        @Override
        public List<MemberEvent> decide(Request request, MemberState member) {
            return MemberDecider.decide(request.workspace(), member, request.command(), request.otherActiveAdmins(), request.now());
        }

        @Override
        public MemberState evolve(MemberState state, MemberEvent event) {
            return MemberState.evolve(state, event);
        }
    };

    public static List<MemberEvent> decide(WorkspaceState ws, MemberState member, MemberCommand command,
            int otherActiveAdmins, Instant now) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(now, "now");
        Actor actor = command.actor();
        if (command instanceof InviteMember c) {
            requireNotMember(member);
            requireKeyAndEmail(c.memberKey(), c.email());
            Role granted = ws.matchRole(c.role() == null ? null : c.role().strip()).orElseThrow(() -> unknownRole(c.role()));
            GrantRules.requireGrantable(c.grantor(), granted);
            String role = granted.name();
            return List.of(new UserInvited(MemberKeys.normalize(c.memberKey()), c.email().strip(), c.displayName(),
                    role, actor, now));
        }
        if (command instanceof CreateOwner c) {
            requireNotMember(member);
            requireKeyAndEmail(c.memberKey(), c.email());
            return List.of(new OwnerCreated(MemberKeys.normalize(c.memberKey()), c.email().strip(),
                    BuiltInRoles.ADMIN_NAME, actor, now));
        }
        if (command instanceof ChangeRole c) {
            requireMember(member);
            Role target = ws.matchRole(c.role() == null ? null : c.role().strip()).orElseThrow(() -> unknownRole(c.role()));
            String to = target.name();
            GrantRules.requireNotSelf(c.grantor(), member.memberKey());
            Role current = storedRoleOf(ws, member);
            GrantRules.requireAboveTarget(c.grantor(), reachOf(ws, member));
            GrantRules.requireGrantable(c.grantor(), target);
            if (to.equals(member.storedRole())) {
                return List.of();
            }
            if (ws.isAdminRole(member.storedRole()) && !ws.isAdminRole(to) && otherActiveAdmins == 0) {
                throw conflict(ErrorCodes.LAST_ADMIN_PROTECTED,
                        "this member is the last one who can manage security settings");
            }
            List<MemberEvent> events = new ArrayList<>();
            events.add(new RoleChanged(member.storedRole(), to, RoleChangeSource.ADMIN, actor, now));
            if (GrantRules.isDemotion(current, target)) {
                events.addAll(endAllSessions(member, SessionEndReason.ROLE_CHANGED, actor, now));
            }
            return events;
        }
        if (command instanceof RevokeAccess c) {
            requireMember(member);
            GrantRules.requireAboveTarget(c.grantor(), reachOf(ws, member));
            if (member.isAdminIn(ws) && otherActiveAdmins == 0) {
                throw conflict(ErrorCodes.LAST_ADMIN_PROTECTED,
                        "this member is the last one who can manage security settings");
            }
            return deleteMember(member, SessionEndReason.ACCESS_REVOKED, DeletionReason.ACCESS_REVOKED, actor, now);
        }
        if (command instanceof EndSession c) {
            return endSession(member, c, now);
        }
        if (command instanceof ExpireMember c) {
            if (!member.isMember() || !member.temporary()) {
                return List.of();
            }
            Duration ttl = c.ttl() == null ? Duration.ZERO : c.ttl();
            if (member.createdAt() != null && now.isBefore(member.createdAt().plus(ttl))) {
                return List.of();
            }
            return deleteMember(member, SessionEndReason.MEMBER_DELETED, DeletionReason.TTL_EXPIRED, actor, now);
        }
        if (command instanceof ChooseNewMemberMails c) {
            requireMember(member);
            return c.newMemberMails() == member.newMemberMails() ? List.of()
                    : List.of(new NotificationPreferenceChanged(c.newMemberMails(), actor, now));
        }
        if (command instanceof MemberCommand.ProvisionScimUser c) {
            return ScimMembers.provision(ws, member, c, now);
        }
        if (command instanceof MemberCommand.UpdateScimUser c) {
            requireMember(member);
            return ScimMembers.update(ws, member, c, otherActiveAdmins, now);
        }
        if (command instanceof MemberCommand.RecomputeScimRole c) {
            return ScimMembers.recomputeRole(ws, member, c.actor(), otherActiveAdmins, now);
        }
        if (command instanceof MemberCommand.DeleteScimUser c) {
            requireMember(member);
            if (member.isAdminIn(ws) && otherActiveAdmins == 0) {
                throw conflict(ErrorCodes.LAST_ADMIN_PROTECTED,
                        "this member is the last one who can manage security settings");
            }
            return deleteMember(member, SessionEndReason.MEMBER_DELETED, DeletionReason.SCIM, actor, now);
        }
        throw new IllegalArgumentException("unknown member command " + command);
    }

    private static List<MemberEvent> endSession(MemberState member, EndSession c, Instant now) {
        if (c.reason() == null || !REQUESTABLE.contains(c.reason())) {
            throw unprocessable(ErrorCodes.INVALID_SESSION_END_REASON,
                    "a session can be ended by LOGOUT, FORCE_LOGOUT, EXPIRED or IDP_LOGOUT");
        }
        if (!member.isMember() || member.session(c.sessionId()).isEmpty()) {
            throw notFound(ErrorCodes.SESSION_NOT_FOUND, "no active session '" + c.sessionId() + "'");
        }
        List<MemberEvent> events = new ArrayList<>();
        events.add(new SessionEnded(c.sessionId(), c.reason(), c.actor(), now));
        if (member.temporary()) {
            // R12: a temporary member is deleted when its session ends; deleting it ends its other sessions.
            for (ActiveSession other : member.sessions().values()) {
                if (!other.sessionId().equals(c.sessionId())) {
                    events.add(new SessionEnded(other.sessionId(), SessionEndReason.MEMBER_DELETED, c.actor(), now));
                }
            }
            events.add(new UserDeleted(DeletionReason.SESSION_ENDED, c.actor(), now));
        }
        return events;
    }

    private static List<MemberEvent> deleteMember(MemberState member, SessionEndReason sessionReason,
            DeletionReason reason, Actor actor, Instant now) {
        List<MemberEvent> events = new ArrayList<>(endAllSessions(member, sessionReason, actor, now));
        events.add(new UserDeleted(reason, actor, now));
        return events;
    }

    /** A {@link SessionEnded} for every open session of the member. */
    static List<MemberEvent> endAllSessions(MemberState member, SessionEndReason reason, Actor actor, Instant now) {
        List<MemberEvent> events = new ArrayList<>();
        for (ActiveSession s : member.sessions().values()) {
            events.add(new SessionEnded(s.sessionId(), reason, actor, now));
        }
        return events;
    }

    /**
     * What the member can do now: its stored role's permissions and those of every open session's effective role
     * (with update user's role off, an IdP may give a session more than the stored role, R9). G1 compares a grantor
     * with this, so a member acting as Admin through the IdP is out of a Manager's reach.
     */
    public static Role reachOf(WorkspaceState ws, MemberState member) {
        java.util.Set<String> permissions = new java.util.TreeSet<>(storedRoleOf(ws, member).permissions());
        for (ActiveSession s : member.sessions().values()) {
            ws.role(s.effectiveRole()).ifPresent(r -> permissions.addAll(r.permissions()));
        }
        return new Role(String.valueOf(member.storedRole()), permissions);
    }

    /** G4: a {@link SessionEnded} ROLE_CHANGED for each open session whose effective role holds a permission {@code to} lacks. */
    static List<MemberEvent> endSessionsAbove(WorkspaceState ws, MemberState member, Role to, Actor actor, Instant now) {
        List<MemberEvent> events = new ArrayList<>();
        for (ActiveSession s : member.sessions().values()) {
            if (GrantRules.isDemotion(roleOrNothing(ws, s.effectiveRole()), to)) {
                events.add(new SessionEnded(s.sessionId(), SessionEndReason.ROLE_CHANGED, actor, now));
            }
        }
        return events;
    }

    /** The member's stored role. */
    private static Role storedRoleOf(WorkspaceState ws, MemberState member) {
        return roleOrNothing(ws, member.storedRole());
    }

    /** The role of that name; a name no longer defined grants nothing. */
    static Role roleOrNothing(WorkspaceState ws, String name) {
        return ws.role(name).orElse(new Role(String.valueOf(name), Set.of()));
    }

    static void requireNotMember(MemberState member) {
        if (member.isMember()) {
            throw conflict(ErrorCodes.MEMBER_EXISTS, "already a member of this workspace");
        }
    }

    static void requireMember(MemberState member) {
        if (!member.isMember()) {
            throw notFound(ErrorCodes.MEMBER_NOT_FOUND, "not a member of this workspace");
        }
    }

    private static void requireKeyAndEmail(String memberKey, String email) {
        if (memberKey == null || memberKey.isBlank() || email == null || email.isBlank()) {
            throw unprocessable(ErrorCodes.INVALID_MEMBER, "member key and e-mail are required");
        }
    }

    private static DomainException unknownRole(String role) {
        return unprocessable(ErrorCodes.UNKNOWN_ROLE, "role '" + role + "' does not exist");
    }
}
