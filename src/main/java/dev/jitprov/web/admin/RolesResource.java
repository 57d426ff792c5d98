package dev.jitprov.web.admin;

import dev.jitprov.web.Authorization;

import dev.jitprov.web.ProblemException;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.GrantRules;
import dev.jitprov.provisioning.Permissions;
import dev.jitprov.provisioning.Role;
import dev.jitprov.provisioning.WorkspaceCommand;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Roles of a workspace: built-in ones and custom ones (R3: the JIT default role cannot be deleted). */
@Path("/api/workspaces/{ws}/roles")
public class RolesResource {

    public record RoleRequest(String name, Set<String> permissions) {
    }

    /** {@code grantable}: the caller may give this role to a member (its permissions are all the caller's own). */
    public record RoleView(String name, Set<String> permissions, boolean builtIn, boolean grantable) {
    }

    public record RoleList(List<RoleView> items, long total, int page, int size) {
    }

    private final Authorization authorization;
    private final Workspaces workspaces;

    public RolesResource(Authorization authorization, Workspaces workspaces) {
        this.authorization = authorization;
        this.workspaces = workspaces;
    }

    @GET
    @Operation(summary = "List roles (any member of the workspace)")
    public Uni<RoleList> list(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorization.require(headers, ws, null).flatMap(caller -> workspaces.require(ws).map(state -> {
            List<RoleView> roles = state.allRoles().stream()
                    .map(role -> new RoleView(role.name(), role.permissions(), state.isBuiltIn(role.name()),
                            GrantRules.grantable(caller.permissions(), role))).toList();
            return new RoleList(roles, roles.size(), 1, roles.size());
        }));
    }

    @POST
    @Operation(summary = "Create a custom role")
    public Uni<Response> create(@Context HttpHeaders headers, @PathParam("ws") String ws, RoleRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("body_required", "send {name, permissions}");
        }
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                // G1: a custom role holds only permissions its creator holds
                .invoke(caller -> GrantRules.requireDefinable(caller.grantor(), request.permissions() == null ? Set.of() : request.permissions()))
                .flatMap(caller -> workspaces.require(ws).flatMap(state -> workspaces.execute(ws,
                        new WorkspaceCommand.DefineRole(request.name(), request.permissions() == null ? Set.of() : request.permissions(),
                                Actor.admin(caller.memberKey())), UUID.randomUUID().toString())))
                .map(result -> {
                    Role role = result.after().matchRole(request.name()).orElseThrow();
                    return Response.status(201).entity(new RoleView(role.name(), role.permissions(), false, true)).build();
                });
    }

    @DELETE
    @Path("/{name}")
    @Operation(summary = "Delete a custom role (refused for built-in roles, the JIT default role, mapping targets and roles members hold)")
    public Uni<Response> delete(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("name") String name) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                .flatMap(caller -> workspaces.removeRole(ws, name, Actor.admin(caller.memberKey())))
                .map(result -> Response.noContent().build());
    }
}
