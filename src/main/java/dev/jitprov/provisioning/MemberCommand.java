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

    /**
     * SCIM {@code POST /Users} (issue 18): a new member of origin SCIM, its role from its groups, its {@code roles}
     * value or the SCIM default role. An existing member of that key (any origin) is refused: the IdP matches by filter.
     */
    record ProvisionScimUser(String memberKey, ScimProfile profile, boolean active, Actor actor) implements MemberCommand {
    }

    /**
     * SCIM {@code PUT}/{@code PATCH /Users/{id}}: the member's profile and active flag after the change. A SCIM
     * member's role is recomputed; a member of another origin keeps its role.
     */
    record UpdateScimUser(ScimProfile profile, boolean active, Actor actor) implements MemberCommand {
    }

    /** A group the member is in changed: a SCIM member's role is recomputed (issue 18). */
    record RecomputeScimRole(Actor actor) implements MemberCommand {
    }

    /** SCIM {@code DELETE /Users/{id}}: the member, its sessions and its tokens are gone (issue 18). */
    record DeleteScimUser(Actor actor) implements MemberCommand {
    }

    /** A member turns its own new-member mails on or off (R16, issue 21); only ever on the caller's own stream. */
    record ChooseNewMemberMails(boolean newMemberMails, Actor actor) implements MemberCommand {
    }
}
