package dev.jitprov.session;

import dev.jitprov.eventstore.ConcurrencyConflictException;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.DomainException;
import dev.jitprov.provisioning.ErrorCodes;
import dev.jitprov.provisioning.WorkspaceCommand;
import dev.jitprov.provisioning.WorkspaceEvent;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * API tokens: created by an admin, acting as that admin with its stored role, shown once and kept only as a
 * SHA-256 hash. Each token row and its audit event ({@code api-token.created.v1}, {@code api-token.revoked.v1})
 * commit together. A token is bound to one life of its member (G3: {@code member_since} = the member's
 * {@code created_at}), so a later member with the same key never inherits it.
 */
@ApplicationScoped
public class ApiTokens {

    /** A new token: its secret is in {@code token} and nowhere else. */
    public record Created(UUID id, String name, String token) {
    }

    /** Who a valid token acts as. */
    public record Owner(String workspaceId, String memberKey, String role) {
    }

    private final Pool pool;
    private final Workspaces workspaces;
    private final Clock clock;

    public ApiTokens(Pool pool, Workspaces workspaces, Clock clock) {
        this.pool = pool;
        this.workspaces = workspaces;
        this.clock = clock;
    }

    /** The owner of a live token whose member is still the one it was made for; empty otherwise. */
    public Uni<Optional<Owner>> authenticate(String token) {
        return pool.preparedQuery("SELECT t.workspace_id, t.member_key, m.role FROM api_tokens t "
                        + "JOIN member_index m ON m.workspace_id = t.workspace_id AND m.member_key = t.member_key AND m.created_at = t.member_since "
                        + "WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND NOT m.deactivated")
                .execute(Tuple.of(Secrets.sha256(token)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new Owner(row.getString("workspace_id"), row.getString("member_key"), row.getString("role")));
                });
    }

    /** A token acting as {@code memberKey}, named {@code name} (1 to 100 characters). */
    public Uni<Created> create(String workspaceId, String memberKey, String name) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw DomainException.unprocessable(ErrorCodes.INVALID_TOKEN_NAME, "'name' is required (1 to 100 characters)");
        }
        UUID id = UUID.randomUUID();
        String token = Secrets.newSecret("jit_");
        String stripped = name.strip();
        return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO api_tokens (id, workspace_id, name, token_hash, member_key, created_at, member_since) "
                                + "SELECT $1, $2, $3, $4, $5, $6, m.created_at FROM member_index m WHERE m.workspace_id = $2 AND m.member_key = $5")
                        .execute(Tuple.tuple(List.of(id, workspaceId, stripped, Secrets.sha256(token), memberKey,
                                OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))))
                        .flatMap(inserted -> {
                            if (inserted.rowCount() != 1) {
                                throw DomainException.unauthenticated("session_invalid", "you are no longer a member of this workspace");
                            }
                            return workspaces.execute(conn, workspaceId, new WorkspaceCommand.CreateApiToken(id.toString(), stripped,
                                    memberKey, Actor.admin(memberKey)), UUID.randomUUID().toString());
                        }))
                // the token does not depend on the workspace's state: a concurrent configuration change (the
                // stream moved) is no reason to refuse it; the whole transaction runs again
                .onFailure(ConcurrencyConflictException.class).retry().atMost(5)
                .replaceWith(new Created(id, stripped, token));
    }

    /** Revokes a live token of the workspace on an admin's request. */
    public Uni<Void> revoke(String workspaceId, UUID id, Actor actor) {
        return pool.withTransaction(conn -> conn.preparedQuery("UPDATE api_tokens SET revoked_at = now(), revoked_reason = 'revoked_by_admin' "
                                + "WHERE id = $1 AND workspace_id = $2 AND revoked_at IS NULL RETURNING name")
                        .execute(Tuple.of(id, workspaceId))
                        .flatMap(rows -> {
                            if (rows.rowCount() == 0) {
                                throw DomainException.notFound("token_not_found", "no active token " + id + " in this workspace");
                            }
                            return workspaces.execute(conn, workspaceId, new WorkspaceCommand.RevokeApiToken(id.toString(),
                                    rows.iterator().next().getString("name"), WorkspaceEvent.ApiTokenRevoked.BY_ADMIN, actor), UUID.randomUUID().toString());
                        }))
                .onFailure(ConcurrencyConflictException.class).retry().atMost(5)
                .replaceWithVoid();
    }
}
