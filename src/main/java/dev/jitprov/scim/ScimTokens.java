package dev.jitprov.scim;

import dev.jitprov.eventstore.ConcurrencyConflictException;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.WorkspaceCommand;
import dev.jitprov.session.Secrets;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * The workspace's SCIM bearer token (issue 18): shown once, kept as a SHA-256 hash, one live per workspace. A new one
 * revokes the previous in the same transaction as their events ({@code scim.token-revoked.v1},
 * {@code scim.token-created.v1}).
 */
@ApplicationScoped
public class ScimTokens {

    /** Which workspace and token a valid SCIM token is. */
    public record Holder(String workspaceId, String tokenId) {
    }

    private final Pool pool;
    private final Workspaces workspaces;
    private final Clock clock;

    public ScimTokens(Pool pool, Workspaces workspaces, Clock clock) {
        this.pool = pool;
        this.workspaces = workspaces;
        this.clock = clock;
    }

    /** A new token for the workspace; the previous one stops working now. */
    public Uni<String> create(String workspaceId, Actor actor) {
        UUID id = UUID.randomUUID();
        String token = Secrets.newSecret("scim_");
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        return pool.withTransaction(conn -> conn.preparedQuery("UPDATE scim_tokens SET revoked_at = $2 WHERE workspace_id = $1 AND revoked_at IS NULL")
                        .execute(Tuple.of(workspaceId, now))
                        .flatMap(revoked -> conn.preparedQuery("INSERT INTO scim_tokens (id, workspace_id, token_hash, created_at) VALUES ($1, $2, $3, $4)")
                                .execute(Tuple.of(id, workspaceId, Secrets.sha256(token), now)))
                        .flatMap(inserted -> workspaces.execute(conn, workspaceId, new WorkspaceCommand.CreateScimToken(id.toString(), actor),
                                UUID.randomUUID().toString())))
                .onFailure(ConcurrencyConflictException.class).retry().atMost(5)
                .replaceWith(token);
    }

    /** The live token's holder; empty for an unknown or revoked token. */
    public Uni<Optional<Holder>> authenticate(String token) {
        return pool.preparedQuery("SELECT id, workspace_id FROM scim_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
                .execute(Tuple.of(Secrets.sha256(token)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new Holder(row.getString("workspace_id"), row.getUUID("id").toString()));
                });
    }
}
