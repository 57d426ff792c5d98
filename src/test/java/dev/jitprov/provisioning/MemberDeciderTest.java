package dev.jitprov.provisioning;

import static dev.jitprov.provisioning.Fixtures.ADMIN;
import static dev.jitprov.provisioning.Fixtures.ANN;
import static dev.jitprov.provisioning.Fixtures.EXPIRER;
import static dev.jitprov.provisioning.Fixtures.NOW;
import static dev.jitprov.provisioning.Fixtures.OPERATOR;
import static dev.jitprov.provisioning.Fixtures.OWNER;
import static dev.jitprov.provisioning.Fixtures.T0;
import static dev.jitprov.provisioning.Fixtures.USER;
import static dev.jitprov.provisioning.Fixtures.invited;
import static dev.jitprov.provisioning.Fixtures.jit;
import static dev.jitprov.provisioning.Fixtures.owner;
import static dev.jitprov.provisioning.Fixtures.provisioned;
import static dev.jitprov.provisioning.Fixtures.sessionStarted;
import static dev.jitprov.provisioning.Fixtures.workspace;
import static dev.jitprov.provisioning.Fixtures.workspaceWithJit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitprov.provisioning.DomainException.Kind;
import dev.jitprov.provisioning.MemberCommand.ChangeRole;
import dev.jitprov.provisioning.MemberCommand.CreateOwner;
import dev.jitprov.provisioning.MemberCommand.EndSession;
import dev.jitprov.provisioning.MemberCommand.ExpireMember;
import dev.jitprov.provisioning.MemberCommand.InviteMember;
import dev.jitprov.provisioning.MemberCommand.RevokeAccess;
import dev.jitprov.provisioning.MemberEvent.OwnerCreated;
import dev.jitprov.provisioning.MemberEvent.RoleChanged;
import dev.jitprov.provisioning.MemberEvent.SessionEnded;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.provisioning.MemberEvent.UserInvited;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningDisabled;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Members")
class MemberDeciderTest {

    private static final Duration TTL = Duration.ofHours(24);

    private WorkspaceState ws = workspaceWithJit(jit("Analyst"));
    private final DeciderSpec<MemberDecider.Request, MemberState, MemberEvent> spec = new DeciderSpec<>(MemberDecider.DECIDER);
    private int otherActiveAdmins = 1;

    private void given(MemberEvent... events) {
        spec.given(events);
    }

    private void when(MemberCommand command) {
        when(command, NOW);
    }

    private void when(MemberCommand command, java.time.Instant at) {
        spec.when(new MemberDecider.Request(ws, command, otherActiveAdmins, at));
    }

    private void then(MemberEvent... expected) {
        spec.then(expected);
    }

    private void thenRefused(MemberCommand command, String code, Kind kind) {
        spec.thenRefused(new MemberDecider.Request(ws, command, otherActiveAdmins, NOW), code, kind);
    }

    private MemberState memberAfter() {
        return spec.stateAfter();
    }

    @Nested
    class WhenInvitingAMember {

        @Test
        @DisplayName("R13: Invite creates a member of origin INVITE")
        void r13_invite() {
            when(new InviteMember(" Ann@Acme.test ", "Ann@Acme.test", "Ann", "marketer", ADMIN, OWNER));

            then(new UserInvited(ANN, "Ann@Acme.test", "Ann", "Marketer", ADMIN, NOW));
            assertThat(memberAfter().origin()).isEqualTo(MemberOrigin.INVITE);
            assertThat(memberAfter().temporary()).isFalse();
        }

        @Test
        void anExistingMemberCannotBeInvited() {
            given(provisioned("Analyst", false));

            thenRefused(new InviteMember(ANN, ANN, "Ann", "Analyst", ADMIN, OWNER), "member_exists", Kind.CONFLICT);
        }

        @Test
        void anUnknownRoleIsRefused() {
            thenRefused(new InviteMember(ANN, ANN, "Ann", "Superuser", ADMIN, OWNER), "unknown_role", Kind.UNPROCESSABLE);
        }

        @Test
        void theOwnerIsAnAdminWithOriginPassword() {
            when(new CreateOwner(ANN, ANN, OPERATOR));

            then(new OwnerCreated(ANN, ANN, "Admin", OPERATOR, NOW));
            assertThat(memberAfter().origin()).isEqualTo(MemberOrigin.PASSWORD);
        }
    }

    /** docs/security.md G1 and G4: grants cannot be climbed, demotions end sessions. */
    @Nested
    class WhenAManagerGrants {

        private final Grantor manager = new Grantor("manager@acme.test", BuiltInRoles.MANAGER.permissions());
        private final Actor managerActor = Actor.admin("manager@acme.test");

        @Test
        @DisplayName("G1: a Manager cannot invite an Admin (role_exceeds_caller), but can invite a Marketer")
        void g1_inviteWithinOwnPermissionsOnly() {
            thenRefused(new InviteMember(ANN, ANN, "Ann", "Admin", managerActor, manager), "role_exceeds_caller", Kind.FORBIDDEN);

            when(new InviteMember(ANN, ANN, "Ann", "Marketer", managerActor, manager));

            assertThat(memberAfter().storedRole()).isEqualTo("Marketer");
        }

        @Test
        @DisplayName("G1: a Manager cannot promote an Analyst to Admin")
        void g1_promotionBeyondOwnPermissionsRefused() {
            given(invited("Analyst"));

            thenRefused(new ChangeRole("Admin", managerActor, manager), "role_exceeds_caller", Kind.FORBIDDEN);
        }

        @Test
        @DisplayName("G1: nobody changes their own role, not even an Admin")
        void g1_ownRoleChangeRefused() {
            given(invited("Manager"));

            thenRefused(new ChangeRole("Admin", Actor.admin(ANN), new Grantor(ANN, BuiltInRoles.MANAGER.permissions())),
                    "own_role_change", Kind.FORBIDDEN);
            thenRefused(new ChangeRole("Analyst", Actor.admin(ANN), new Grantor(ANN, Permissions.ALL)), "own_role_change", Kind.FORBIDDEN);
        }

        @Test
        @DisplayName("G1: a Manager can neither demote nor revoke an Admin (member_exceeds_caller)")
        void g1_membersAboveTheGrantorAreOutOfReach() {
            given(owner());

            thenRefused(new ChangeRole("Analyst", managerActor, manager), "member_exceeds_caller", Kind.FORBIDDEN);
            thenRefused(new RevokeAccess(managerActor, manager), "member_exceeds_caller", Kind.FORBIDDEN);
        }

        @Test
        @DisplayName("G4: a demotion ends every open session of the member with ROLE_CHANGED")
        void g4_demotionEndsSessions() {
            given(owner(), sessionStarted("s1", "Admin"), sessionStarted("s2", "Admin"));

            when(new ChangeRole("Analyst", ADMIN, OWNER));

            then(new RoleChanged("Admin", "Analyst", RoleChangeSource.ADMIN, ADMIN, NOW),
                    new SessionEnded("s1", SessionEndReason.ROLE_CHANGED, ADMIN, NOW),
                    new SessionEnded("s2", SessionEndReason.ROLE_CHANGED, ADMIN, NOW));
            assertThat(memberAfter().sessions()).isEmpty();
        }

        @Test
        @DisplayName("G4: a promotion keeps the open sessions")
        void g4_promotionKeepsSessions() {
            given(invited("Analyst"), sessionStarted("s1", "Analyst"));

            when(new ChangeRole("Manager", ADMIN, OWNER));

            then(new RoleChanged("Analyst", "Manager", RoleChangeSource.ADMIN, ADMIN, NOW));
        }
    }

    @Nested
    class WhenAnAdminChangesARole {

        @Test
        @DisplayName("R13: Update Role records RoleChanged with source ADMIN")
        void r13_updateRole() {
            given(invited("Analyst"));

            when(new ChangeRole("Manager", ADMIN, OWNER));

            then(new RoleChanged("Analyst", "Manager", RoleChangeSource.ADMIN, ADMIN, NOW));
            assertThat(memberAfter().storedRole()).isEqualTo("Manager");
        }

        @Test
        void theSameRoleChangesNothing() {
            given(invited("Analyst"));

            when(new ChangeRole("Analyst", ADMIN, OWNER));

            then();
        }

        @Test
        void unknownRoleAndUnknownMemberAreRefused() {
            thenRefused(new ChangeRole("Manager", ADMIN, OWNER), "member_not_found", Kind.NOT_FOUND);
            given(invited("Analyst"));
            thenRefused(new ChangeRole("Superuser", ADMIN, OWNER), "unknown_role", Kind.UNPROCESSABLE);
        }

        @Test
        @DisplayName("R10: demoting the last admin is refused with last_admin_protected")
        void r10_lastAdminDemotionRefused() {
            given(owner());
            otherActiveAdmins = 0;

            thenRefused(new ChangeRole("Manager", ADMIN, OWNER), "last_admin_protected", Kind.CONFLICT);
        }

        @Test
        @DisplayName("R10: demoting an admin is allowed when another admin exists")
        void r10_demotionAllowedWithAnotherAdmin() {
            given(owner());

            when(new ChangeRole("Manager", ADMIN, OWNER));

            then(new RoleChanged("Admin", "Manager", RoleChangeSource.ADMIN, ADMIN, NOW));
        }

        @Test
        @DisplayName("R13: the console warns that the IdP overrides the role of a JIT member when update is ON")
        void r13_warningForJitMember() {
            given(provisioned("Analyst", false));

            assertThat(RoleChangeWarning.idpWillOverride(ws, spec.stateNow())).isTrue();
        }

        @Test
        @DisplayName("R13: no warning for an invited member, with update OFF, or with JIT disabled")
        void r13_noWarningOtherwise() {
            MemberState invitedMember = MemberState.fold(List.of(invited("Analyst")));
            MemberState jitMember = MemberState.fold(List.of(provisioned("Analyst", false)));

            assertThat(RoleChangeWarning.idpWillOverride(ws, invitedMember)).isFalse();
            assertThat(RoleChangeWarning.idpWillOverride(workspaceWithJit(ProvisioningConfig.jit("Analyst", false, false)),
                    jitMember)).isFalse();
            assertThat(RoleChangeWarning.idpWillOverride(workspace(), jitMember)).isFalse();
        }
    }

    @Nested
    class WhenAccessIsRevoked {

        @Test
        @DisplayName("R13: Revoke Access ends every session and deletes the member")
        void r13_revokeEndsSessionsAndDeletes() {
            given(invited("Analyst"), sessionStarted("s-1", "Analyst"), sessionStarted("s-2", "Analyst"));

            when(new RevokeAccess(ADMIN, OWNER));

            then(new SessionEnded("s-1", SessionEndReason.ACCESS_REVOKED, ADMIN, NOW),
                    new SessionEnded("s-2", SessionEndReason.ACCESS_REVOKED, ADMIN, NOW),
                    new UserDeleted(DeletionReason.ACCESS_REVOKED, ADMIN, NOW));
            MemberState m = memberAfter();
            assertThat(m.isMember()).isFalse();
            assertThat(m.deleted()).isTrue();
            assertThat(m.sessions()).isEmpty();
        }

        @Test
        @DisplayName("R10: revoking the last admin is refused with last_admin_protected")
        void r10_revokingLastAdminRefused() {
            given(owner());
            otherActiveAdmins = 0;

            thenRefused(new RevokeAccess(ADMIN, OWNER), "last_admin_protected", Kind.CONFLICT);
        }

        @Test
        void revokingANonMemberIsNotFound() {
            thenRefused(new RevokeAccess(ADMIN, OWNER), "member_not_found", Kind.NOT_FOUND);
            given(invited("Analyst"), new UserDeleted(DeletionReason.ACCESS_REVOKED, ADMIN, T0));
            thenRefused(new RevokeAccess(ADMIN, OWNER), "member_not_found", Kind.NOT_FOUND);
        }
    }

    @Nested
    class WhenATemporaryMembersSessionEnds {

        @Test
        @DisplayName("R12: logout deletes a temporary member and ends its other sessions")
        void r12_logoutDeletesTemporaryMember() {
            given(provisioned("Marketer", true), sessionStarted("s-1", "Marketer"), sessionStarted("s-2", "Marketer"));

            when(new EndSession("s-1", SessionEndReason.LOGOUT, USER));

            then(new SessionEnded("s-1", SessionEndReason.LOGOUT, USER, NOW),
                    new SessionEnded("s-2", SessionEndReason.MEMBER_DELETED, USER, NOW),
                    new UserDeleted(DeletionReason.SESSION_ENDED, USER, NOW));
            assertThat(memberAfter().isMember()).isFalse();
        }

        @Test
        @DisplayName("R12: force logout and session expiry delete a temporary member too")
        void r12_forceLogoutAndExpiry() {
            given(provisioned("Marketer", true), sessionStarted("s-1", "Marketer"));

            when(new EndSession("s-1", SessionEndReason.FORCE_LOGOUT, ADMIN));
            then(new SessionEnded("s-1", SessionEndReason.FORCE_LOGOUT, ADMIN, NOW),
                    new UserDeleted(DeletionReason.SESSION_ENDED, ADMIN, NOW));

            when(new EndSession("s-1", SessionEndReason.EXPIRED, EXPIRER));
            then(new SessionEnded("s-1", SessionEndReason.EXPIRED, EXPIRER, NOW),
                    new UserDeleted(DeletionReason.SESSION_ENDED, EXPIRER, NOW));
        }

        @Test
        @DisplayName("R10/R12: a temporary admin is deleted at session end even if it is the last admin")
        void r12_temporaryLastAdminStillDeleted() {
            given(provisioned("Admin", true), sessionStarted("s-1", "Admin"));
            otherActiveAdmins = 0;

            when(new EndSession("s-1", SessionEndReason.LOGOUT, USER));

            then(new SessionEnded("s-1", SessionEndReason.LOGOUT, USER, NOW),
                    new UserDeleted(DeletionReason.SESSION_ENDED, USER, NOW));
        }

        @Test
        @DisplayName("R12: an unknown or already ended session is not found")
        void r12_unknownSession() {
            given(provisioned("Marketer", true), sessionStarted("s-1", "Marketer"),
                    new SessionEnded("s-1", SessionEndReason.LOGOUT, USER, T0));

            thenRefused(new EndSession("s-1", SessionEndReason.LOGOUT, USER), "session_not_found", Kind.NOT_FOUND);
            thenRefused(new EndSession("s-9", SessionEndReason.LOGOUT, USER), "session_not_found", Kind.NOT_FOUND);
        }

        @Test
        void consequencesCannotBeRequestedAsReasons() {
            given(provisioned("Marketer", true), sessionStarted("s-1", "Marketer"));

            thenRefused(new EndSession("s-1", SessionEndReason.MEMBER_DELETED, USER), "invalid_session_end_reason",
                    Kind.UNPROCESSABLE);
        }
    }

    @Nested
    class WhenANonTemporaryMembersSessionEnds {

        @Test
        @DisplayName("R12: a non-temporary member's logout just ends that session")
        void r12_nonTemporaryJustEndsSession() {
            given(provisioned("Marketer", false), sessionStarted("s-1", "Marketer"), sessionStarted("s-2", "Marketer"));

            when(new EndSession("s-1", SessionEndReason.LOGOUT, USER));

            then(new SessionEnded("s-1", SessionEndReason.LOGOUT, USER, NOW));
            MemberState m = memberAfter();
            assertThat(m.isMember()).isTrue();
            assertThat(m.sessions()).containsOnlyKeys("s-2");
        }
    }

    @Nested
    class WhenTheTemporaryMembersTtlPasses {

        @Test
        @DisplayName("R12: 24 hours after creation a temporary member is deleted and its sessions end")
        void r12_ttlDeletesTemporaryMember() {
            given(provisioned("Marketer", true), sessionStarted("s-1", "Marketer"));

            when(new ExpireMember(TTL, EXPIRER), T0.plus(TTL));

            then(new SessionEnded("s-1", SessionEndReason.MEMBER_DELETED, EXPIRER, T0.plus(TTL)),
                    new UserDeleted(DeletionReason.TTL_EXPIRED, EXPIRER, T0.plus(TTL)));
        }

        @Test
        @DisplayName("R12: before the TTL nothing happens (a stale deadline of an earlier life is harmless)")
        void r12_beforeTtlNothing() {
            given(provisioned("Marketer", true));

            when(new ExpireMember(TTL, EXPIRER), T0.plus(TTL).minusSeconds(1));

            then();
        }

        @Test
        @DisplayName("R12: non-temporary and deleted members are not expired")
        void r12_nonTemporaryOrDeletedNotExpired() {
            given(provisioned("Marketer", false));
            when(new ExpireMember(TTL, EXPIRER), T0.plus(TTL));
            then();

            spec.forget();
            given(provisioned("Marketer", true), new UserDeleted(DeletionReason.SESSION_ENDED, USER, T0));
            when(new ExpireMember(TTL, EXPIRER), T0.plus(TTL));
            then();
        }
    }

    @Nested
    class WhenJitHasBeenDisabled {

        @Test
        @DisplayName("R18: temporary members keep their lifecycle after JIT is disabled")
        void r18_temporaryLifecycleUnchanged() {
            ws = workspace(Fixtures.jitEnabled(jit("Analyst")), new ProvisioningDisabled(jit("Analyst"), ADMIN, T0));
            given(provisioned("Marketer", true), sessionStarted("s-1", "Marketer"));

            when(new EndSession("s-1", SessionEndReason.LOGOUT, USER));
            then(new SessionEnded("s-1", SessionEndReason.LOGOUT, USER, NOW),
                    new UserDeleted(DeletionReason.SESSION_ENDED, USER, NOW));

            when(new ExpireMember(TTL, EXPIRER), T0.plus(TTL));
            then(new SessionEnded("s-1", SessionEndReason.MEMBER_DELETED, EXPIRER, T0.plus(TTL)),
                    new UserDeleted(DeletionReason.TTL_EXPIRED, EXPIRER, T0.plus(TTL)));
        }
    }

    /** Issue 21: each member's own choice of new-member mails (R16). */
    @Nested
    class WhenAMemberChoosesItsMails {

        @Test
        @DisplayName("R16: a member turns its new-member mails off and back on; asking for what it already has changes nothing")
        void r16_newMemberMailsOffAndOn() {
            given(invited("Admin"));
            assertThat(spec.stateNow().newMemberMails()).as("on by default").isTrue();

            when(new MemberCommand.ChooseNewMemberMails(false, USER));
            then(new MemberEvent.NotificationPreferenceChanged(false, USER, NOW));
            spec.accept();
            assertThat(spec.stateNow().newMemberMails()).isFalse();

            when(new MemberCommand.ChooseNewMemberMails(false, USER));
            then();
            when(new MemberCommand.ChooseNewMemberMails(true, USER));
            then(new MemberEvent.NotificationPreferenceChanged(true, USER, NOW));
        }

        @Test
        @DisplayName("R16: a new life of the member starts with new-member mails on")
        void r16_aNewLifeStartsWithMailsOn() {
            given(invited("Admin"), new MemberEvent.NotificationPreferenceChanged(false, USER, T0),
                    new UserDeleted(DeletionReason.ACCESS_REVOKED, ADMIN, T0));

            when(new InviteMember(ANN, ANN, "Ann", "Admin", ADMIN, OWNER));

            assertThat(memberAfter().newMemberMails()).isTrue();
        }

        @Test
        void someoneWhoIsNotAMemberHasNoPreferences() {
            thenRefused(new MemberCommand.ChooseNewMemberMails(false, USER), "member_not_found", Kind.NOT_FOUND);
        }
    }

    @Nested
    class WhenAMemberIsDeletedAndComesBack {

        @Test
        @DisplayName("R12/R13: after deletion the same stream accepts a new invitation")
        void r13_reinviteAfterRevoke() {
            given(invited("Analyst"), new UserDeleted(DeletionReason.ACCESS_REVOKED, ADMIN, T0));

            when(new InviteMember(ANN, ANN, "Ann", "Manager", ADMIN, OWNER));

            then(new UserInvited(ANN, ANN, "Ann", "Manager", ADMIN, NOW));
            MemberState m = memberAfter();
            assertThat(m.isMember()).isTrue();
            assertThat(m.storedRole()).isEqualTo("Manager");
            assertThat(m.version()).isEqualTo(3);
        }
    }

    @Nested
    class StreamIds {

        @Test
        void memberKeysAreNormalizedAndStreamIdsNamed() {
            assertThat(MemberKeys.normalize("  Ann@ACME.test ")).isEqualTo(ANN);
            assertThat(MemberKeys.streamId("acme", ANN)).isEqualTo("member-acme/ann@acme.test");
            assertThat(WorkspaceState.streamId("acme")).isEqualTo("workspace-acme");
        }

        @Test
        @DisplayName("G7: workspace a-b with key c and workspace a with key b-c are two streams")
        void g7_streamIdsAreUnambiguousAcrossWorkspaces() {
            assertThat(MemberKeys.streamId("a-b", "c")).isNotEqualTo(MemberKeys.streamId("a", "b-c"));
            assertThat(WorkspaceState.streamId("acme")).isEqualTo("workspace-acme");
        }
    }
}
