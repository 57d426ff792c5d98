package dev.jitprov.provisioning;

import dev.jitprov.provisioning.MemberEvent.OwnerCreated;
import dev.jitprov.provisioning.MemberEvent.SessionStarted;
import dev.jitprov.provisioning.MemberEvent.UserInvited;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningEnabled;
import dev.jitprov.provisioning.WorkspaceEvent.RoleDefined;
import dev.jitprov.provisioning.WorkspaceEvent.ScimEnabled;
import dev.jitprov.provisioning.WorkspaceEvent.SsoConfigured;
import dev.jitprov.provisioning.WorkspaceEvent.WorkspaceCreated;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Events and values built in code for the domain tests. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
    static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");
    static final Duration SESSION = Duration.ofHours(8);
    static final String WS = "acme";
    static final Actor OPERATOR = Actor.operator("operator");
    static final Actor ADMIN = Actor.admin("owner@acme.test");
    /** The owner as a grantor: every permission. */
    static final Grantor OWNER = new Grantor("owner@acme.test", Permissions.ALL);
    static final Actor IDP = Actor.idp("https://idp.acme.test");
    static final Actor USER = Actor.user("ann@acme.test");
    static final Actor EXPIRER = Actor.system("expirer");
    static final String ANN = "ann@acme.test";

    private Fixtures() {
    }

    static List<WorkspaceEvent> workspaceCreated() {
        List<WorkspaceEvent> events = new ArrayList<>();
        events.add(new WorkspaceCreated(WS, "Acme", T0, "owner@acme.test", OPERATOR, T0));
        for (Role r : BuiltInRoles.ALL) {
            events.add(new RoleDefined(r.name(), r.permissions(), true, OPERATOR, T0));
        }
        return events;
    }

    static SsoSettings sso(boolean active) {
        return new SsoSettings("https://idp.acme.test", List.of("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"),
                "https://idp.acme.test/sso", null, active, false);
    }

    static SsoConfigured ssoConfigured(boolean active) {
        return new SsoConfigured(null, sso(active), ADMIN, T0);
    }

    static RoleDefined customRole(String name, String... permissions) {
        return new RoleDefined(name, Set.of(permissions), false, ADMIN, T0);
    }

    static ProvisioningConfig jit(String defaultRole) {
        return ProvisioningConfig.jit(defaultRole, true, false);
    }

    static ProvisioningEnabled jitEnabled(ProvisioningConfig config) {
        return new ProvisioningEnabled(config, ADMIN, T0);
    }

    static ScimEnabled scimEnabled() {
        return new ScimEnabled(null, null, ADMIN, T0);
    }

    /** A workspace with SSO active and the given events after that. */
    static WorkspaceState workspace(WorkspaceEvent... more) {
        List<WorkspaceEvent> events = new ArrayList<>(workspaceCreated());
        events.add(ssoConfigured(true));
        events.addAll(Arrays.asList(more));
        return WorkspaceState.fold(events);
    }

    static WorkspaceState workspaceWithJit(ProvisioningConfig config, WorkspaceEvent... before) {
        List<WorkspaceEvent> events = new ArrayList<>(Arrays.asList(before));
        events.add(jitEnabled(config));
        return workspace(events.toArray(WorkspaceEvent[]::new));
    }

    static UserProvisioned provisioned(String role, boolean temporary) {
        return new UserProvisioned(ANN, ANN, "Ann", role, MemberOrigin.JIT, temporary, RoleResolution.RESOLVED, IDP, T0);
    }

    static UserInvited invited(String role) {
        return new UserInvited(ANN, ANN, "Ann", role, ADMIN, T0);
    }

    static OwnerCreated owner() {
        return new OwnerCreated(ANN, ANN, BuiltInRoles.ADMIN_NAME, OPERATOR, T0);
    }

    static SessionStarted sessionStarted(String sessionId, String role) {
        return new SessionStarted(sessionId, role, T0, T0.plus(SESSION), SignInMethod.SAML, RoleResolution.RESOLVED,
                IDP, T0);
    }

    /** An attribute lookup answering {@code name} (Name or FriendlyName) with the values. */
    static Function<String, List<String>> attribute(String name, String... values) {
        Map<String, List<String>> byName = Map.of(name, Arrays.asList(values));
        return n -> byName.getOrDefault(n, List.of());
    }

    static Function<String, List<String>> roleAttribute(String... values) {
        return attribute("role", values);
    }

    static Function<String, List<String>> noAttributes() {
        return n -> List.of();
    }

    static SignIn signIn(Function<String, List<String>> attributes) {
        return signIn("s-2", attributes);
    }

    static SignIn signIn(String sessionId, Function<String, List<String>> attributes) {
        return new SignIn(ANN, ANN, "Ann", attributes, sessionId, NOW, SESSION, IDP);
    }

    static SessionStarted sessionAt(String sessionId, String role, String roleResolution) {
        return new SessionStarted(sessionId, role, NOW, NOW.plus(SESSION), SignInMethod.SAML, roleResolution, IDP, NOW);
    }
}
