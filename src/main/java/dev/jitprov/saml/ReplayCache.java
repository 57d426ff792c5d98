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
        Instant keepUntil = notOnOrAfter.plus(config.clockSkew());
        return client.preparedQuery("INSERT INTO saml_replay_cache (assertion_id, workspace_id, expires_at) VALUES ($1, $2, $3) "
                        + "ON CONFLICT (assertion_id) DO NOTHING")
                .execute(Tuple.of(assertionId, workspaceId, OffsetDateTime.ofInstant(keepUntil, ZoneOffset.UTC)))
                .map(rows -> rows.rowCount() == 1);
    }

    @dev.jitprov.replica.DrainedAtShutdown
    @Scheduled(skipExecutionIf = dev.jitprov.replica.RoleSkips.UnlessApi.class, every = "{jit.saml.replay-cleanup-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> forgetExpired() {
        return pool.preparedQuery("DELETE FROM saml_replay_cache WHERE expires_at < $1")
                .execute(Tuple.of(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))).replaceWithVoid();
    }
}
