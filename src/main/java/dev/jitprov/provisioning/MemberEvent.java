package dev.jitprov.provisioning;

import java.time.Instant;

/**
 * Events of one member's stream ({@link MemberKeys#streamId(String, String)}). A stream may hold several lives
 * of the same member: after {@link UserDeleted} a new {@link UserProvisioned}, {@link UserInvited} or
 * {@link OwnerCreated} starts afresh (R12, R13). Each record has a stable, versioned {@code TYPE} name.
 */
public sealed interface MemberEvent {

    Actor actor();

    Instant at();

    /**
     * Created by JIT (or SCIM) at sign-in (R8).
     *
     * @param roleResolution {@code resolved}, {@code role_missing} or {@code role_unknown: <value>} (R7)
     */
    record UserProvisioned(String memberKey, String email, String displayName, String role, MemberOrigin origin,
            boolean temporary, String roleResolution, Actor actor, Instant at) implements MemberEvent {
        public static final String TYPE = "user.provisioned.v1";
    }

    /** Invited from the Members page (origin INVITE, never temporary). {@code displayName} is nullable. */
    record UserInvited(String memberKey, String email, String displayName, String role, Actor actor, Instant at)
            implements MemberEvent {
        public static final String TYPE = "user.invited.v1";
    }

    /** The workspace owner created by the operator (origin PASSWORD, break-glass password sign-in). */
    record OwnerCreated(String memberKey, String email, String role, Actor actor, Instant at) implements MemberEvent {
        public static final String TYPE = "owner.created.v1";
    }

    record RoleChanged(String from, String to, RoleChangeSource source, Actor actor, Instant at)
            implements MemberEvent {
        public static final String TYPE = "role.changed.v1";
    }

    /** An IdP role change that was not applied (R10); {@code reason} is {@code last_admin_protected}. */
    record RoleChangeSkipped(String attempted, String kept, String reason, Actor actor, Instant at)
            implements MemberEvent {
        public static final String TYPE = "role.change-skipped.v1";
    }

    /**
     * A session started; {@code effectiveRole} may differ from the stored role (R9).
     *
     * @param roleResolution {@code resolved}, {@code role_missing}, {@code role_unknown: <value>} for SAML
     *                       sign-ins with JIT enabled; {@code not_evaluated} when no role was read from the
     *                       IdP (JIT disabled, password sign-in)
     */
    record SessionStarted(String sessionId, String effectiveRole, Instant startedAt, Instant expiresAt,
            SignInMethod via, String roleResolution, Actor actor, Instant at) implements MemberEvent {
        public static final String TYPE = "session.started.v1";
    }

    record SessionEnded(String sessionId, SessionEndReason reason, Actor actor, Instant at) implements MemberEvent {
        public static final String TYPE = "session.ended.v1";
    }

    /** The member is gone; always preceded by a {@link SessionEnded} for each of its active sessions. */
    record UserDeleted(DeletionReason reason, Actor actor, Instant at) implements MemberEvent {
        public static final String TYPE = "user.deleted.v1";
    }

    /**
     * The member enrolled a TOTP authenticator (R14) with the first valid code; the pending session
     * {@code sessionId} became active. No secret, code or recovery code is ever part of an event.
     *
     * @param recoveryCodes how many one-time recovery codes were issued (shown once, stored hashed)
     */
    record TwoFactorEnrolled(String sessionId, int recoveryCodes, Actor actor, Instant at) implements MemberEvent {
        public static final String TYPE = "two-factor.enrolled.v1";
    }

    /** A valid second factor made the pending session {@code sessionId} active (R14). */
    record TwoFactorVerified(String sessionId, TwoFactorMethod method, Actor actor, Instant at) implements MemberEvent {
        public static final String TYPE = "two-factor.verified.v1";
    }

    /**
     * A second-factor attempt failed (R14).
     *
     * @param reason      {@code invalid_code} or {@code code_reused}
     * @param failures    consecutive failures of the member so far (kept through locks; only a valid factor resets it)
     * @param lockedUntil set when this failure locked the member's second factor; null otherwise
     */
    record TwoFactorFailed(String sessionId, String reason, int failures, Instant lockedUntil, Actor actor, Instant at)
            implements MemberEvent {
        public static final String TYPE = "two-factor.failed.v1";
    }

    /** A one-time recovery code was spent (it never works again); {@code remaining} codes are left. */
    record RecoveryCodeUsed(String sessionId, int remaining, Actor actor, Instant at) implements MemberEvent {
        public static final String TYPE = "two-factor.recovery-code-used.v1";
    }

    /**
     * A SCIM client created or changed the member's attributes (issue 18): the whole profile after the change. Follows
     * the {@link UserProvisioned} of a SCIM creation; the e-mail and display name it carries become the member's.
     */
    record ScimProfileChanged(ScimProfile profile, Actor actor, Instant at) implements MemberEvent {
        public static final String TYPE = "user.scim-profile-changed.v1";
    }

    /**
     * The IdP deactivated the member ({@code active:false}, issue 18): preceded by a {@link SessionEnded}
     * MEMBER_DEACTIVATED for each open session; no sign-in and no API token of the member works until
     * {@link UserReactivated}.
     */
    record UserDeactivated(Actor actor, Instant at) implements MemberEvent {
        public static final String TYPE = "user.deactivated.v1";
    }

    /** The IdP reactivated the member ({@code active:true}, issue 18). */
    record UserReactivated(Actor actor, Instant at) implements MemberEvent {
        public static final String TYPE = "user.reactivated.v1";
    }

    /**
     * The member chose whether it receives the mails about members created by JIT (R16; the member's own choice,
     * issue 21). Configuration and security mails cannot be turned off. A new life of the member starts with them on.
     */
    record NotificationPreferenceChanged(boolean newMemberMails, Actor actor, Instant at) implements MemberEvent {
        public static final String TYPE = "notification.preference-changed.v1";
    }
}
