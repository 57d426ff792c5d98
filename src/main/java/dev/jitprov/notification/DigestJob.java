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
 * The daily digest of new members for workspaces that chose it (R16). The notifier keeps one HELD
 * {@code MEMBER_DIGEST} row per admin and adds each new member to it ({@link NewMemberMailQueue}); this job releases
 * them (HELD to PENDING) and the ordinary {@link MailSender} sends them, with the same at-most-once claim and retry.
 * A held row is released once: the next new member opens a new one.
 *
 * <p>Rows a pod of the previous release queued during a rolling upgrade (HELD, one per member and admin) are folded
 * into one digest per admin first, as that release did.
 */
@ApplicationScoped
public class DigestJob {

    private static final Logger LOG = Logger.getLogger(DigestJob.class);

    private static final String FOLD_PREVIOUS_RELEASE = "WITH held AS ("
            + " UPDATE notification_outbox SET status = 'DIGESTED'"
            + " WHERE id IN (SELECT id FROM notification_outbox WHERE status = 'HELD' AND kind = 'MEMBER_PROVISIONED' FOR UPDATE SKIP LOCKED)"
            + " RETURNING id, workspace_id, recipient, params)"
            + " INSERT INTO notification_outbox (event_id, recipient, workspace_id, kind, params, priority, next_attempt_at, created_at)"
            + " SELECT md5('digest:' || min(id)::text)::uuid, recipient, workspace_id, 'MEMBER_DIGEST',"
            + " jsonb_build_object('workspace', min(params->>'workspace'), 'count', count(*),"
            + " 'members', jsonb_path_query_array(jsonb_agg(params ORDER BY id), '$[0 to " + (NewMemberMailQueue.LISTED - 1) + "]')), 1, $1, $1"
            + " FROM held GROUP BY workspace_id, recipient"
            + " ON CONFLICT (event_id, recipient) DO NOTHING";

    private static final String RELEASE = "UPDATE notification_outbox SET status = 'PENDING', next_attempt_at = $1 "
            + "WHERE id IN (SELECT id FROM notification_outbox WHERE status = 'HELD' AND kind = 'MEMBER_DIGEST' FOR UPDATE SKIP LOCKED)";

    private final Pool pool;
    private final NotificationConfig config;
    private final Clock clock;

    public DigestJob(Pool pool, NotificationConfig config, Clock clock) {
        this.pool = pool;
        this.config = config;
        this.clock = clock;
    }

    @dev.jitprov.replica.DrainedAtShutdown
    @Scheduled(skipExecutionIf = dev.jitprov.replica.RoleSkips.UnlessNotifier.class, identity = "new-member-digest", cron = "{jit.notification.digest-cron}",
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

    /** Releases the held digests to the sender; returns how many digest mails are now due. */
    public Uni<Integer> compile() {
        Tuple now = Tuple.of(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
        return pool.withTransaction(conn -> conn.preparedQuery(FOLD_PREVIOUS_RELEASE).execute(now)
                .flatMap(folded -> conn.preparedQuery(RELEASE).execute(now).map(released -> folded.rowCount() + released.rowCount())));
    }
}
