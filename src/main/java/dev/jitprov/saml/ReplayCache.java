package dev.jitprov.saml;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * SPEC §4.11: an assertion ID is accepted once, across every replica. The first insert wins; a concurrent second
 * one waits on the primary key and then finds it taken. Entries live until the assertion could no longer pass
 * the time checks (its NotOnOrAfter plus the clock skew).
 */
@ApplicationScoped
public class ReplayCache {

    private final Pool pool;
    private final SamlConfig config;
    private final Clock clock;

    public ReplayCache(Pool pool, SamlConfig config, Clock clock) {
        this.pool = pool;
        this.config = config;
        this.clock = clock;
    }

    /** @return true the first time this assertion ID is seen, false for a replay */
    public Uni<Boolean> claim(String workspaceId, String assertionId, Instant notOnOrAfter) {
        return claim(pool, workspaceId, assertionId, notOnOrAfter);
    }

    /**
     * Claims inside the caller's transaction: the claim commits with the sign-in or not at all, so a sign-in cut
     * off before its commit leaves the assertion usable for a retry, and a concurrent second post waits on the
     * primary key until the first commits, then finds it taken.
     */
    public Uni<Boolean> claim(io.vertx.mutiny.sqlclient.SqlClient client, String workspaceId, String assertionId, Instant notOnOrAfter) {
        return client.preparedQuery(CLAIM)
                .execute(Tuple.of(assertionId, workspaceId, keepUntil(notOnOrAfter)))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * As {@link #claim(io.vertx.mutiny.sqlclient.SqlClient, String, String, Instant)}, and only if the claim succeeds
     * also runs {@code thenInsert} (an {@code INSERT ... SELECT ... FROM claimed}, parameters from {@code $4}), in one
     * statement: a sign-in's claim and its Single Logout row are one round trip (issue 20).
     */
    public Uni<Boolean> claimThen(io.vertx.mutiny.sqlclient.SqlConnection conn, String workspaceId, String assertionId, Instant notOnOrAfter,
                                  String thenInsert, List<Object> thenParameters) {
        List<Object> parameters = new ArrayList<>(List.of(assertionId, workspaceId, keepUntil(notOnOrAfter)));
        parameters.addAll(thenParameters);
        return conn.preparedQuery("WITH claimed AS (" + CLAIM + " RETURNING assertion_id) " + thenInsert)
                .execute(Tuple.tuple(parameters))
                .map(rows -> rows.rowCount() == 1);
    }

    private static final String CLAIM = "INSERT INTO saml_replay_cache (assertion_id, workspace_id, expires_at) VALUES ($1, $2, $3) "
            + "ON CONFLICT (assertion_id) DO NOTHING";

    private OffsetDateTime keepUntil(Instant notOnOrAfter) {
        return OffsetDateTime.ofInstant(notOnOrAfter.plus(config.clockSkew()), ZoneOffset.UTC);
    }

    @dev.jitprov.replica.DrainedAtShutdown
    @Scheduled(skipExecutionIf = dev.jitprov.replica.RoleSkips.UnlessApi.class, every = "{jit.saml.replay-cleanup-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> forgetExpired() {
        return pool.preparedQuery("DELETE FROM saml_replay_cache WHERE expires_at < $1")
                .execute(Tuple.of(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))).replaceWithVoid();
    }
}
