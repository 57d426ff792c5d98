package dev.jitprov.web.admin;

import dev.jitprov.web.Authorization;

import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.GrantRules;
import dev.jitprov.provisioning.MultiValuePolicy;
import dev.jitprov.provisioning.Permissions;
import dev.jitprov.provisioning.ProvisioningConfig;
import dev.jitprov.provisioning.ProvisioningMethod;
import dev.jitprov.provisioning.WorkspaceCommand;
import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.web.ProblemException;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.Map;
import java.util.UUID;

/** "Automate user provisioning": view, enable or update JIT (or SCIM), disable (R1–R4, R18). */
@Path("/api/workspaces/{ws}/provisioning")
public class ProvisioningResource {

    /** PUT body: {@code {method:"JIT", defaultRole, ...}} or {@code {method:"SCIM"}}. */
    public record ProvisioningRequest(ProvisioningMethod method, String defaultRole, Boolean updateUserRole,
                                      Boolean deleteAtSessionEnd, String roleAttribute, MultiValuePolicy multiValuePolicy,
                                      Boolean strictRole, Map<String, String> roleMappings) {
    }

    public record ProvisioningView(ProvisioningMethod method, boolean jitEnabled, boolean scimEnabled, boolean ssoConfigured,
                                   boolean ssoActive, String defaultRole, boolean updateUserRole, boolean deleteAtSessionEnd,
                                   String roleAttribute, MultiValuePolicy multiValuePolicy, boolean strictRole,
                                   Map<String, String> roleMappings, String scimBaseUrl, boolean scimTokenIssued) {

        static ProvisioningView of(WorkspaceState ws, String scimBaseUrl) {
            ProvisioningConfig c = ws.provisioning();
            ProvisioningMethod method = ws.jitEnabled() ? ProvisioningMethod.JIT : ws.scimEnabled() ? ProvisioningMethod.SCIM : ProvisioningMethod.NONE;
            return new ProvisioningView(method, ws.jitEnabled(), ws.scimEnabled(), ws.ssoConfigured(), ws.ssoActive(),
                    c.defaultRole(), c.updateUserRole(), c.deleteAtSessionEnd(), c.roleAttribute(), c.multiValuePolicy(),
                    c.strictRole(), c.roleMappings(), scimBaseUrl, ws.scimTokenId() != null);
        }
    }

    /** The SCIM token, shown once (issue 18), with the base URL to paste into the IdP. */
    public record ScimTokenView(String token, String baseUrl) {
    }

    private final Authorization authorization;
    private final Workspaces workspaces;
    private final dev.jitprov.scim.ScimTokens scimTokens;
    private final dev.jitprov.workspace.ServiceUrls urls;

    public ProvisioningResource(Authorization authorization, Workspaces workspaces, dev.jitprov.scim.ScimTokens scimTokens,
                                dev.jitprov.workspace.ServiceUrls urls) {
        this.authorization = authorization;
        this.workspaces = workspaces;
        this.scimTokens = scimTokens;
        this.urls = urls;
    }

    @jakarta.ws.rs.POST
    @Path("/scim-token")
    @Operation(summary = "A new SCIM token, shown once; the previous one stops working (issue 18; security-settings:manage)")
    public Uni<jakarta.ws.rs.core.Response> createScimToken(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                .flatMap(caller -> workspaces.require(ws).flatMap(state -> {
                    // G1: the SCIM token hands out any role of the workspace (a user's roles value), so only who could grant
                    // every role may create it
                    state.allRoles().forEach(role -> GrantRules.requireGrantable(caller.grantor(), role));
                    return scimTokens.create(ws, Actor.admin(caller.memberKey()));
                }))
                .map(token -> jakarta.ws.rs.core.Response.status(201)
                        .entity(new ScimTokenView(token, scimBase(ws))).build());
    }

    @GET
    @Operation(summary = "The provisioning configuration (R4: security-settings:manage)")
    public Uni<ProvisioningView> get(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                .flatMap(caller -> workspaces.require(ws))
                .map(state -> ProvisioningView.of(state, scimBase(ws)));
    }

    @PUT
    @Operation(summary = "Enable or update JIT (R1, R2, R3), or enable SCIM (R2)")
    public Uni<ProvisioningView> put(@Context HttpHeaders headers, @PathParam("ws") String ws, ProvisioningRequest request) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                .flatMap(caller -> workspaces.require(ws).flatMap(state -> {
                    Actor actor = Actor.admin(caller.memberKey());
                    WorkspaceCommand command = toCommand(request, actor);
                    if (command instanceof WorkspaceCommand.EnableJit || command instanceof WorkspaceCommand.EnableScim) {
                        // G1: what JIT or SCIM hands out (the default role, the mapped roles) is a grant by this caller
                        java.util.List<String> granted = new java.util.ArrayList<>();
                        granted.add(request.defaultRole());
                        if (request.roleMappings() != null) {
                            granted.addAll(request.roleMappings().values());
                        }
                        for (String name : granted) {
                            state.matchRole(name == null ? null : name.strip()).ifPresent(role -> GrantRules.requireGrantable(caller.grantor(), role));
                        }
                    }
                    return workspaces.execute(ws, command, UUID.randomUUID().toString());
                }))
                .map(result -> ProvisioningView.of(result.after(), scimBase(ws)));
    }

    @DELETE
    @Operation(summary = "Disable provisioning; members are kept (R18)")
    public Uni<ProvisioningView> delete(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                .flatMap(caller -> workspaces.require(ws).flatMap(state -> workspaces.execute(ws,
                        new WorkspaceCommand.DisableProvisioning(Actor.admin(caller.memberKey())), UUID.randomUUID().toString())))
                .map(result -> ProvisioningView.of(result.after(), scimBase(ws)));
    }

    /** The base URL an admin pastes into the IdP (docs/scim.md). */
    private String scimBase(String ws) {
        return urls.baseUrl() + "/scim/v2/" + ws;
    }

    static WorkspaceCommand toCommand(ProvisioningRequest request, Actor actor) {
        if (request == null || request.method() == null) {
            throw ProblemException.badRequest("method_required", "'method' is required: JIT, SCIM or NONE");
        }
        if (request.method() == ProvisioningMethod.SCIM) {
            return new WorkspaceCommand.EnableScim(request.defaultRole(), request.roleMappings(), actor);
        }
        if (request.method() == ProvisioningMethod.NONE) {
            return new WorkspaceCommand.DisableProvisioning(actor);
        }
        ProvisioningConfig config = new ProvisioningConfig(ProvisioningMethod.JIT, request.defaultRole(),
                Boolean.TRUE.equals(request.updateUserRole()), Boolean.TRUE.equals(request.deleteAtSessionEnd()),
                request.roleAttribute(), request.multiValuePolicy(), Boolean.TRUE.equals(request.strictRole()),
                request.roleMappings());
        return new WorkspaceCommand.EnableJit(config, actor);
    }
}
