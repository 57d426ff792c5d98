package dev.jitprov.web.admin;

import dev.jitprov.web.AdminConfig;
import dev.jitprov.web.Authorization;
import dev.jitprov.web.Caller;

import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.paging.PageRequest;
import dev.jitprov.web.ProblemException;
import dev.jitprov.members.MemberDirectory;
import dev.jitprov.members.MemberDirectory.MemberRow;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.projection.MembersView;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberCommand;
import dev.jitprov.provisioning.MemberDecider;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.Permissions;
import dev.jitprov.provisioning.RoleChangeWarning;
import dev.jitprov.workspace.Workspaces;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Clock;
import java.util.UUID;

/** Members page (R13): list, invite, update role (with the IdP-override warning), revoke access. */
@Path("/api/workspaces/{ws}/members")
public class MembersResource {

    public record InviteRequest(String email, String displayName, String role) {
    }

    public record RoleRequest(String role) {
    }

    public record Warning(String code, String message) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RoleUpdated(MemberRow member, Warning warning) {
    }

    private final Authorization authorization;
    private final MemberDirectory directory;
    private final MembersView view;
    private final MemberStreams members;
    private final Workspaces workspaces;
    private final AdminConfig config;
    private final Clock clock;

    public MembersResource(Authorization authorization, MemberDirectory directory, MembersView view, MemberStreams members,
                           Workspaces workspaces, AdminConfig config, Clock clock) {
        this.authorization = authorization;
        this.directory = directory;
        this.view = view;
        this.members = members;
        this.workspaces = workspaces;
        this.config = config;
        this.clock = clock;
    }

    @GET
    @Operation(summary = "Search members (e-mail, name) from the membership view; filter by role, origin, temporary, status; sort; page")
    public Uni<PageRequest.Page<MembersView.MemberItem>> list(@Context HttpHeaders headers, @PathParam("ws") String ws,
                                                             @QueryParam("query") String query, @QueryParam("role") String role,
                                                             @QueryParam("origin") String origin, @QueryParam("temporary") String temporary,
                                                             @QueryParam("status") String status, @QueryParam("sort") String sort,
                                                             @QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        PageRequest paging = PageRequest.of(page, size, config.maxPageSize());
        MembersView.Filter filter = MembersView.Filter.of(query, role, origin, temporary, status, sort);
        // Served from the projection (it lags the store slightly); invite, update and revoke below go through the domain.
        return authorization.require(headers, ws, Permissions.TEAM_MANAGE)
                .flatMap(caller -> view.search(ws, filter, paging));
    }

    @POST
    @Operation(summary = "Invite a member with a role")
    public Uni<Response> invite(@Context HttpHeaders headers, @PathParam("ws") String ws, InviteRequest request) {
        if (request == null || request.email() == null || !request.email().trim().matches("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")) {
            throw ProblemException.unprocessable("invalid_email", "'email' must be an e-mail address");
        }
        return authorization.require(headers, ws, Permissions.TEAM_MANAGE).flatMap(caller -> {
            String key = MemberKeys.normalize(request.email());
            Actor actor = Actor.admin(caller.memberKey());
            return members.execute(ws, key, metadata(ws, caller),
                            new MemberCommand.InviteMember(key, request.email().trim(), request.displayName(), request.role(), actor, caller.grantor()))
                    .flatMap(outcome -> directory.require(ws, MemberKeys.memberId(ws, key)))
                    .map(row -> Response.status(201).entity(row).build());
        });
    }

    @PUT
    @Path("/{id}/role")
    @Operation(summary = "Update a member's role; warns when the IdP will override it at next sign-in (R13)")
    public Uni<RoleUpdated> updateRole(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("id") UUID id,
                                       RoleRequest request) {
        if (request == null || request.role() == null || request.role().isBlank()) {
            throw ProblemException.unprocessable("role_required", "'role' is required");
        }
        return authorization.require(headers, ws, Permissions.TEAM_MANAGE).flatMap(caller -> directory.require(ws, id)
                .flatMap(row -> members.decide(ws, row.memberKey(), metadata(ws, caller), ctx -> new MemberStreams.Decision<>(
                        MemberDecider.decide(ctx.workspace(), ctx.member(), new MemberCommand.ChangeRole(request.role(), Actor.admin(caller.memberKey()), caller.grantor()),
                                ctx.otherActiveAdmins(), clock.instant()),
                        RoleChangeWarning.idpWillOverride(ctx.workspace(), ctx.member()))))
                .flatMap(outcome -> directory.require(ws, id).map(row -> new RoleUpdated(row,
                        Boolean.TRUE.equals(outcome.result()) ? new Warning(RoleChangeWarning.CODE, RoleChangeWarning.MESSAGE) : null))));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke access: deletes the member and ends its sessions (R13)")
    public Uni<Response> revoke(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("id") UUID id) {
        return authorization.require(headers, ws, Permissions.TEAM_MANAGE).flatMap(caller -> directory.require(ws, id)
                .flatMap(row -> members.execute(ws, row.memberKey(), metadata(ws, caller),
                        new MemberCommand.RevokeAccess(Actor.admin(caller.memberKey()), caller.grantor())))
                .map(outcome -> Response.noContent().build()));
    }

    static EventMetadata metadata(String ws, Caller caller) {
        return new EventMetadata(ws, "admin:" + caller.memberKey(), UUID.randomUUID().toString(), null);
    }
}
