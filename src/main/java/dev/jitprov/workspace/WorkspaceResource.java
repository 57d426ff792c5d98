package dev.jitprov.workspace;

import dev.jitprov.admin.Authorization;
import dev.jitprov.admin.AdminConfig;
import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.http.ProblemException;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.eventstore.ConcurrencyConflictException;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberCommand;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.Permissions;
import dev.jitprov.provisioning.WorkspaceCommand;
import dev.jitprov.provisioning.WorkspaceEvent;
import dev.jitprov.session.Secrets;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
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
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** Workspaces created by the operator, each with an owner admin; API tokens created by admins. */
@Path("/api/workspaces")
public class WorkspaceResource {

    static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final SecureRandom RANDOM = new SecureRandom();

    public record OwnerRequest(String email, String password) {
    }

    public record CreateWorkspaceRequest(String name, OwnerRequest owner) {
    }

    public record WorkspaceCreated(String id, String name, String ownerId, String ownerEmail, String acsUrl, String spEntityId) {
    }

    public record CreateTokenRequest(String name) {
    }

    public record TokenCreated(UUID id, String name, String token) {
    }

    private final Authorization authorization;
    private final Workspaces workspaces;
    private final MemberStreams members;
    private final Pool pool;
    private final AdminConfig config;
    private final Clock clock;
    private final ServiceUrls urls;

    public WorkspaceResource(Authorization authorization, Workspaces workspaces, MemberStreams members, Pool pool,
                             AdminConfig config, Clock clock, ServiceUrls urls) {
        this.authorization = authorization;
        this.workspaces = workspaces;
        this.members = members;
        this.pool = pool;
        this.config = config;
        this.clock = clock;
        this.urls = urls;
    }

    @POST
    @Operation(summary = "Create a workspace with its owner (operator token)")
    public Uni<Response> create(@Context HttpHeaders headers, CreateWorkspaceRequest request) {
        authorization.requireOperator(headers);
        if (request == null || request.name() == null || request.name().isBlank() || request.name().length() > 100) {
            throw ProblemException.unprocessable("invalid_workspace", "'name' is required (1 to 100 characters)");
        }
        if (request.owner() == null || request.owner().email() == null || !EMAIL.matcher(request.owner().email().trim()).matches()) {
            throw ProblemException.unprocessable("invalid_owner", "'owner.email' must be an e-mail address");
        }
        String password = request.owner().password();
        if (password == null || password.length() < config.minPasswordLength()) {
            throw ProblemException.unprocessable("weak_password",
                    "'owner.password' must have at least " + config.minPasswordLength() + " characters");
        }
        String id = newWorkspaceId(request.name());
        String ownerKey = MemberKeys.normalize(request.owner().email());
        Actor operator = Actor.operator("operator");
        EventMetadata metadata = new EventMetadata(id, "operator:operator", UUID.randomUUID().toString(), null);
        // bcrypt is deliberately slow: hash on a worker thread, never on the event loop.
        return Uni.createFrom().item(() -> BcryptUtil.bcryptHash(password))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(hash -> pool.withTransaction(conn -> workspaces.execute(conn, id,
                                new WorkspaceCommand.CreateWorkspace(id, request.name().trim(), ownerKey, operator), metadata.correlationId())
                        .flatMap(created -> members.execute(conn, id, ownerKey, metadata,
                                new MemberCommand.CreateOwner(ownerKey, request.owner().email().trim(), operator)))
                        .flatMap(owner -> conn.preparedQuery("INSERT INTO credentials (workspace_id, member_key, password_hash) VALUES ($1, $2, $3)")
                                .execute(Tuple.of(id, ownerKey, hash)))))
                .map(ignored -> Response.created(URI.create("/api/workspaces/" + id))
                        .type(MediaType.APPLICATION_JSON)
                        .entity(new WorkspaceCreated(id, request.name().trim(), MemberStreams.memberId(id, ownerKey).toString(),
                                request.owner().email().trim(), urls.acsUrl(id), urls.spEntityId(id)))
                        .build());
    }

    @POST
    @Path("/{ws}/tokens")
    @Operation(summary = "Create an API token acting as the calling admin; the secret is shown once")
    public Uni<Response> createToken(@Context HttpHeaders headers, @PathParam("ws") String ws, CreateTokenRequest request) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE).flatMap(caller -> {
            if (request == null || request.name() == null || request.name().isBlank() || request.name().length() > 100) {
                throw ProblemException.unprocessable(dev.jitprov.provisioning.ErrorCodes.INVALID_TOKEN_NAME, "'name' is required (1 to 100 characters)");
            }
            UUID id = UUID.randomUUID();
            String token = Secrets.newSecret("jit_");
            String name = request.name().strip();
            // the token row and its audit event commit together; the token is bound to this life of its member
            // (G3: member_since = the member's created_at), so a later member with the same key never inherits it
            return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO api_tokens (id, workspace_id, name, token_hash, member_key, created_at, member_since) "
                                    + "SELECT $1, $2, $3, $4, $5, $6, m.created_at FROM member_index m WHERE m.workspace_id = $2 AND m.member_key = $5")
                            .execute(Tuple.tuple(List.of(id, ws, name, Secrets.sha256(token), caller.memberKey(),
                                    OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))))
                            .flatMap(inserted -> {
                                if (inserted.rowCount() != 1) {
                                    throw ProblemException.unauthorized("session_invalid", "you are no longer a member of this workspace");
                                }
                                return workspaces.execute(conn, ws, new WorkspaceCommand.CreateApiToken(id.toString(), name,
                                    caller.memberKey(), Actor.admin(caller.memberKey())), UUID.randomUUID().toString());
                            }))
                    // the token does not depend on the workspace's state: a concurrent configuration change (the
                    // stream moved) is no reason to refuse it; the whole transaction runs again
                    .onFailure(ConcurrencyConflictException.class).retry().atMost(5)
                    .map(ignored -> Response.created(URI.create("/api/workspaces/" + ws + "/tokens/" + id))
                            .type(MediaType.APPLICATION_JSON).entity(new TokenCreated(id, name, token)).build());
        });
    }

    @DELETE
    @Path("/{ws}/tokens/{id}")
    @Operation(summary = "Revoke an API token")
    public Uni<Response> revokeToken(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("id") UUID id) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE).flatMap(caller ->
                pool.withTransaction(conn -> conn.preparedQuery("UPDATE api_tokens SET revoked_at = now(), revoked_reason = 'revoked_by_admin' "
                                + "WHERE id = $1 AND workspace_id = $2 AND revoked_at IS NULL RETURNING name")
                        .execute(Tuple.of(id, ws))
                        .flatMap(rows -> {
                            if (rows.rowCount() == 0) {
                                throw ProblemException.notFound("token_not_found", "no active token " + id + " in this workspace");
                            }
                            return workspaces.execute(conn, ws, new WorkspaceCommand.RevokeApiToken(id.toString(),
                                    rows.iterator().next().getString("name"), WorkspaceEvent.ApiTokenRevoked.BY_ADMIN, Actor.admin(caller.memberKey())), UUID.randomUUID().toString());
                        }))
                        .onFailure(ConcurrencyConflictException.class).retry().atMost(5)
                        .map(ignored -> Response.noContent().build()));
    }

    static String newWorkspaceId(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.length() > 30) {
            slug = slug.substring(0, 30).replaceAll("-+$", "");
        }
        String suffix = Integer.toString(RANDOM.nextInt(36 * 36 * 36 * 36), 36);
        return (slug.isEmpty() ? "ws" : slug) + "-" + suffix;
    }
}
