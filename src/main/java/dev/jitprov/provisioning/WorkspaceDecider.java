package dev.jitprov.provisioning;

import static dev.jitprov.provisioning.DomainException.conflict;
import static dev.jitprov.provisioning.DomainException.notFound;
import static dev.jitprov.provisioning.DomainException.unprocessable;

import dev.jitprov.provisioning.WorkspaceCommand.ChangeSecuritySettings;
import dev.jitprov.provisioning.WorkspaceCommand.ConfigureSso;
import dev.jitprov.provisioning.WorkspaceCommand.CreateWorkspace;
import dev.jitprov.provisioning.WorkspaceCommand.DefineRole;
import dev.jitprov.provisioning.WorkspaceCommand.DisableProvisioning;
import dev.jitprov.provisioning.WorkspaceCommand.DisableScim;
import dev.jitprov.provisioning.WorkspaceCommand.EnableJit;
import dev.jitprov.provisioning.WorkspaceCommand.CreateApiToken;
import dev.jitprov.provisioning.WorkspaceCommand.EnableScim;
import dev.jitprov.provisioning.WorkspaceCommand.RevokeApiToken;
import dev.jitprov.provisioning.WorkspaceCommand.RemoveRole;
import dev.jitprov.provisioning.WorkspaceCommand.UpdateJit;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningDisabled;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningEnabled;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningUpdated;
import dev.jitprov.provisioning.WorkspaceEvent.RoleDefined;
import dev.jitprov.provisioning.WorkspaceEvent.RoleRemoved;
import dev.jitprov.provisioning.WorkspaceEvent.ScimDisabled;
import dev.jitprov.provisioning.WorkspaceEvent.ApiTokenCreated;
import dev.jitprov.provisioning.WorkspaceEvent.ApiTokenRevoked;
import dev.jitprov.provisioning.WorkspaceEvent.ScimEnabled;
import dev.jitprov.provisioning.WorkspaceEvent.SecuritySettingsChanged;
import dev.jitprov.provisioning.WorkspaceEvent.SsoConfigured;
import dev.jitprov.provisioning.WorkspaceEvent.WorkspaceCreated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides the workspace configuration commands: {@code decide(state, command, now) -> events}. Returns an empty
 * list when the command changes nothing; throws {@link DomainException} when it is refused (nothing changes).
 * Authorization (R4) is the caller's job.
 */
public final class WorkspaceDecider {

    private WorkspaceDecider() {
    }

    /** A workspace command at a moment: what {@link #DECIDER} decides on. */
    public record Request(WorkspaceCommand command, Instant now) {
    }

    /** The workspace stream's decider: {@link WorkspaceState} folded from {@link WorkspaceEvent}s. */
    public static final Decider<Request, WorkspaceState, WorkspaceEvent> DECIDER = new Decider<>() {
        @Override
        public WorkspaceState initialState() {
            return WorkspaceState.initial();
        }

        @Override
        public List<WorkspaceEvent> decide(Request request, WorkspaceState state) {
            return WorkspaceDecider.decide(state, request.command(), request.now());
        }

        @Override
        public WorkspaceState evolve(WorkspaceState state, WorkspaceEvent event) {
            return WorkspaceState.evolve(state, event);
        }
    };

    public static List<WorkspaceEvent> decide(WorkspaceState state, WorkspaceCommand command, Instant now) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(now, "now");
        if (command instanceof CreateWorkspace c) {
            return createWorkspace(state, c, now);
        }
        if (!state.exists()) {
            throw notFound(ErrorCodes.WORKSPACE_NOT_FOUND, "workspace does not exist");
        }
        Actor actor = command.actor();
        if (command instanceof DefineRole c) {
            return defineRole(state, c, now);
        }
        if (command instanceof RemoveRole c) {
            return removeRole(state, c, now);
        }
        if (command instanceof ConfigureSso c) {
            return configureSso(state, c, now);
        }
        if (command instanceof EnableJit c) {
            return enableJit(state, c.config(), actor, now);
        }
        if (command instanceof UpdateJit c) {
            if (!state.jitEnabled()) {
                throw conflict(ErrorCodes.JIT_NOT_ENABLED, "JIT provisioning is not enabled");
            }
            return enableJit(state, c.config(), actor, now);
        }
        if (command instanceof DisableProvisioning) {
            if (state.jitEnabled()) {
                return List.of(new ProvisioningDisabled(state.provisioning(), actor, now));
            }
            if (state.scimEnabled()) {
                return List.of(new ScimDisabled(actor, now));
            }
            return List.of();
        }
        if (command instanceof EnableScim c) {
            return ScimWorkspace.enable(state, c, now);
        }
        if (command instanceof WorkspaceCommand.CreateScimToken c) {
            return ScimWorkspace.createToken(state, c, now);
        }
        if (command instanceof WorkspaceCommand.CreateScimGroup c) {
            return ScimWorkspace.createGroup(state, c, now);
        }
        if (command instanceof WorkspaceCommand.ReplaceScimGroup c) {
            return ScimWorkspace.replaceGroup(state, c, now);
        }
        if (command instanceof WorkspaceCommand.DeleteScimGroup c) {
            return ScimWorkspace.deleteGroup(state, c, now);
        }
        if (command instanceof WorkspaceCommand.LeaveScimGroups c) {
            return ScimWorkspace.leaveGroups(state, c, now);
        }
        if (command instanceof DisableScim) {
            return state.scimEnabled() ? List.of(new ScimDisabled(actor, now)) : List.of();
        }
        if (command instanceof ChangeSecuritySettings c) {
            SecuritySettings after = c.settings() == null ? SecuritySettings.defaults() : c.settings();
            return after.equals(state.security()) ? List.of()
                    : List.of(new SecuritySettingsChanged(state.security(), after, actor, now));
        }
        if (command instanceof CreateApiToken c) {
            if (isBlank(c.tokenId()) || isBlank(c.name()) || isBlank(c.actsAs())) {
                throw unprocessable(ErrorCodes.INVALID_TOKEN_NAME, "token id, name and owner are required");
            }
            return List.of(new ApiTokenCreated(c.tokenId(), c.name().strip(), c.actsAs(), actor, now));
        }
        if (command instanceof RevokeApiToken c) {
            return List.of(new ApiTokenRevoked(c.tokenId(), c.name(), c.reason(), actor, now));
        }
        throw new IllegalArgumentException("unknown workspace command " + command);
    }

    private static List<WorkspaceEvent> createWorkspace(WorkspaceState state, CreateWorkspace c, Instant now) {
        if (state.exists()) {
            throw conflict(ErrorCodes.WORKSPACE_EXISTS, "workspace already exists");
        }
        if (isBlank(c.workspaceId()) || isBlank(c.name())) {
            throw unprocessable(ErrorCodes.INVALID_WORKSPACE, "workspace id and name are required");
        }
        List<WorkspaceEvent> events = new ArrayList<>();
        events.add(new WorkspaceCreated(c.workspaceId(), c.name().strip(), now, c.ownerEmail(), c.actor(), now));
        for (Role role : BuiltInRoles.ALL) {
            events.add(new RoleDefined(role.name(), role.permissions(), true, c.actor(), now));
        }
        return events;
    }

    private static List<WorkspaceEvent> defineRole(WorkspaceState state, DefineRole c, Instant now) {
        if (isBlank(c.name())) {
            throw unprocessable(ErrorCodes.INVALID_ROLE, "role name is required");
        }
        String name = c.name().strip();
        if (c.permissions() == null || !c.permissions().stream().allMatch(Permissions::isKnown)) {
            throw unprocessable(ErrorCodes.INVALID_ROLE, "unknown permission; known: " + Permissions.ALL);
        }
        if (state.allRoles().stream().anyMatch(r -> r.name().equalsIgnoreCase(name))) {
            throw conflict(ErrorCodes.ROLE_EXISTS, "a role named '" + name + "' already exists");
        }
        return List.of(new RoleDefined(name, c.permissions(), false, c.actor(), now));
    }

    private static List<WorkspaceEvent> removeRole(WorkspaceState state, RemoveRole c, Instant now) {
        Role role = state.role(c.name())
                .orElseThrow(() -> notFound(ErrorCodes.ROLE_NOT_FOUND, "no role named '" + c.name() + "'"));
        if (state.isBuiltIn(role.name())) {
            throw conflict(ErrorCodes.BUILTIN_ROLE, "built-in roles cannot be removed");
        }
        ProvisioningConfig p = state.provisioning();
        if (role.name().equals(p.defaultRole()) && p.method() != ProvisioningMethod.NONE) {
            throw conflict(ErrorCodes.ROLE_IN_USE, "the role is the " + p.method() + " default role");
        }
        if (p.method() != ProvisioningMethod.NONE && p.roleMappings().containsValue(role.name())) {
            throw conflict(ErrorCodes.ROLE_IN_USE, "the role is a target of the " + p.method() + " role mapping table");
        }
        if (c.holders() > 0) {
            // members would keep a role name that grants nothing: locked out of everything, silently
            throw conflict(ErrorCodes.ROLE_IN_USE, "the role is held by " + c.holders() + (c.holders() == 1 ? " member" : " members")
                    + "; change their role first");
        }
        return List.of(new RoleRemoved(role.name(), c.actor(), now));
    }

    private static List<WorkspaceEvent> configureSso(WorkspaceState state, ConfigureSso c, Instant now) {
        SsoSettings s = c.settings();
        if (s == null || isBlank(s.idpEntityId()) || s.certificatesPem().isEmpty()
                || s.certificatesPem().stream().anyMatch(WorkspaceDecider::isBlank)) {
            throw unprocessable(ErrorCodes.INVALID_SSO_SETTINGS,
                    "an IdP entity ID and at least one signing certificate are required");
        }
        return s.equals(state.sso()) ? List.of() : List.of(new SsoConfigured(state.sso(), s, c.actor(), now));
    }

    /** EnableJit and UpdateJit share the rules (R1, R2, R3); an enable of an enabled JIT acts as an update. */
    private static List<WorkspaceEvent> enableJit(WorkspaceState state, ProvisioningConfig requested, Actor actor,
            Instant now) {
        if (requested == null) {
            throw unprocessable(ErrorCodes.UNKNOWN_DEFAULT_ROLE, "a JIT configuration with a default role is required");
        }
        if (!state.ssoActive()) {
            throw conflict(ErrorCodes.SSO_NOT_CONFIGURED, state.ssoConfigured()
                    ? "SSO is configured but not active: activate SSO before enabling JIT provisioning"
                    : "configure SSO before enabling JIT provisioning");
        }
        if (state.scimEnabled()) {
            throw conflict(ErrorCodes.SCIM_ENABLED, "disable SCIM first");
        }
        ProvisioningConfig config = canonical(state, requested.withMethod(ProvisioningMethod.JIT));
        if (state.jitEnabled()) {
            return config.equals(state.provisioning()) ? List.of()
                    : List.of(new ProvisioningUpdated(state.provisioning(), config, actor, now));
        }
        return List.of(new ProvisioningEnabled(config, actor, now));
    }

    /**
     * Validates R3 and the mapping targets, and rewrites role names to their canonical spelling (a
     * case-insensitive unique match is accepted and stored with the role's exact name).
     */
    static ProvisioningConfig canonical(WorkspaceState state, ProvisioningConfig config) {
        if (isBlank(config.defaultRole())) {
            throw unprocessable(ErrorCodes.UNKNOWN_DEFAULT_ROLE, "a default role is required");
        }
        Role defaultRole = state.matchRole(config.defaultRole().strip()).orElseThrow(() -> unprocessable(
                ErrorCodes.UNKNOWN_DEFAULT_ROLE, "default role '" + config.defaultRole() + "' does not exist"));
        Map<String, String> mappings = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> m : config.roleMappings().entrySet()) {
            if (isBlank(m.getKey())) {
                throw unprocessable(ErrorCodes.UNKNOWN_MAPPED_ROLE, "role mapping keys must not be blank");
            }
            String target = m.getValue() == null ? null : m.getValue().strip();
            Role role = state.matchRole(target).orElseThrow(() -> unprocessable(ErrorCodes.UNKNOWN_MAPPED_ROLE,
                    "role mapping '" + m.getKey() + "' targets unknown role '" + m.getValue() + "'"));
            mappings.put(m.getKey().strip(), role.name());
        }
        return config.withDefaultRole(defaultRole.name()).withRoleMappings(mappings);
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
