package dev.jitprov.notification;

import io.quarkus.mailer.MailTemplate.MailTemplateInstance;
import io.quarkus.scheduler.Scheduled;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends queued admin mails (R16): at most once per event and recipient, retried with exponential backoff while
 * the SMTP server is down.
 *
 * <p>Which side of the send is recorded: BEFORE. One statement moves due rows from {@code PENDING} to
 * {@code SENDING} (claimed with {@code FOR UPDATE SKIP LOCKED}, so replicas never claim the same row) and commits;
 * only then is the mail handed to SMTP. A success marks it {@code SENT}; a failure reported by the mailer puts it
 * back to {@code PENDING} with a later {@code next_attempt_at}. A crash between the claim and the outcome leaves the
 * row in {@code SENDING} and it is never sent again: a lost mail is preferred to a duplicate (R16 says at most
 * once). The one ambiguous case is an SMTP failure after the server accepted the data (a timeout on the final
 * reply); it is retried, which may duplicate that single mail.
 */
@ApplicationScoped
public class MailSender {

    private static final Logger LOG = Logger.getLogger(MailSender.class);

    private static final String CLAIM = "UPDATE notification_outbox SET status = 'SENDING', attempts = attempts + 1, claimed_at = $1 "
            + "WHERE id IN (SELECT id FROM notification_outbox WHERE status = 'PENDING' AND next_attempt_at <= $1 "
            + "ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
            + "RETURNING id, recipient, kind, params, attempts";

    private final Pool pool;
    private final NotificationConfig config;
    private final Clock clock;
    private final AtomicLong stuck = new AtomicLong();

    public MailSender(Pool pool, NotificationConfig config, Clock clock, MeterRegistry metrics) {
        this.pool = pool;
        this.config = config;
        this.clock = clock;
        Gauge.builder("jit.mail.stuck", stuck, AtomicLong::get)
                .description("Mails left SENDING longer than jit.notification.stuck-after (sender died mid-send; not retried)")
                .register(metrics);
    }

    record PendingMail(long id, String recipient, MailKind kind, JsonObject params, int attempts) {
    }

    @Scheduled(skipExecutionIf = dev.jitprov.roles.RoleSkips.UnlessNotifier.class, identity = "admin-mail-sender", every = "{jit.notification.send-interval}", delayed = "{jit.notification.send-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sendDue() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return sendBatch()
                .onFailure().invoke(f -> LOG.warnf("mail sender round failed, next round retries: %s", f.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Claims and sends one batch; returns how many mails were claimed. */
    public Uni<Integer> sendBatch() {
        Instant now = clock.instant();
        return pool.preparedQuery(CLAIM).execute(Tuple.of(utc(now), config.batchSize())).flatMap(rows -> {
            List<PendingMail> mails = new ArrayList<>(rows.size());
            rows.forEach(row -> mails.add(toMail(row)));
            if (mails.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<Uni<Void>> sends = new ArrayList<>(mails.size());
            for (PendingMail mail : mails) {
                sends.add(send(mail));
            }
            return Uni.join().all(sends).andCollectFailures().replaceWith(mails.size());
        });
    }

    private Uni<Void> send(PendingMail mail) {
        return Uni.createFrom().deferred(() -> render(mail).to(mail.recipient()).from(config.from()).send())
                .flatMap(ignored -> pool.preparedQuery("UPDATE notification_outbox SET status = 'SENT', sent_at = $2, last_error = NULL WHERE id = $1")
                        .execute(Tuple.of(mail.id(), utc(clock.instant()))).replaceWithVoid())
                .onFailure().recoverWithUni(failure -> {
                    Duration backoff = backoff(mail.attempts());
                    LOG.warnf("mail %d (%s) to %s failed on attempt %d, retrying in %s: %s", mail.id(), mail.kind(), mail.recipient(),
                            mail.attempts(), backoff, failure.toString());
                    return pool.preparedQuery("UPDATE notification_outbox SET status = 'PENDING', next_attempt_at = $2, last_error = $3 WHERE id = $1")
                            .execute(Tuple.of(mail.id(), utc(clock.instant().plus(backoff)), String.valueOf(failure)))
                            .replaceWithVoid();
                });
    }

    /**
     * Counts the mails left {@code SENDING} for longer than {@code stuck-after} (the gauge {@code jit.mail.stuck}) and
     * logs them when there are any: each may or may not have reached its recipient, and is never retried
     * automatically (R16: at most once). docs/operations.md says how to resend or close them.
     */
    @Scheduled(skipExecutionIf = dev.jitprov.roles.RoleSkips.UnlessNotifier.class, identity = "admin-mail-stuck-check", every = "60s",
            delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> reportStuck() {
        return countStuck()
                .onFailure().invoke(f -> LOG.warnf("stuck mail check failed, next round retries: %s", f.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** The number of stuck mails now (also set on the gauge). */
    public Uni<Long> countStuck() {
        Instant before = clock.instant().minus(config.stuckAfter());
        // the total over all stuck rows (the window runs before LIMIT), the ids of the first hundred for the log; a row
        // claimed by a pod older than claimed_at (rolling upgrade) has none and is not counted rather than misreported
        return pool.preparedQuery("SELECT id, count(*) OVER () AS total FROM notification_outbox WHERE status = 'SENDING' "
                        + "AND claimed_at < $1 ORDER BY id LIMIT 100")
                .execute(Tuple.of(utc(before)))
                .map(rows -> {
                    List<Long> ids = new ArrayList<>();
                    long total = 0;
                    for (Row row : rows) {
                        ids.add(row.getLong("id"));
                        total = row.getLong("total");
                    }
                    stuck.set(total);
                    if (total > 0) {
                        LOG.errorf("%d admin mail(s) left SENDING for over %s (a sender died mid-send; maybe delivered, never "
                                + "retried): notification_outbox ids %s%s; see docs/operations.md", total, config.stuckAfter(), ids,
                                total > ids.size() ? " …" : "");
                    }
                    return total;
                });
    }

    /** initial * 2^(attempts-1), capped. */
    Duration backoff(int attempts) {
        Duration initial = config.retry().initialBackoff();
        Duration max = config.retry().maxBackoff();
        int doublings = Math.min(Math.max(0, attempts - 1), 30);
        Duration next = initial.multipliedBy(1L << doublings);
        return next.compareTo(max) > 0 || next.isNegative() ? max : next;
    }

    private static MailTemplateInstance render(PendingMail mail) {
        JsonObject p = mail.params();
        switch (mail.kind()) {
            case JIT_ENABLED:
                return AdminMails.jitEnabled(p.getString("workspace"), p.getString("actor"), p.getString("defaultRole"),
                        p.getBoolean("deleteAtSessionEnd", false), p.getString("at"))
                        .subject("JIT provisioning enabled for " + p.getString("workspace"));
            case JIT_DISABLED:
                return AdminMails.jitDisabled(p.getString("workspace"), p.getString("actor"), p.getString("at"))
                        .subject("JIT provisioning disabled for " + p.getString("workspace"));
            case MEMBER_PROVISIONED:
                return AdminMails.memberProvisioned(p.getString("workspace"), p.getString("email"), p.getString("role"),
                        p.getBoolean("temporary", false), p.getString("at"))
                        .subject("New member " + p.getString("email") + " in " + p.getString("workspace"));
            case TWO_FACTOR_LOCKED:
                return AdminMails.twoFactorLocked(p.getString("workspace"), p.getString("member"), p.getInteger("failures", 0),
                                p.getString("until"), p.getString("at"))
                        .subject("Two-factor sign-in locked for " + p.getString("member") + " in " + p.getString("workspace"));
            case MEMBER_DIGEST:
                List<DigestEntry> entries = new ArrayList<>();
                p.getJsonArray("members").forEach(item -> {
                    JsonObject m = item instanceof JsonObject o ? o : JsonObject.mapFrom(item);
                    entries.add(new DigestEntry(m.getString("email"), m.getString("role"), m.getBoolean("temporary", false), m.getString("at")));
                });
                return AdminMails.memberDigest(p.getString("workspace"), entries)
                        .subject("New members in " + p.getString("workspace") + ": " + entries.size());
            default:
                throw new IllegalStateException("unknown mail kind " + mail.kind());
        }
    }

    private static PendingMail toMail(Row row) {
        return new PendingMail(row.getLong("id"), row.getString("recipient"), MailKind.valueOf(row.getString("kind")),
                row.getJsonObject("params"), row.getInteger("attempts"));
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
