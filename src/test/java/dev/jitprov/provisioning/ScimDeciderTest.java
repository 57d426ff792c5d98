package dev.jitprov.provisioning;

import static dev.jitprov.provisioning.Fixtures.NOW;
import static dev.jitprov.provisioning.Fixtures.sessionStarted;
import static dev.jitprov.provisioning.Fixtures.workspace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitprov.provisioning.DomainException.Kind;
import dev.jitprov.provisioning.MemberCommand.DeleteScimUser;
import dev.jitprov.provisioning.MemberCommand.ProvisionScimUser;
import dev.jitprov.provisioning.MemberCommand.RecomputeScimRole;
import dev.jitprov.provisioning.MemberCommand.UpdateScimUser;
import dev.jitprov.provisioning.MemberEvent.RoleChangeSkipped;
import dev.jitprov.provisioning.MemberEvent.RoleChanged;
import dev.jitprov.provisioning.MemberEvent.ScimProfileChanged;
import dev.jitprov.provisioning.MemberEvent.SessionEnded;
import dev.jitprov.provisioning.MemberEvent.UserDeactivated;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.MemberEvent.UserReactivated;
import dev.jitprov.provisioning.WorkspaceEvent.ScimEnabled;
import dev.jitprov.provisioning.WorkspaceEvent.ScimGroupCreated;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Issue 18: what SCIM does to a member's stream and to the workspace's groups, decided without I/O. */
@DisplayName("SCIM")
class ScimDeciderTest {

    private static final String BEA = "bea@acme.test";
    private static final Actor SCIM = Actor.scim("token-1");
    private static final ScimProfile PROFILE = new ScimProfile("Bea@Acme.test", "ext-1", "Bea", "Baker", null, "bea@acme.test", null, null);

    private final DeciderSpec<MemberDecider.Request, MemberState, MemberEvent> spec = new DeciderSpec<>(MemberDecider.DECIDER);
    private WorkspaceState ws = workspace(new ScimEnabled("Analyst", Map.of("Sales", "Marketer", "Leads", "Manager"), Fixtures.ADMIN, Fixtures.T0));
    private int otherActiveAdmins = 1;

    private List<MemberEvent> when(MemberCommand command) {
        return spec.when(new MemberDecider.Request(ws, command, otherActiveAdmins, NOW));
    }

    private String memberId() {
        return MemberKeys.memberId(ws.workspaceId(), BEA).toString();
    }

    private void inGroups(String... names) {
        List<WorkspaceEvent> events = new java.util.ArrayList<>();
        for (String name : names) {
            events.add(new ScimGroupCreated("g-" + name, name, null, Set.of(memberId()), SCIM, Fixtures.T0));
        }
        ws = WorkspaceDecider.DECIDER.fold(ws, events);
    }

    @Nested
    class WhenTheIdpCreatesAUser {

        @Test
        @DisplayName("POST /Users: a member of origin SCIM with the default role, then its profile")
        void createdWithTheDefaultRole() {
            when(new ProvisionScimUser(" Bea@Acme.test ", PROFILE, true, SCIM));

            spec.then(new UserProvisioned(BEA, "bea@acme.test", "Bea Baker", "Analyst", MemberOrigin.SCIM, false, "resolved", SCIM, NOW),
                    new ScimProfileChanged(PROFILE, SCIM, NOW));
            assertThat(spec.stateAfter().scim()).isEqualTo(PROFILE);
        }

        @Test
        @DisplayName("R5: the roles value is matched case-insensitively")
        void theRolesValueIsMatchedAsR5() {
            List<MemberEvent> events = when(new ProvisionScimUser(BEA, withRole("MANAGER"), true, SCIM));

            assertThat(((UserProvisioned) events.get(0)).role()).isEqualTo("Manager");
        }

        @Test
        @DisplayName("Group mappings win over the roles value; the mapped role with the most permissions wins")
        void theMostPrivilegedMappedGroupWins() {
            inGroups("Sales", "Leads", "Unmapped");

            List<MemberEvent> events = when(new ProvisionScimUser(BEA, withRole("Analyst"), true, SCIM));

            assertThat(((UserProvisioned) events.get(0)).role()).isEqualTo("Manager");
        }

        @Test
        @DisplayName("active:false at creation: created deactivated")
        void createdInactive() {
            List<MemberEvent> events = when(new ProvisionScimUser(BEA, PROFILE, false, SCIM));

            assertThat(events).last().isEqualTo(new UserDeactivated(SCIM, NOW));
            assertThat(spec.stateAfter().deactivated()).isTrue();
        }

        @Test
        @DisplayName("A member of that key already exists (any origin): refused, nothing is merged")
        void anExistingMemberIsNotMerged() {
            spec.given(Fixtures.invited("Analyst"));

            spec.thenRefused(new MemberDecider.Request(ws, new ProvisionScimUser(Fixtures.invited("Analyst").memberKey(), PROFILE, true, SCIM),
                    otherActiveAdmins, NOW), "member_exists", Kind.CONFLICT);
        }
    }

    @Nested
    class WhenTheIdpUpdatesAUser {

        @Test
        @DisplayName("active:false ends every session, then deactivates; active:true reactivates")
        void deactivationEndsSessions() {
            spec.given(scimMember("Analyst"), new ScimProfileChanged(PROFILE, SCIM, Fixtures.T0), sessionStarted("s1", "Analyst"));

            when(new UpdateScimUser(PROFILE, false, SCIM));
            spec.then(new SessionEnded("s1", SessionEndReason.MEMBER_DEACTIVATED, SCIM, NOW), new UserDeactivated(SCIM, NOW));

            spec.accept();
            when(new UpdateScimUser(PROFILE, true, SCIM));
            spec.then(new UserReactivated(SCIM, NOW));
        }

        @Test
        @DisplayName("A new roles value changes the stored role (source SCIM); a demotion ends the sessions above it (G4)")
        void aRoleChangeFromScim() {
            spec.given(scimMember("Manager"), sessionStarted("s1", "Manager"));

            when(new UpdateScimUser(withRole("Analyst"), true, SCIM));

            spec.then(new ScimProfileChanged(withRole("Analyst"), SCIM, NOW), new RoleChanged("Manager", "Analyst", RoleChangeSource.SCIM, SCIM, NOW),
                    new SessionEnded("s1", SessionEndReason.ROLE_CHANGED, SCIM, NOW));
        }

        @Test
        @DisplayName("R10: the last admin's demotion is skipped and audited; its deactivation and deletion are refused")
        void theLastAdminIsProtected() {
            spec.given(scimMember("Admin"));
            otherActiveAdmins = 0;

            when(new UpdateScimUser(withRole("Analyst"), true, SCIM));
            spec.then(new ScimProfileChanged(withRole("Analyst"), SCIM, NOW),
                    new RoleChangeSkipped("Analyst", "Admin", ErrorCodes.LAST_ADMIN_PROTECTED, SCIM, NOW));

            spec.thenRefused(new MemberDecider.Request(ws, new UpdateScimUser(withRole("Admin"), false, SCIM), 0, NOW),
                    "last_admin_protected", Kind.CONFLICT);
            spec.thenRefused(new MemberDecider.Request(ws, new DeleteScimUser(SCIM), 0, NOW), "last_admin_protected", Kind.CONFLICT);
        }

        @Test
        @DisplayName("userName is the member key and cannot change")
        void theUserNameCannotChange() {
            spec.given(scimMember("Analyst"));

            spec.thenRefused(new MemberDecider.Request(ws, new UpdateScimUser(new ScimProfile("someone@acme.test", null, null, null, null,
                    null, null, null), true, SCIM), 1, NOW), "user_name_immutable", Kind.INVALID);
        }

        @Test
        @DisplayName("A member of another origin keeps its role whatever SCIM sends")
        void anotherOriginKeepsItsRole() {
            spec.given(Fixtures.invited("Analyst"));
            String key = Fixtures.invited("Analyst").memberKey();

            when(new UpdateScimUser(new ScimProfile(key, null, null, null, null, null, "Admin", null), true, SCIM));

            assertThat(spec.stateAfter().storedRole()).isEqualTo("Analyst");
        }
    }

    @Nested
    class WhenAGroupChanges {

        @Test
        @DisplayName("Joining a mapped group recomputes the role; leaving it falls back to the roles value, then the default")
        void groupsDriveTheRole() {
            spec.given(scimMember("Analyst"));
            inGroups("Sales");

            when(new RecomputeScimRole(SCIM));
            spec.then(new RoleChanged("Analyst", "Marketer", RoleChangeSource.SCIM, SCIM, NOW));
        }

        @Test
        @DisplayName("DELETE /Users: sessions end, the member is deleted with reason SCIM")
        void deletion() {
            spec.given(scimMember("Analyst"), sessionStarted("s1", "Analyst"));

            when(new DeleteScimUser(SCIM));

            spec.then(new SessionEnded("s1", SessionEndReason.MEMBER_DELETED, SCIM, NOW), new UserDeleted(DeletionReason.SCIM, SCIM, NOW));
        }

        @Test
        @DisplayName("The workspace decider: a group name is unique (case-insensitive); a member leaves every group it is in")
        void groupNamesAreUniqueAndMembersLeave() {
            inGroups("Sales", "Leads");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> WorkspaceDecider.decide(ws,
                    new WorkspaceCommand.CreateScimGroup("g-2", "sales", null, Set.of(), SCIM), NOW))
                    .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo("group_exists"));
            List<WorkspaceEvent> left = WorkspaceDecider.decide(ws, new WorkspaceCommand.LeaveScimGroups(memberId(), SCIM), NOW);
            assertThat(left).hasSize(2).allSatisfy(e -> assertThat(((WorkspaceEvent.ScimGroupChanged) e).removed()).containsExactly(memberId()));
            assertThat(WorkspaceDecider.DECIDER.fold(ws, left).groupNamesOf(memberId())).isEmpty();
        }
    }

    private ScimProfile withRole(String role) {
        return new ScimProfile(PROFILE.userName(), PROFILE.externalId(), PROFILE.givenName(), PROFILE.familyName(), null, PROFILE.email(),
                role, null);
    }

    private MemberEvent scimMember(String role) {
        return new UserProvisioned(BEA, "bea@acme.test", "Bea Baker", role, MemberOrigin.SCIM, false, "resolved", SCIM, Fixtures.T0);
    }
}
