package dev.jitprov.notification;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The daily digest of new members for workspaces that opted out of one mail per member (R16). One statement moves
 * every HELD row to DIGESTED and inserts, per workspace and admin, one MEMBER_DIGEST row listing them; the
 * ordinary {@link MailSender} then sends it, with the same at-most-once claim and retry. Rows locked by another
 * replica's run are skipped, and the digest's event id is derived from its first member row, so a digest is
 * built once.
 */
@ApplicationScoped
public class DigestJob {

    private static final Logger LOG = Logger.getLogger(DigestJob.class);

    private static final String COMPILE = "WITH held AS ("
            + " UPDATE notification_outbox SET status = 'DIGESTED'"
            + " WHERE id IN (SELECT id FROM notification_outbox WHERE status = 'HELD' FOR UPDATE SKIP LOCKED)"
            + " RETURNING id, workspace_id, recipient, params)"
            + " INSERT INTO notification_outbox (event_id, recipient, workspace_id, kind, params, next_attempt_at, created_at)"
            + " SELECT md5('digest:' || min(id)::text)::uuid, recipient, workspace_id, 'MEMBER_DIGEST',"
            + " jsonb_build_object('workspace', min(params->>'workspace'), 'members', jsonb_agg(params ORDER BY id)), $1, $1"
            + " FROM held GROUP BY workspace_id, recipient"
            + " ON CONFLICT (event_id, recipient) DO NOTHING";

    private final Pool pool;
    private final NotificationConfig config;
    private final Clock clock;

    public DigestJob(Pool pool, NotificationConfig config, Clock clock) {
        this.pool = pool;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(skipExecutionIf = dev.jitprov.roles.RoleSkips.UnlessNotifier.class, identity = "new-member-digest", cron = "{jit.notification.digest-cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> daily() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return compile()
                .onFailure().invoke(f -> LOG.warnf("digest failed, the held mails wait for the next run: %s", f.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Folds the held new-member mails into digests; returns how many digest mails were queued. */
    public Uni<Integer> compile() {
        return pool.preparedQuery(COMPILE).execute(Tuple.of(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)))
                .map(rows -> rows.rowCount());
    }
}
