package dev.jitprov.provisioning;

import static dev.jitprov.provisioning.Fixtures.IDP;
import static dev.jitprov.provisioning.Fixtures.NOW;
import static dev.jitprov.provisioning.Fixtures.SESSION;
import static dev.jitprov.provisioning.Fixtures.T0;
import static dev.jitprov.provisioning.Fixtures.ANN;
import static dev.jitprov.provisioning.Fixtures.ADMIN;
import static dev.jitprov.provisioning.Fixtures.invited;
import static dev.jitprov.provisioning.Fixtures.jit;
import static dev.jitprov.provisioning.Fixtures.noAttributes;
import static dev.jitprov.provisioning.Fixtures.owner;
import static dev.jitprov.provisioning.Fixtures.provisioned;
import static dev.jitprov.provisioning.Fixtures.roleAttribute;
import static dev.jitprov.provisioning.Fixtures.sessionAt;
import static dev.jitprov.provisioning.Fixtures.signIn;
import static dev.jitprov.provisioning.Fixtures.workspace;
import static dev.jitprov.provisioning.Fixtures.workspaceWithJit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitprov.provisioning.MemberEvent.RoleChangeSkipped;
import dev.jitprov.provisioning.MemberEvent.RoleChanged;
import dev.jitprov.provisioning.MemberEvent.SessionStarted;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.SignInOutcome.Accepted;
import dev.jitprov.provisioning.SignInOutcome.Rejected;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningDisabled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Sign-in")
class SignInDeciderTest {

    private WorkspaceState ws;
    private final List<MemberEvent> history = new ArrayList<>();
    private int otherActiveAdmins = 1;
    private SignInOutcome outcome;

    private void given(WorkspaceState workspace, MemberEvent... memberEvents) {
        ws = workspace;
        history.addAll(Arrays.asList(memberEvents));
    }

    private void when(SignIn signIn) {
        outcome = SignInDecider.decide(ws, MemberState.fold(history), signIn, otherActiveAdmins);
    }

    private void then(String effectiveRole, MemberEvent... events) {
        assertThat(outcome).isInstanceOfSatisfying(Accepted.class, a -> {
            assertThat(a.events()).containsExactly(events);
            assertThat(a.effectiveRole()).isEqualTo(effectiveRole);
        });
    }

    private void thenRejected(String code) {
        assertThat(outcome).isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.code()).isEqualTo(code));
    }

    private MemberState memberAfter() {
        List<MemberEvent> all = new ArrayList<>(history);
        all.addAll(((Accepted) outcome).events());
        return MemberState.fold(all);
    }

    private static UserProvisioned provisionedNow(String role, boolean temporary, String resolution) {
        return new UserProvisioned(ANN, ANN, "Ann", role, MemberOrigin.JIT, temporary, resolution, IDP, NOW);
    }

    @Nested
    class WhenJitIsEnabledAndTheMemberIsUnknown {

        @Test
        @DisplayName("R8: first sign-in provisions the member with the IdP role and starts the session")
        void r8_firstSignInProvisionsMemberWithIdpRole() {
            given(workspaceWithJit(jit("Analyst")));

            when(signIn(roleAttribute("Marketer")));

            then("Marketer",
                    provisionedNow("Marketer", false, "resolved"),
                    sessionAt("s-2", "Marketer", "resolved"));
            assertThat(((Accepted) outcome).provisioned()).isTrue();
            MemberState m = memberAfter();
            assertThat(m.isMember()).isTrue();
            assertThat(m.origin()).isEqualTo(MemberOrigin.JIT);
            assertThat(m.storedRole()).isEqualTo("Marketer");
            assertThat(m.session("s-2")).get().extracting(MemberState.ActiveSession::expiresAt).isEqualTo(NOW.plus(SESSION));
        }

        @Test
        @DisplayName("R8: temporary = delete at the end of the session")
        void r8_temporaryFollowsDeleteAtSessionEnd() {
            given(workspaceWithJit(ProvisioningConfig.jit("Analyst", false, true)));

            when(signIn(roleAttribute("Marketer")));

            then("Marketer",
                    provisionedNow("Marketer", true, "resolved"),
                    sessionAt("s-2", "Marketer", "resolved"));
            assertThat(memberAfter().temporary()).isTrue();
        }

        @Test
        @DisplayName("R7: a missing role provisions with the default role and says role_missing")
        void r7_missingRoleUsesDefault() {
            given(workspaceWithJit(jit("Analyst")));

            when(signIn(noAttributes()));

            then("Analyst",
                    provisionedNow("Analyst", false, "role_missing"),
                    sessionAt("s-2", "Analyst", "role_missing"));
        }

        @Test
        @DisplayName("R7: an unknown role provisions with the default role and says role_unknown: <value>")
        void r7_unknownRoleUsesDefault() {
            given(workspaceWithJit(jit("Analyst")));

            when(signIn(roleAttribute("Superuser")));

            then("Analyst",
                    provisionedNow("Analyst", false, "role_unknown: Superuser"),
                    sessionAt("s-2", "Analyst", "role_unknown: Superuser"));
        }

        @Test
        @DisplayName("R7: with strict role on, a missing role is refused (role_missing)")
        void r7_strictRefusesMissing() {
            given(workspaceWithJit(jit("Analyst").withStrictRole(true)));

            when(signIn(noAttributes()));

            thenRejected("role_missing");
        }

        @Test
        @DisplayName("R7: with strict role on, an unknown role is refused (role_unknown)")
        void r7_strictRefusesUnknown() {
            given(workspaceWithJit(jit("Analyst").withStrictRole(true)));

            when(signIn(roleAttribute("Superuser")));

            thenRejected("role_unknown");
            assertThat(((Rejected) outcome).toEvent(ANN, "_r1", "https://idp.acme.test", NOW))
                    .isEqualTo(new LoginRejected("role_unknown", "role_unknown: Superuser (strict role is on)", ANN, "_r1",
                            "https://idp.acme.test", NOW));
        }

        @Test
        @DisplayName("R6: the mapping table applies at provisioning (grp-admins -> Admin)")
        void r6_mappingAtProvisioning() {
            given(workspaceWithJit(jit("Analyst").withRoleMappings(Map.of("grp-admins", "Admin"))));

            when(signIn(roleAttribute("grp-users", "grp-admins")));

            // FIRST: grp-users is first and unknown
            then("Analyst",
                    provisionedNow("Analyst", false, "role_unknown: grp-users"),
                    sessionAt("s-2", "Analyst", "role_unknown: grp-users"));
        }
    }

    @Nested
    class WhenJitIsEnabledAndUpdateUserRoleIsOn {

        @Test
        @DisplayName("R9 ON: the stored role becomes the IdP role (RoleChanged, source IDP)")
        void r9_onChangesStoredRole() {
            given(workspaceWithJit(jit("Analyst")), provisioned("Analyst", false), sessionAt("s-1", "Analyst", "resolved"));

            when(signIn(roleAttribute("Marketer")));

            then("Marketer",
                    new RoleChanged("Analyst", "Marketer", RoleChangeSource.IDP, IDP, NOW),
                    sessionAt("s-2", "Marketer", "resolved"));
            assertThat(memberAfter().storedRole()).isEqualTo("Marketer");
            assertThat(((Accepted) outcome).provisioned()).isFalse();
        }

        @Test
        @DisplayName("R9 ON: no RoleChanged when the IdP role equals the stored role")
        void r9_onSameRoleNoEvent() {
            given(workspaceWithJit(jit("Analyst")), provisioned("Marketer", false));

            when(signIn(roleAttribute("marketer")));

            then("Marketer", sessionAt("s-2", "Marketer", "resolved"));
        }

        @Test
        @DisplayName("R9 ON: an unresolved role never changes the stored role; the session uses it")
        void r9_onUnresolvedKeepsStoredRole() {
            given(workspaceWithJit(jit("Analyst")), provisioned("Marketer", false));

            when(signIn(roleAttribute("Superuser")));

            then("Marketer", sessionAt("s-2", "Marketer", "role_unknown: Superuser"));
        }

        @Test
        @DisplayName("R7: strict role also refuses an existing member whose role does not resolve")
        void r7_strictRefusesExistingMember() {
            given(workspaceWithJit(jit("Analyst").withStrictRole(true)), provisioned("Marketer", false));

            when(signIn(noAttributes()));

            thenRejected("role_missing");
        }

        @Test
        @DisplayName("R10: an IdP demotion of the last admin is skipped (last_admin_protected), session keeps Admin")
        void r10_lastAdminDemotionSkipped() {
            given(workspaceWithJit(jit("Analyst")), provisioned("Admin", false));
            otherActiveAdmins = 0;

            when(signIn(roleAttribute("Analyst")));

            then("Admin",
                    new RoleChangeSkipped("Analyst", "Admin", "last_admin_protected", IDP, NOW),
                    sessionAt("s-2", "Admin", "resolved"));
            assertThat(memberAfter().storedRole()).isEqualTo("Admin");
        }

        @Test
        @DisplayName("R10: the demotion applies when another active admin exists")
        void r10_demotionAllowedWithAnotherAdmin() {
            given(workspaceWithJit(jit("Analyst")), provisioned("Admin", false));
            otherActiveAdmins = 1;

            when(signIn(roleAttribute("Analyst")));

            then("Analyst",
                    new RoleChanged("Admin", "Analyst", RoleChangeSource.IDP, IDP, NOW),
                    sessionAt("s-2", "Analyst", "resolved"));
        }

        @Test
        @DisplayName("R10: a change between two admin roles is not a demotion")
        void r10_adminToAdminAllowed() {
            given(workspaceWithJit(jit("Analyst"), Fixtures.customRole("Root", Permissions.ALL.toArray(String[]::new))),
                    provisioned("Admin", false));
            otherActiveAdmins = 0;

            when(signIn(roleAttribute("Root")));

            then("Root",
                    new RoleChanged("Admin", "Root", RoleChangeSource.IDP, IDP, NOW),
                    sessionAt("s-2", "Root", "resolved"));
        }
    }

    @Nested
    class WhenJitIsEnabledAndUpdateUserRoleIsOff {

        private final ProvisioningConfig off = ProvisioningConfig.jit("Analyst", false, false);

        @Test
        @DisplayName("R9 OFF: the stored role is unchanged and the session carries the IdP role")
        void r9_offSessionCarriesIdpRole() {
            given(workspaceWithJit(off), provisioned("Analyst", false));

            when(signIn(roleAttribute("Marketer")));

            then("Marketer", sessionAt("s-2", "Marketer", "resolved"));
            assertThat(memberAfter().storedRole()).isEqualTo("Analyst");
            assertThat(memberAfter().session("s-2")).get().extracting(MemberState.ActiveSession::effectiveRole)
                    .isEqualTo("Marketer");
        }

        @Test
        @DisplayName("R9 OFF: when no role resolves the session uses the stored role")
        void r9_offUnresolvedUsesStoredRole() {
            given(workspaceWithJit(off), provisioned("Manager", false));

            when(signIn(noAttributes()));

            then("Manager", sessionAt("s-2", "Manager", "role_missing"));
        }
    }

    @Nested
    class WhenTheMemberWasInvitedOrCreatedOtherwise {

        @Test
        @DisplayName("R13: an invited member signing in follows R9 (role updated from the IdP)")
        void r13_invitedMemberFollowsR9() {
            given(workspaceWithJit(jit("Analyst")), invited("Analyst"));

            when(signIn(roleAttribute("Manager")));

            then("Manager",
                    new RoleChanged("Analyst", "Manager", RoleChangeSource.IDP, IDP, NOW),
                    sessionAt("s-2", "Manager", "resolved"));
            assertThat(memberAfter().origin()).isEqualTo(MemberOrigin.INVITE);
        }

        @Test
        @DisplayName("R13: a SCIM member keeps its data; its role follows R9")
        void r13_scimMemberFollowsR9() {
            UserProvisioned byScim = new UserProvisioned(ANN, ANN, "Ann Scim", "Analyst", MemberOrigin.SCIM, false,
                    "resolved", Actor.system("scim"), T0);
            given(workspaceWithJit(ProvisioningConfig.jit("Analyst", false, false)), byScim);

            when(signIn(roleAttribute("Marketer")));

            then("Marketer", sessionAt("s-2", "Marketer", "resolved"));
            assertThat(memberAfter().displayName()).isEqualTo("Ann Scim");
            assertThat(memberAfter().storedRole()).isEqualTo("Analyst");
        }

        @Test
        @DisplayName("R10/R13: the owner (PASSWORD) is protected from an IdP demotion when it is the last admin")
        void r13_ownerProtected() {
            given(workspaceWithJit(jit("Analyst")), owner());
            otherActiveAdmins = 0;

            when(signIn(roleAttribute("Marketer")));

            then("Admin",
                    new RoleChangeSkipped("Marketer", "Admin", "last_admin_protected", IDP, NOW),
                    sessionAt("s-2", "Admin", "resolved"));
        }
    }

    @Nested
    class WhenJitIsNotEnabled {

        @Test
        @DisplayName("R11: an unknown member is refused with unknown_user")
        void r11_unknownMemberRefused() {
            given(workspace());

            when(signIn(roleAttribute("Marketer")));

            thenRejected("unknown_user");
        }

        @Test
        @DisplayName("R11: with SCIM enabled, an unknown member is refused with unknown_user")
        void r11_unknownMemberRefusedUnderScim() {
            given(workspace(Fixtures.scimEnabled()));

            when(signIn(roleAttribute("Marketer")));

            thenRejected("unknown_user");
        }

        @Test
        @DisplayName("R11: an existing member still signs in, with the stored role and no role update")
        void r11_existingMemberSignsInWithStoredRole() {
            given(workspace(), invited("Analyst"));

            when(signIn(roleAttribute("Admin")));

            then("Analyst", sessionAt("s-2", "Analyst", "not_evaluated"));
        }
    }

    @Nested
    class WhenJitHasBeenDisabled {

        private WorkspaceState disabled() {
            return workspace(Fixtures.jitEnabled(jit("Analyst")),
                    new ProvisioningDisabled(jit("Analyst"), ADMIN, T0));
        }

        @Test
        @DisplayName("R18: a member provisioned by JIT before still signs in with the stored role")
        void r18_existingMemberSignsIn() {
            given(disabled(), provisioned("Marketer", false));

            when(signIn(roleAttribute("Admin")));

            then("Marketer", sessionAt("s-2", "Marketer", "not_evaluated"));
        }

        @Test
        @DisplayName("R18: an unknown member is refused (unknown_user)")
        void r18_unknownRefused() {
            given(disabled());

            when(signIn(roleAttribute("Marketer")));

            thenRejected("unknown_user");
        }
    }

    @Nested
    class WhenAMemberWasDeleted {

        @Test
        @DisplayName("R12/R13: a later sign-in provisions it afresh on the same stream")
        void r12_reprovisionAfterDelete() {
            given(workspaceWithJit(ProvisioningConfig.jit("Analyst", true, true)),
                    provisioned("Marketer", true),
                    sessionAt("s-1", "Marketer", "resolved"),
                    new MemberEvent.SessionEnded("s-1", SessionEndReason.LOGOUT, Fixtures.USER, T0),
                    new UserDeleted(DeletionReason.SESSION_ENDED, Fixtures.USER, T0));

            when(signIn(roleAttribute("Analyst")));

            then("Analyst",
                    provisionedNow("Analyst", true, "resolved"),
                    sessionAt("s-2", "Analyst", "resolved"));
            assertThat(((Accepted) outcome).provisioned()).isTrue();
            MemberState m = memberAfter();
            assertThat(m.isMember()).isTrue();
            assertThat(m.deleted()).isFalse();
            assertThat(m.createdAt()).isEqualTo(NOW);
            assertThat(m.sessions()).containsOnlyKeys("s-2");
            assertThat(m.version()).isEqualTo(6);
        }

        @Test
        @DisplayName("R11/R18: with JIT disabled, a deleted member is unknown and refused")
        void r11_deletedMemberRefusedWithoutJit() {
            given(workspace(), provisioned("Marketer", true), new UserDeleted(DeletionReason.TTL_EXPIRED, Fixtures.EXPIRER, T0));

            when(signIn(roleAttribute("Marketer")));

            thenRejected("unknown_user");
        }
    }

    @Nested
    class WhenSigningInWithAPassword {

        @Test
        void theOwnerSignsInWithItsStoredRoleWhateverTheProvisioningMethod() {
            SignInOutcome o = SignInDecider.decidePasswordSignIn(MemberState.fold(List.of(owner())), "s-9", NOW, SESSION,
                    Actor.user(ANN));

            assertThat(o).isEqualTo(new Accepted(List.of(new SessionStarted("s-9", "Admin", NOW, NOW.plus(SESSION),
                    SignInMethod.PASSWORD, "not_evaluated", Actor.user(ANN), NOW)), "Admin", false));
        }

        @Test
        void anUnknownMemberIsRefused() {
            assertThat(SignInDecider.decidePasswordSignIn(MemberState.initial(), "s-9", NOW, SESSION, Actor.user(ANN)))
                    .isInstanceOf(Rejected.class);
        }
    }
}
