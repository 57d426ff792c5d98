package dev.jitprov.notification;

import io.quarkus.mailer.MailTemplate.MailTemplateInstance;
import io.quarkus.scheduler.Scheduled;
import dev.jitprov.workspace.ServiceUrls;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
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
 * only then is the mail handed to SMTP. The mails a batch got accepted are marked {@code SENT} together; a failure
 * reported by the mailer puts that mail back to {@code PENDING} with a later {@code next_attempt_at}, without holding
 * up the others. A crash between the claim and the outcome leaves the row in {@code SENDING} and it is never sent
 * again: a lost mail is preferred to a duplicate (R16 says at most once). The one ambiguous case is an SMTP failure after the server accepted the data (a timeout on the final
 * reply); it is retried, which may duplicate that single mail.
 */
@ApplicationScoped
public class MailSender {

    private static final Logger LOG = Logger.getLogger(MailSender.class);

    /**
     * Due rows by priority (configuration mails first), then one workspace after another: the n-th mail of every
     * workspace goes before the (n+1)-th of any, so one workspace's backlog never delays another's. The window
     * function reads every due row; the outbox holds O(admins × windows) of them (issue 21), not one per member.
     */
    private static final String CLAIM = "UPDATE notification_outbox SET status = 'SENDING', attempts = attempts + 1, claimed_at = $1 "
            + "WHERE id IN (SELECT id FROM notification_outbox WHERE status = 'PENDING' AND id IN ("
            + "SELECT id FROM (SELECT id, priority, next_attempt_at, "
            + "row_number() OVER (PARTITION BY priority, workspace_id ORDER BY next_attempt_at, id) AS turn "
            + "FROM notification_outbox WHERE status = 'PENDING' AND next_attempt_at <= $1) AS due "
            + "ORDER BY priority, turn, next_attempt_at LIMIT $2) FOR UPDATE SKIP LOCKED) "
            + "RETURNING id, recipient, workspace_id, kind, params, attempts";

    /** One sender round never runs longer than this: the scheduler's next tick picks up the rest. */
    private static final Duration MAX_DRAIN = Duration.ofSeconds(30);

    private final Pool pool;
    private final NotificationConfig config;
    private final Clock clock;
    private final ServiceUrls urls;
    private final AtomicLong stuck = new AtomicLong();
    private final Counter sent;

    public MailSender(Pool pool, NotificationConfig config, Clock clock, ServiceUrls urls, MeterRegistry metrics) {
        this.pool = pool;
        this.config = config;
        this.clock = clock;
        this.urls = urls;
        this.sent = Counter.builder("jit.mail.sent").description("Admin mails accepted by the SMTP server").register(metrics);
        Gauge.builder("jit.mail.stuck", stuck, AtomicLong::get)
                .description("Mails left SENDING longer than jit.notification.stuck-after (sender died mid-send; not retried)")
                .register(metrics);
    }

    record PendingMail(long id, String recipient, String workspaceId, MailKind kind, JsonObject params, int attempts) {
    }

    @dev.jitprov.replica.DrainedAtShutdown
    @Scheduled(skipExecutionIf = dev.jitprov.replica.RoleSkips.UnlessNotifier.class, identity = "admin-mail-sender", every = "{jit.notification.send-interval}", delayed = "{jit.notification.send-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sendDue() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return drain()
                .onFailure().invoke(f -> LOG.warnf("mail sender round failed, next round retries: %s", f.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Sends batches back to back while they come back full (a backlog drains at SMTP speed, not one batch per tick),
     * for at most {@link #MAX_DRAIN}; returns how many mails were claimed. Each batch claims by priority again, so
     * a configuration mail queued meanwhile waits for one batch at most.
     */
    public Uni<Integer> drain() {
        Instant until = clock.instant().plus(MAX_DRAIN);
        return drain(0, until);
    }

    private Uni<Integer> drain(int claimedSoFar, Instant until) {
        return sendBatch().flatMap(claimed -> claimed < config.batchSize() || !clock.instant().isBefore(until)
                ? Uni.createFrom().item(claimedSoFar + claimed)
                : drain(claimedSoFar + claimed, until));
    }

    /**
     * Claims one batch and sends it, {@code send-concurrency} mails at a time; the accepted ones are marked
     * {@code SENT} together. Returns how many mails were claimed.
     */
    public Uni<Integer> sendBatch() {
        return sendBatch(config.batchSize(), config.sendConcurrency());
    }

    /** Same with another batch size and parallelism (the benchmark compares settings in one run). */
    public Uni<Integer> sendBatch(int batchSize, int concurrency) {
        Instant now = clock.instant();
        return pool.preparedQuery(CLAIM).execute(Tuple.of(utc(now), batchSize)).flatMap(rows -> {
            List<PendingMail> mails = new ArrayList<>(rows.size());
            rows.forEach(row -> mails.add(toMail(row)));
            if (mails.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return Multi.createFrom().iterable(mails)
                    .onItem().transformToUni(this::send).merge(Math.max(1, concurrency))
                    .filter(id -> id != null)
                    .collect().asList()
                    .flatMap(this::markSent)
                    .replaceWith(mails.size());
        });
    }

    /** Hands one mail to SMTP; its id when accepted, null when it failed (then it is already rescheduled). */
    private Uni<Long> send(PendingMail mail) {
        return Uni.createFrom().deferred(() -> render(mail).to(mail.recipient()).from(config.from()).send())
                .replaceWith(mail.id())
                .onFailure().recoverWithUni(failure -> {
                    Duration backoff = backoff(mail.attempts());
                    LOG.warnf("mail %d (%s) to %s failed on attempt %d, retrying in %s: %s", mail.id(), mail.kind(), mail.recipient(),
                            mail.attempts(), backoff, failure.toString());
                    return pool.preparedQuery("UPDATE notification_outbox SET status = 'PENDING', next_attempt_at = $2, last_error = $3 WHERE id = $1")
                            .execute(Tuple.of(mail.id(), utc(clock.instant().plus(backoff)), String.valueOf(failure)))
                            .replaceWith((Long) null);
                });
    }

    private Uni<Void> markSent(List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        sent.increment(ids.size());
        return pool.preparedQuery("UPDATE notification_outbox SET status = 'SENT', sent_at = $2, last_error = NULL WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(Long[]::new), utc(clock.instant()))).replaceWithVoid();
    }

    /**
     * Counts the mails left {@code SENDING} for longer than {@code stuck-after} (the gauge {@code jit.mail.stuck}) and
     * logs them when there are any: each may or may not have reached its recipient, and is never retried
     * automatically (R16: at most once). docs/operations.md says how to resend or close them.
     */
    @dev.jitprov.replica.DrainedAtShutdown
    @Scheduled(skipExecutionIf = dev.jitprov.replica.RoleSkips.UnlessNotifier.class, identity = "admin-mail-stuck-check", every = "60s",
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

    private MailTemplateInstance render(PendingMail mail) {
        JsonObject p = mail.params();
        String workspace = p.getString("workspace");
        switch (mail.kind()) {
            case JIT_ENABLED:
                return AdminMails.jitEnabled(workspace, p.getString("actor"), p.getString("defaultRole"),
                        p.getBoolean("deleteAtSessionEnd", false), p.getString("at"))
                        .subject("JIT provisioning enabled for " + workspace);
            case JIT_UPDATED:
                return AdminMails.jitUpdated(workspace, p.getString("actor"), p.getString("defaultRole"), p.getString("changed"), p.getString("at"))
                        .subject("JIT provisioning settings changed for " + workspace);
            case JIT_DISABLED:
                return AdminMails.jitDisabled(workspace, p.getString("actor"), p.getString("at"))
                        .subject("JIT provisioning disabled for " + workspace);
            case MEMBER_PROVISIONED: {
                // rows written before issue 18 carry no origin: they were all JIT
                String origin = p.getString("origin", "JIT");
                return AdminMails.memberProvisioned(workspace, p.getString("email"), p.getString("role"),
                        p.getBoolean("temporary", false), p.getString("at"), membersLink(origin), "SCIM".equals(origin))
                        .subject("New member " + p.getString("email") + " in " + workspace);
            }
            case TWO_FACTOR_LOCKED:
                return AdminMails.twoFactorLocked(workspace, p.getString("member"), p.getInteger("failures", 0),
                                p.getString("until"), p.getString("at"))
                        .subject("Two-factor sign-in locked for " + p.getString("member") + " in " + workspace);
            case MEMBER_BATCH:
            case MEMBER_DIGEST:
                List<DigestEntry> entries = new ArrayList<>();
                java.util.Set<String> origins = new java.util.TreeSet<>();
                p.getJsonArray("members").forEach(item -> {
                    JsonObject m = item instanceof JsonObject o ? o : JsonObject.mapFrom(item);
                    entries.add(new DigestEntry(m.getString("email"), m.getString("role"), m.getBoolean("temporary", false), m.getString("at")));
                    origins.add(m.getString("origin", "JIT"));
                });
                // one method at a time in a workspace; a switch inside one window names both
                String only = origins.size() == 1 ? origins.iterator().next() : null;
                String method = only == null ? "Just-in-Time and SCIM provisioning" : only.equals("SCIM") ? "SCIM provisioning" : "Just-in-Time provisioning";
                // rows of the previous release list every member and carry no count
                int count = p.getInteger("count", entries.size());
                boolean digest = mail.kind() == MailKind.MEMBER_DIGEST;
                return AdminMails.memberSummary(workspace, count, entries, Math.max(0, count - entries.size()), membersLink(only), digest, method)
                        .subject(digest ? "New members in " + workspace + ": " + count
                                : count + (count == 1 ? " new member" : " new members") + " provisioned by " + (only == null ? "JIT and SCIM" : only)
                                + " in " + workspace);
            default:
                throw new IllegalStateException("unknown mail kind " + mail.kind());
        }
    }

    /** The console's Members page, filtered on the members' origin (JIT or SCIM) when there is one. */
    private String membersLink(String origin) {
        return urls.baseUrl() + "/console/members" + (origin == null ? "" : "?origin=" + origin);
    }

    private static PendingMail toMail(Row row) {
        return new PendingMail(row.getLong("id"), row.getString("recipient"), row.getString("workspace_id"), MailKind.valueOf(row.getString("kind")),
                row.getJsonObject("params"), row.getInteger("attempts"));
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
