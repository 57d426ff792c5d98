package dev.jitprov.provisioning;

import static dev.jitprov.provisioning.Fixtures.ADMIN;
import static dev.jitprov.provisioning.Fixtures.NOW;
import static dev.jitprov.provisioning.Fixtures.OPERATOR;
import static dev.jitprov.provisioning.Fixtures.T0;
import static dev.jitprov.provisioning.Fixtures.customRole;
import static dev.jitprov.provisioning.Fixtures.jit;
import static dev.jitprov.provisioning.Fixtures.jitEnabled;
import static dev.jitprov.provisioning.Fixtures.scimEnabled;
import static dev.jitprov.provisioning.Fixtures.sso;
import static dev.jitprov.provisioning.Fixtures.ssoConfigured;
import static dev.jitprov.provisioning.Fixtures.workspaceCreated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jitprov.provisioning.DomainException.Kind;
import dev.jitprov.provisioning.WorkspaceCommand.ChangeSecuritySettings;
import dev.jitprov.provisioning.WorkspaceCommand.ConfigureSso;
import dev.jitprov.provisioning.WorkspaceCommand.CreateWorkspace;
import dev.jitprov.provisioning.WorkspaceCommand.DefineRole;
import dev.jitprov.provisioning.WorkspaceCommand.DisableProvisioning;
import dev.jitprov.provisioning.WorkspaceCommand.DisableScim;
import dev.jitprov.provisioning.WorkspaceCommand.EnableJit;
import dev.jitprov.provisioning.WorkspaceCommand.EnableScim;
import dev.jitprov.provisioning.WorkspaceCommand.RemoveRole;
import dev.jitprov.provisioning.WorkspaceCommand.UpdateJit;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningDisabled;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningEnabled;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningUpdated;
import dev.jitprov.provisioning.WorkspaceEvent.RoleDefined;
import dev.jitprov.provisioning.WorkspaceEvent.RoleRemoved;
import dev.jitprov.provisioning.WorkspaceEvent.ScimDisabled;
import dev.jitprov.provisioning.WorkspaceEvent.ScimEnabled;
import dev.jitprov.provisioning.WorkspaceEvent.SecuritySettingsChanged;
import dev.jitprov.provisioning.WorkspaceEvent.SsoConfigured;
import dev.jitprov.provisioning.WorkspaceEvent.WorkspaceCreated;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Workspace configuration")
class WorkspaceDeciderTest {

    private final DeciderSpec<WorkspaceDecider.Request, WorkspaceState, WorkspaceEvent> spec = new DeciderSpec<>(WorkspaceDecider.DECIDER);

    private void given(WorkspaceEvent... events) {
        spec.given(events);
    }

    private void given(List<WorkspaceEvent> events) {
        spec.given(events);
    }

    private void when(WorkspaceCommand command) {
        spec.when(new WorkspaceDecider.Request(command, NOW));
    }

    private void then(WorkspaceEvent... expected) {
        spec.then(expected);
    }

    private void thenRefused(WorkspaceCommand command, String code, Kind kind) {
        spec.thenRefused(new WorkspaceDecider.Request(command, NOW), code, kind);
    }

    private WorkspaceState stateAfter() {
        return spec.stateAfter();
    }

    @Nested
    class WhenCreatingAWorkspace {

        @Test
        void createsTheWorkspaceWithTheFourBuiltInRoles() {
            when(new CreateWorkspace("acme", "Acme", "owner@acme.test", OPERATOR));

            assertThat(spec.decided().get(0)).isEqualTo(new WorkspaceCreated("acme", "Acme", NOW, "owner@acme.test", OPERATOR, NOW));
            assertThat(spec.decided()).hasSize(5);
            WorkspaceState state = stateAfter();
            assertThat(state.allRoles()).extracting(Role::name).containsExactly("Admin", "Manager", "Marketer", "Analyst");
            assertThat(state.role("Admin")).get().extracting(Role::permissions).isEqualTo(Permissions.ALL);
            assertThat(state.role("Analyst")).get().extracting(Role::permissions).isEqualTo(Set.of("reports:view"));
            assertThat(state.jitEnabled()).isFalse();
            assertThat(state.provisioning().method()).isEqualTo(ProvisioningMethod.NONE);
            assertThat(state.version()).isEqualTo(5);
        }

        @Test
        void refusesASecondCreation() {
            given(workspaceCreated());

            thenRefused(new CreateWorkspace("acme", "Acme", "owner@acme.test", OPERATOR), "workspace_exists", Kind.CONFLICT);
        }

        @Test
        void commandsOnAMissingWorkspaceAreRefused() {
            thenRefused(new EnableScim(null, null, ADMIN), "workspace_not_found", Kind.NOT_FOUND);
        }
    }

    @Nested
    class WhenEnablingJit {

        @Test
        @DisplayName("R1: refused with sso_not_configured when SSO is not configured")
        void r1_refusedWithoutSso() {
            given(workspaceCreated());

            thenRefused(new EnableJit(jit("Analyst"), ADMIN), "sso_not_configured", Kind.CONFLICT);
        }

        @Test
        @DisplayName("R1: refused with sso_not_configured when SSO is configured but inactive")
        void r1_refusedWithInactiveSso() {
            given(workspaceCreated());
            given(ssoConfigured(false));

            thenRefused(new EnableJit(jit("Analyst"), ADMIN), "sso_not_configured", Kind.CONFLICT);
        }

        @Test
        @DisplayName("R1: enabled when SSO is configured and active")
        void r1_enabledWithActiveSso() {
            given(workspaceCreated());
            given(ssoConfigured(true));

            when(new EnableJit(jit("Analyst"), ADMIN));

            then(new ProvisioningEnabled(jit("Analyst"), ADMIN, NOW));
            assertThat(stateAfter().jitEnabled()).isTrue();
        }

        @Test
        @DisplayName("R2: refused with scim_enabled (disable SCIM first) while SCIM is enabled")
        void r2_refusedWhileScimIsEnabled() {
            given(workspaceCreated());
            given(ssoConfigured(true), scimEnabled());

            thenRefused(new EnableJit(jit("Analyst"), ADMIN), "scim_enabled", Kind.CONFLICT);
            assertThatThrownBy(() -> WorkspaceDecider.DECIDER.decide(new WorkspaceDecider.Request(new EnableJit(jit("Analyst"), ADMIN), NOW), spec.stateNow()))
                    .hasMessage("disable SCIM first");
        }

        @Test
        @DisplayName("R3: refused with 422 unknown_default_role when the default role does not exist")
        void r3_refusedWithUnknownDefaultRole() {
            given(workspaceCreated());
            given(ssoConfigured(true));

            thenRefused(new EnableJit(jit("Intern"), ADMIN), "unknown_default_role", Kind.UNPROCESSABLE);
            thenRefused(new EnableJit(jit(null), ADMIN), "unknown_default_role", Kind.UNPROCESSABLE);
        }

        @Test
        @DisplayName("R3: a custom role can be the default role")
        void r3_customDefaultRole() {
            given(workspaceCreated());
            given(ssoConfigured(true), customRole("Intern", "reports:view"));

            when(new EnableJit(jit("Intern"), ADMIN));

            then(new ProvisioningEnabled(jit("Intern"), ADMIN, NOW));
        }

        @Test
        @DisplayName("R3: refused with 422 unknown_mapped_role when a mapping targets a missing role")
        void r3_refusedWithUnknownMappingTarget() {
            given(workspaceCreated());
            given(ssoConfigured(true));

            ProvisioningConfig config = jit("Analyst").withRoleMappings(Map.of("grp-admins", "Superuser"));
            thenRefused(new EnableJit(config, ADMIN), "unknown_mapped_role", Kind.UNPROCESSABLE);
        }

        @Test
        @DisplayName("R3: role names are stored with their canonical spelling")
        void r3_roleNamesAreCanonical() {
            given(workspaceCreated());
            given(ssoConfigured(true));

            when(new EnableJit(jit("analyst").withRoleMappings(Map.of("grp-admins", "admin")), ADMIN));

            then(new ProvisioningEnabled(jit("Analyst").withRoleMappings(Map.of("grp-admins", "Admin")), ADMIN, NOW));
        }
    }

    @Nested
    class WhenJitIsEnabled {

        @BeforeEach
        void givenJit() {
            given(workspaceCreated());
            given(ssoConfigured(true), jitEnabled(jit("Analyst")));
        }

        @Test
        @DisplayName("R2: enabling SCIM is refused with jit_enabled (disable JIT first)")
        void r2_enablingScimIsRefused() {
            thenRefused(new EnableScim(null, null, ADMIN), "jit_enabled", Kind.CONFLICT);
        }

        @Test
        @DisplayName("R3: updating to an unknown default role is refused")
        void r3_updateToUnknownDefaultRoleIsRefused() {
            thenRefused(new UpdateJit(jit("Intern"), ADMIN), "unknown_default_role", Kind.UNPROCESSABLE);
        }

        @Test
        @DisplayName("R3: the default role cannot be removed")
        void r3_removingTheDefaultRoleIsRefused() {
            given(customRole("Intern", "reports:view"));
            given(new ProvisioningUpdated(jit("Analyst"), jit("Intern"), ADMIN, T0));

            thenRefused(new RemoveRole("Intern", 0, ADMIN), "role_in_use", Kind.CONFLICT);
        }

        @Test
        @DisplayName("R3: another custom role can be removed")
        void r3_removingAnotherCustomRoleIsAllowed() {
            given(customRole("Intern", "reports:view"));

            when(new RemoveRole("Intern", 0, ADMIN));

            then(new RoleRemoved("Intern", ADMIN, NOW));
            assertThat(stateAfter().role("Intern")).isEmpty();
        }

        @Test
        @DisplayName("R17: an update records before and after")
        void updateRecordsBeforeAndAfter() {
            ProvisioningConfig after = jit("Marketer").withStrictRole(true);

            when(new UpdateJit(after, ADMIN));

            then(new ProvisioningUpdated(jit("Analyst"), after, ADMIN, NOW));
            assertThat(stateAfter().provisioning()).isEqualTo(after);
        }

        @Test
        void anUpdateEqualToTheCurrentConfigurationChangesNothing() {
            when(new UpdateJit(jit("Analyst"), ADMIN));

            then();
        }

        @Test
        @DisplayName("R1: an update is refused once SSO has been deactivated")
        void r1_updateRefusedWhenSsoInactive() {
            given(new SsoConfigured(sso(true), sso(false), ADMIN, T0));

            thenRefused(new UpdateJit(jit("Marketer"), ADMIN), "sso_not_configured", Kind.CONFLICT);
        }

        @Test
        @DisplayName("R18: disabling emits ProvisioningDisabled with the configuration in force")
        void r18_disableRecordsTheConfigurationInForce() {
            when(new DisableProvisioning(ADMIN));

            then(new ProvisioningDisabled(jit("Analyst"), ADMIN, NOW));
            WorkspaceState state = stateAfter();
            assertThat(state.jitEnabled()).isFalse();
            assertThat(state.provisioning().method()).isEqualTo(ProvisioningMethod.NONE);
            assertThat(state.allRoles()).hasSize(4);
            assertThat(state.ssoActive()).isTrue();
        }

        @Test
        @DisplayName("A custom role still held by members cannot be removed")
        void aRoleHeldByMembersIsNotRemoved() {
            given(customRole("Intern", "reports:view"));

            thenRefused(new RemoveRole("Intern", 2, ADMIN), "role_in_use", Kind.CONFLICT);
        }

        @Test
        @DisplayName("R3: once JIT is disabled, the former default role can be removed")
        void r3_formerDefaultRoleRemovableAfterDisable() {
            given(customRole("Intern", "reports:view"));
            given(new ProvisioningUpdated(jit("Analyst"), jit("Intern"), ADMIN, T0));
            given(new ProvisioningDisabled(jit("Intern"), ADMIN, T0));

            when(new RemoveRole("Intern", 0, ADMIN));

            then(new RoleRemoved("Intern", ADMIN, NOW));
        }
    }

    @Nested
    @DisplayName("R17: API tokens are audited")
    class ApiTokens {

        @BeforeEach
        void givenWorkspace() {
            given(workspaceCreated());
        }

        @Test
        void creatingATokenIsAnEventWithoutItsSecretAndChangesNoConfiguration() {
            WorkspaceState before = spec.stateNow();

            when(new WorkspaceCommand.CreateApiToken("7c1f0b2e-0000-4000-8000-000000000001", " ci bot ", "ann@example.com", ADMIN));

            then(new WorkspaceEvent.ApiTokenCreated("7c1f0b2e-0000-4000-8000-000000000001", "ci bot", "ann@example.com", ADMIN, NOW));
            WorkspaceState after = stateAfter();
            assertThat(after.roles()).isEqualTo(before.roles());
            assertThat(after.provisioning()).isEqualTo(before.provisioning());
        }

        @Test
        void aTokenWithoutANameIsRefused() {
            thenRefused(new WorkspaceCommand.CreateApiToken("7c1f0b2e-0000-4000-8000-000000000001", " ", "ann@example.com", ADMIN),
                    ErrorCodes.INVALID_TOKEN_NAME, Kind.UNPROCESSABLE);
        }

        @Test
        void revokingATokenIsAnEvent() {
            when(new WorkspaceCommand.RevokeApiToken("7c1f0b2e-0000-4000-8000-000000000001", "ci bot", "revoked_by_admin", ADMIN));

            then(new WorkspaceEvent.ApiTokenRevoked("7c1f0b2e-0000-4000-8000-000000000001", "ci bot", "revoked_by_admin", ADMIN, NOW));
        }
    }

    @Nested
    class WhenScimIsEnabled {

        @BeforeEach
        void givenScim() {
            given(workspaceCreated());
            given(ssoConfigured(true), scimEnabled());
        }

        @Test
        void enablingScimAgainChangesNothing() {
            when(new EnableScim(null, null, ADMIN));

            then();
        }

        @Test
        @DisplayName("R2: after disabling SCIM, JIT can be enabled")
        void r2_jitAfterScimDisabled() {
            given(new ScimDisabled(ADMIN, T0));

            when(new EnableJit(jit("Analyst"), ADMIN));

            then(new ProvisioningEnabled(jit("Analyst"), ADMIN, NOW));
        }

        @Test
        void disableProvisioningDisablesScim() {
            when(new DisableProvisioning(ADMIN));

            then(new ScimDisabled(ADMIN, NOW));
            assertThat(stateAfter().scimEnabled()).isFalse();
        }
    }

    @Nested
    class WhenNothingIsEnabled {

        @BeforeEach
        void givenWorkspace() {
            given(workspaceCreated());
        }

        @Test
        void disablingChangesNothing() {
            when(new DisableProvisioning(ADMIN));

            then();
        }

        @Test
        void updatingJitIsRefused() {
            given(ssoConfigured(true));

            thenRefused(new UpdateJit(jit("Analyst"), ADMIN), "jit_not_enabled", Kind.CONFLICT);
        }

        @Test
        void disablingScimChangesNothing() {
            when(new DisableScim(ADMIN));

            then();
        }

        @Test
        void enablingScimWorksWithoutSso() {
            when(new EnableScim(null, null, ADMIN));

            then(new ScimEnabled("Analyst", java.util.Map.of(), ADMIN, NOW));
            assertThat(stateAfter().provisioning().method()).isEqualTo(ProvisioningMethod.SCIM);
        }
    }

    @Nested
    class WhenManagingRoles {

        @BeforeEach
        void givenWorkspace() {
            given(workspaceCreated());
        }

        @Test
        void definesACustomRole() {
            when(new DefineRole(" Intern ", Set.of("reports:view", "content:edit"), ADMIN));

            then(new RoleDefined("Intern", Set.of("reports:view", "content:edit"), false, ADMIN, NOW));
        }

        @Test
        void roleNamesAreUniqueIgnoringCase() {
            thenRefused(new DefineRole("admin", Set.of("reports:view"), ADMIN), "role_exists", Kind.CONFLICT);
        }

        @Test
        void blankNamesAndUnknownPermissionsAreRefused() {
            thenRefused(new DefineRole(" ", Set.of("reports:view"), ADMIN), "invalid_role", Kind.UNPROCESSABLE);
            thenRefused(new DefineRole("Intern", Set.of("coffee:make"), ADMIN), "invalid_role", Kind.UNPROCESSABLE);
        }

        @Test
        void builtInRolesCannotBeRemoved() {
            thenRefused(new RemoveRole("Analyst", 0, ADMIN), "builtin_role", Kind.CONFLICT);
        }

        @Test
        void removingAnUnknownRoleIsNotFound() {
            thenRefused(new RemoveRole("Intern", 0, ADMIN), "role_not_found", Kind.NOT_FOUND);
        }
    }

    @Nested
    class WhenConfiguringSsoAndSecurity {

        @BeforeEach
        void givenWorkspace() {
            given(workspaceCreated());
        }

        @Test
        void firstSsoConfigurationHasNoBefore() {
            when(new ConfigureSso(sso(true), ADMIN));

            then(new SsoConfigured(null, sso(true), ADMIN, NOW));
            assertThat(stateAfter().ssoActive()).isTrue();
        }

        @Test
        void ssoNeedsAnEntityIdAndACertificate() {
            SsoSettings noCert = new SsoSettings("https://idp", List.of(), null, null, true, false);
            thenRefused(new ConfigureSso(noCert, ADMIN), "invalid_sso_settings", Kind.UNPROCESSABLE);
        }

        @Test
        void unchangedSsoChangesNothing() {
            given(ssoConfigured(true));

            when(new ConfigureSso(sso(true), ADMIN));

            then();
        }

        @Test
        void securitySettingsChangeRecordsBeforeAndAfter() {
            SecuritySettings after = new SecuritySettings(true, List.of("10.0.0.0/8", "2001:db8::/32"));

            when(new ChangeSecuritySettings(after, ADMIN));

            then(new SecuritySettingsChanged(SecuritySettings.defaults(), after, ADMIN, NOW));
            assertThat(stateAfter().security()).isEqualTo(after);
        }

        @Test
        void unchangedSecuritySettingsChangeNothing() {
            when(new ChangeSecuritySettings(SecuritySettings.defaults(), ADMIN));

            then();
        }
    }
}
