package dev.jitprov.session;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Live browser sessions, kept beside the member's events in the same transaction (SessionStarted inserts a row,
 * SessionEnded and UserDeleted remove it), so a revoked or deleted member's cookie stops working at once.
 * A session opened while the workspace enforces 2FA (R14) starts {@code twoFactorPending}: it authenticates
 * nothing until {@link #activate} (after a valid second factor).
 */
@ApplicationScoped
public class BrowserSessions {

    public record LiveSession(UUID sessionId, String workspaceId, String memberKey, String effectiveRole, Instant expiresAt,
                              boolean twoFactorPending) {
    }

    private static final String COLUMNS = "session_id, workspace_id, member_key, effective_role, expires_at, two_factor_pending";

    private final Pool pool;
    private final SessionConfig config;

    public BrowserSessions(Pool pool, SessionConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /**
     * Records a new session and returns the cookie secret (shown once, stored hashed).
     *
     * @param twoFactorPending the workspace, as read by the transaction that opens the session, enforces 2FA (R14)
     */
    public Uni<String> open(SqlClient tx, UUID sessionId, String workspaceId, String memberKey, String effectiveRole,
                            Instant startedAt, Instant expiresAt, boolean twoFactorPending) {
        String secret = Secrets.newSecret("jits_");
        return tx.preparedQuery(
                        "INSERT INTO auth_sessions (session_id, secret_hash, workspace_id, member_key, effective_role, started_at, expires_at, two_factor_pending) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .execute(Tuple.tuple(java.util.List.of(sessionId, Secrets.sha256(secret), workspaceId, memberKey, effectiveRole,
                        utc(startedAt), utc(expiresAt), twoFactorPending)))
                .replaceWith(secret);
    }

    /** A pending session becomes active after a valid second factor (R14); false when it no longer exists. */
    public Uni<Boolean> activate(SqlClient tx, UUID sessionId) {
        return tx.preparedQuery("UPDATE auth_sessions SET two_factor_pending = FALSE WHERE session_id = $1")
                .execute(Tuple.of(sessionId)).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> close(SqlClient tx, UUID sessionId) {
        return tx.preparedQuery("DELETE FROM auth_sessions WHERE session_id = $1").execute(Tuple.of(sessionId)).replaceWithVoid();
    }

    public Uni<Void> closeAllOf(SqlClient tx, String workspaceId, String memberKey) {
        return tx.preparedQuery("DELETE FROM auth_sessions WHERE workspace_id = $1 AND member_key = $2")
                .execute(Tuple.of(workspaceId, memberKey)).replaceWithVoid();
    }

    /**
     * The live, unexpired session a cookie secret belongs to; a session still waiting for its second factor only
     * within {@code jit.session.two-factor-pending-lifetime} of its start (a stolen or forgotten half sign-in does
     * not stay usable for a code for hours).
     */
    public Uni<Optional<LiveSession>> find(String secret, Instant now) {
        return find(secret, now, false);
    }

    /** As {@link #find}, but also a pending session past its window: what logout ends (it still is a session). */
    public Uni<Optional<LiveSession>> findToEnd(String secret, Instant now) {
        return find(secret, now, true);
    }

    private Uni<Optional<LiveSession>> find(String secret, Instant now, boolean stalePendingToo) {
        if (secret == null || secret.isBlank()) {
            return Uni.createFrom().item(Optional.empty());
        }
        Instant pendingSince = stalePendingToo ? Instant.EPOCH : now.minus(config.twoFactorPendingLifetime());
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM auth_sessions "
                        + "WHERE secret_hash = $1 AND expires_at > $2 AND (NOT two_factor_pending OR started_at > $3)")
                .execute(Tuple.of(Secrets.sha256(secret), utc(now), utc(pendingSince)))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toSession(rows.iterator().next())));
    }

    /** A session of the Sessions list: who, with which effective role, from when to when. */
    public record Listed(UUID sessionId, String memberKey, String effectiveRole, Instant startedAt, Instant expiresAt) {
    }

    /** The workspace's live sessions, newest first (at most {@code limit}). */
    public Uni<List<Listed>> listOf(String workspaceId, int limit) {
        return pool.preparedQuery("SELECT session_id, member_key, effective_role, started_at, expires_at FROM auth_sessions "
                        + "WHERE workspace_id = $1 ORDER BY started_at DESC LIMIT $2").execute(Tuple.of(workspaceId, limit))
                .map(rows -> {
                    List<Listed> listed = new java.util.ArrayList<>();
                    rows.forEach(row -> listed.add(new Listed(row.getUUID("session_id"), row.getString("member_key"),
                            row.getString("effective_role"), row.getOffsetDateTime("started_at").toInstant(),
                            row.getOffsetDateTime("expires_at").toInstant())));
                    return listed;
                });
    }

    public Uni<Optional<LiveSession>> byId(UUID sessionId) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM auth_sessions WHERE session_id = $1")
                .execute(Tuple.of(sessionId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toSession(rows.iterator().next())));
    }

    private static LiveSession toSession(Row row) {
        return new LiveSession(row.getUUID("session_id"), row.getString("workspace_id"), row.getString("member_key"),
                row.getString("effective_role"), row.getOffsetDateTime("expires_at").toInstant(), row.getBoolean("two_factor_pending"));
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
