package dev.jitprov.provisioning;

import java.time.Duration;

/** Commands on one member's stream, decided by {@link MemberDecider}. */
public sealed interface MemberCommand {

    Actor actor();

    /** Members page "Invite" (R13). {@code displayName} is nullable; {@code grantor} may grant only what it holds. */
    record InviteMember(String memberKey, String email, String displayName, String role, Actor actor, Grantor grantor)
            implements MemberCommand {
    }

    /** The workspace owner (an {@code Admin}), created with the workspace by the operator. */
    record CreateOwner(String memberKey, String email, Actor actor) implements MemberCommand {
    }

    /** Members page "Update Role" (R13), within the grantor's own permissions, never on itself. */
    record ChangeRole(String role, Actor actor, Grantor grantor) implements MemberCommand {
    }

    /** Members page "Revoke Access": deletes the member and ends its sessions (R13); not above the grantor. */
    record RevokeAccess(Actor actor, Grantor grantor) implements MemberCommand {
    }

    /** Logout, force logout or expiry of one session (R12). */
    record EndSession(String sessionId, SessionEndReason reason, Actor actor) implements MemberCommand {
    }

    /**
     * The temporary-member deadline fired (R12). Only applies when {@code now >= createdAt + ttl} of the current
     * life, so a deadline left over from a previous life of the same stream does nothing.
     */
    record ExpireMember(Duration ttl, Actor actor) implements MemberCommand {
    }

    /** A member turns its own new-member mails on or off (R16, issue 21); only ever on the caller's own stream. */
    record ChooseNewMemberMails(boolean newMemberMails, Actor actor) implements MemberCommand {
    }
}
