package dev.jitprov.web.admin;

import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.Permissions;
import dev.jitprov.session.ApiTokens;
import dev.jitprov.web.Authorization;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;
import java.util.UUID;

/** API tokens created by admins, acting as them ({@link ApiTokens}). */
@Path("/api/workspaces/{ws}/tokens")
public class ApiTokensResource {

    public record CreateTokenRequest(String name) {
    }

    public record TokenCreated(UUID id, String name, String token) {
    }

    private final Authorization authorization;
    private final ApiTokens tokens;

    public ApiTokensResource(Authorization authorization, ApiTokens tokens) {
        this.authorization = authorization;
        this.tokens = tokens;
    }

    @POST
    @Operation(summary = "Create an API token acting as the calling admin; the secret is shown once")
    public Uni<Response> createToken(@Context HttpHeaders headers, @PathParam("ws") String ws, CreateTokenRequest request) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                .flatMap(caller -> tokens.create(ws, caller.memberKey(), request == null ? null : request.name()))
                .map(created -> Response.created(URI.create("/api/workspaces/" + ws + "/tokens/" + created.id()))
                        .type(MediaType.APPLICATION_JSON).entity(new TokenCreated(created.id(), created.name(), created.token())).build());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke an API token")
    public Uni<Response> revokeToken(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("id") UUID id) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                .flatMap(caller -> tokens.revoke(ws, id, Actor.admin(caller.memberKey())))
                .map(ignored -> Response.noContent().build());
    }
}
