package dev.jitprov.provisioning;

import dev.jitprov.provisioning.MemberEvent.NotificationPreferenceChanged;
import dev.jitprov.provisioning.MemberEvent.OwnerCreated;
import dev.jitprov.provisioning.MemberEvent.RoleChangeSkipped;
import dev.jitprov.provisioning.MemberEvent.RoleChanged;
import dev.jitprov.provisioning.MemberEvent.SessionEnded;
import dev.jitprov.provisioning.MemberEvent.SessionStarted;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.provisioning.MemberEvent.UserInvited;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One member, rebuilt by folding its stream. Immutable. {@code exists} is true while the member is a member;
 * after {@link UserDeleted} it is false and {@code deleted} is true, and the next creation event starts a new
 * life (R12, R13). The identity fields of the last life are kept after deletion (for audit).
 *
 * @param sessions       active sessions by id, in start order
 * @param newMemberMails whether the member wants the mails about members created by JIT (R16); on in each new life
 * @param deactivated    the IdP deactivated the member through SCIM (issue 18): it exists but cannot sign in
 * @param scim           the attributes a SCIM client manages; null until a SCIM client wrote the member
 * @param version        number of events folded (expected version of the next append)
 */
public record MemberState(
        boolean exists,
        boolean deleted,
        String memberKey,
        String email,
        String displayName,
        String storedRole,
        MemberOrigin origin,
        boolean temporary,
        Instant createdAt,
        Instant lastSignInAt,
        Map<String, ActiveSession> sessions,
        boolean newMemberMails,
        boolean deactivated,
        ScimProfile scim,
        long version) {

    /** An active session of the member. */
    public record ActiveSession(String sessionId, String effectiveRole, Instant startedAt, Instant expiresAt) {
    }

    public MemberState {
        sessions = Collections.unmodifiableMap(new LinkedHashMap<>(sessions));
    }

    public static MemberState initial() {
        return new MemberState(false, false, null, null, null, null, null, false, null, null, Map.of(), true, false, null, 0);
    }

    public static MemberState fold(List<? extends MemberEvent> events) {
        return fold(initial(), events);
    }

    public static MemberState fold(MemberState state, List<? extends MemberEvent> events) {
        MemberState s = state;
        for (MemberEvent e : events) {
            s = evolve(s, e);
        }
        return s;
    }

    public static MemberState evolve(MemberState s, MemberEvent event) {
        long v = s.version + 1;
        if (event instanceof UserProvisioned e) {
            return born(e.memberKey(), e.email(), e.displayName(), e.role(), e.origin(), e.temporary(), e.at(), v);
        }
        if (event instanceof UserInvited e) {
            return born(e.memberKey(), e.email(), e.displayName(), e.role(), MemberOrigin.INVITE, false, e.at(), v);
        }
        if (event instanceof OwnerCreated e) {
            return born(e.memberKey(), e.email(), null, e.role(), MemberOrigin.PASSWORD, false, e.at(), v);
        }
        if (event instanceof RoleChanged e) {
            return new MemberState(s.exists, s.deleted, s.memberKey, s.email, s.displayName, e.to(), s.origin,
                    s.temporary, s.createdAt, s.lastSignInAt, s.sessions, s.newMemberMails, s.deactivated, s.scim, v);
        }
        if (event instanceof SessionStarted e) {
            Map<String, ActiveSession> sessions = new LinkedHashMap<>(s.sessions);
            sessions.put(e.sessionId(), new ActiveSession(e.sessionId(), e.effectiveRole(), e.startedAt(),
                    e.expiresAt()));
            return new MemberState(s.exists, s.deleted, s.memberKey, s.email, s.displayName, s.storedRole, s.origin,
                    s.temporary, s.createdAt, e.startedAt(), sessions, s.newMemberMails, s.deactivated, s.scim, v);
        }
        if (event instanceof SessionEnded e) {
            Map<String, ActiveSession> sessions = new LinkedHashMap<>(s.sessions);
            sessions.remove(e.sessionId());
            return s.withSessions(sessions, v);
        }
        if (event instanceof NotificationPreferenceChanged e) {
            return new MemberState(s.exists, s.deleted, s.memberKey, s.email, s.displayName, s.storedRole, s.origin,
                    s.temporary, s.createdAt, s.lastSignInAt, s.sessions, e.newMemberMails(), s.deactivated, s.scim, v);
        }
        if (event instanceof MemberEvent.ScimProfileChanged e) {
            ScimProfile p = e.profile();
            String email = p.email() == null || p.email().isBlank() ? s.email : p.email().strip();
            String shown = p.shownName() == null ? s.displayName : p.shownName();
            return new MemberState(s.exists, s.deleted, s.memberKey, email, shown, s.storedRole, s.origin,
                    s.temporary, s.createdAt, s.lastSignInAt, s.sessions, s.newMemberMails, s.deactivated, p, v);
        }
        if (event instanceof MemberEvent.UserDeactivated || event instanceof MemberEvent.UserReactivated) {
            return new MemberState(s.exists, s.deleted, s.memberKey, s.email, s.displayName, s.storedRole, s.origin,
                    s.temporary, s.createdAt, s.lastSignInAt, s.sessions, s.newMemberMails,
                    event instanceof MemberEvent.UserDeactivated, s.scim, v);
        }
        if (event instanceof RoleChangeSkipped || event instanceof MemberEvent.TwoFactorEnrolled
                || event instanceof MemberEvent.TwoFactorVerified || event instanceof MemberEvent.TwoFactorFailed
                || event instanceof MemberEvent.RecoveryCodeUsed) {
            // Audit facts: a skipped change changes nothing; the second factor's own state is kept beside the log (R14).
            return s.withSessions(s.sessions, v);
        }
        if (event instanceof UserDeleted) {
            return new MemberState(false, true, s.memberKey, s.email, s.displayName, s.storedRole, s.origin,
                    s.temporary, s.createdAt, s.lastSignInAt, Map.of(), s.newMemberMails, false, s.scim, v);
        }
        throw new IllegalArgumentException("unknown member event " + event);
    }

    private MemberState withSessions(Map<String, ActiveSession> newSessions, long v) {
        return new MemberState(exists, deleted, memberKey, email, displayName, storedRole, origin, temporary, createdAt,
                lastSignInAt, newSessions, newMemberMails, deactivated, scim, v);
    }

    private static MemberState born(String key, String email, String displayName, String role, MemberOrigin origin,
            boolean temporary, Instant at, long v) {
        return new MemberState(true, false, key, email, displayName, role, origin, temporary, at, null, Map.of(), true,
                false, null, v);
    }

    // ---- queries ----

    public boolean isMember() {
        return exists;
    }

    public Optional<ActiveSession> session(String sessionId) {
        return Optional.ofNullable(sessions.get(sessionId));
    }

    public boolean hasActiveSessions() {
        return !sessions.isEmpty();
    }

    /** Whether the stored role grants {@code security-settings:manage} in this workspace (R10). */
    public boolean isAdminIn(WorkspaceState workspace) {
        return exists && workspace.isAdminRole(storedRole);
    }
}
