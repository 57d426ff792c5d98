package dev.jitprov.expiry;

import dev.jitprov.eventstore.ConcurrencyConflictException;
import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.DomainException;
import dev.jitprov.provisioning.MemberCommand;
import dev.jitprov.provisioning.MemberDecider;
import dev.jitprov.provisioning.SessionEndReason;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Executes due deadlines through the domain (R12): a session past its expiry ends ({@code EXPIRED}; a temporary
 * member is then deleted with its other sessions), a temporary member past created + TTL is deleted.
 *
 * <p>One batch is one transaction: claim up to {@code batch-size} due rows with {@code FOR UPDATE SKIP LOCKED}
 * (another replica, or another worker of this one, skips them), decide and append each member's events with
 * {@link MemberStreams#decide(SqlConnection, String, String, EventMetadata, MemberStreams.Decider)} and delete the
 * row, all before the commit. A crash before the commit leaves the rows and no events, so they are claimed
 * again; after it, both the events and the deletion are durable, so a deadline is never executed twice. Each
 * deadline runs under a savepoint so that one refused or conflicting decision does not undo the others.
 */
@ApplicationScoped
public class Expirer {

    private static final Logger LOG = Logger.getLogger(Expirer.class);
    private static final Actor EXPIRER = Actor.system("expiry");

    private static final String CLAIM = "SELECT kind, workspace_id, member_key, target, due_at FROM expiry_deadlines "
            + "WHERE due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED";
    private static final String DELETE = "DELETE FROM expiry_deadlines WHERE workspace_id = $1 AND member_key = $2 AND kind = $3 AND target = $4";
    private static final String POSTPONE = "UPDATE expiry_deadlines SET attempts = attempts + 1, last_error = $5, due_at = $6 "
            + "WHERE workspace_id = $1 AND member_key = $2 AND kind = $3 AND target = $4";

    private final Pool pool;
    private final MemberStreams members;
    private final ExpiryConfig config;
    private final Clock clock;

    public Expirer(Pool pool, MemberStreams members, ExpiryConfig config, Clock clock) {
        this.pool = pool;
        this.members = members;
        this.config = config;
        this.clock = clock;
    }

    @dev.jitprov.replica.DrainedAtShutdown
    @Scheduled(skipExecutionIf = dev.jitprov.replica.RoleSkips.UnlessExpirer.class, identity = "expiry", every = "{jit.expiry.scan-interval}", delayed = "{jit.expiry.scan-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scan() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Integer>> workers = new ArrayList<>();
        for (int i = 0; i < Math.max(1, config.workers()); i++) {
            workers.add(drain());
        }
        return Uni.join().all(workers).andCollectFailures()
                .invoke(counts -> {
                    int total = counts.stream().mapToInt(Integer::intValue).sum();
                    if (total > 0) {
                        LOG.infof("expiry: %d deadlines executed", total);
                    }
                })
                .onFailure().invoke(f -> LOG.warnf("expiry scan failed, next scan retries: %s", f.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Runs batches until one comes back short; returns how many deadlines were claimed. */
    public Uni<Integer> drain() {
        return Multi.createBy().repeating().uni(this::expireDueBatch)
                .whilst(claimed -> claimed >= config.batchSize())
                .collect().in(() -> new int[1], (sum, claimed) -> sum[0] += claimed)
                .map(sum -> sum[0]);
    }

    /**
     * Claims and executes one batch of due deadlines in one transaction; safe to call from several threads and
     * replicas at once. @return how many deadlines were claimed
     */
    public Uni<Integer> expireDueBatch() {
        Instant now = clock.instant();
        return pool.withTransaction(conn -> conn.preparedQuery(CLAIM)
                .execute(Tuple.of(DeadlineRecorder.utc(now), config.batchSize()))
                .flatMap(rows -> {
                    List<Deadline> due = new ArrayList<>(rows.size());
                    rows.forEach(row -> due.add(toDeadline(row)));
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Deadline deadline : due) {
                        chain = chain.flatMap(ignored -> execute(conn, deadline, now, 1));
                    }
                    return chain.replaceWith(due.size());
                }));
    }

    private Uni<Void> execute(SqlConnection conn, Deadline d, Instant now, int attempt) {
        // Statements that do not depend on each other's answers are sent together (the connection keeps their
        // order): the savepoint with the decision's reads, the deadline's deletion with the release.
        return Uni.combine().all().unis(conn.query("SAVEPOINT deadline").execute(), decide(conn, d, now)).discardItems()
                .flatMap(ignored -> Uni.combine().all().unis(delete(conn, d), conn.query("RELEASE SAVEPOINT deadline").execute())
                        .discardItems())
                .onFailure().recoverWithUni(failure -> conn.query("ROLLBACK TO SAVEPOINT deadline").execute()
                        .flatMap(ignored -> afterFailure(conn, d, now, attempt, failure)));
    }

    private Uni<Void> afterFailure(SqlConnection conn, Deadline d, Instant now, int attempt, Throwable failure) {
        if (failure instanceof DomainException refused && refused.kind() == DomainException.Kind.NOT_FOUND) {
            // The session already ended (logout, revoke, another deadline): the deadline's work is done.
            return delete(conn, d);
        }
        if (failure instanceof ConcurrencyConflictException && attempt < config.conflictAttempts()) {
            // A sign-in or logout appended to the same stream meanwhile; decide again on the fresh stream.
            return execute(conn, d, now, attempt + 1);
        }
        LOG.warnf("expiry: %s deadline of %s in %s failed (attempt %d), retrying later: %s",
                d.kind(), d.memberKey(), d.workspaceId(), attempt, failure.toString());
        return conn.preparedQuery(POSTPONE)
                .execute(Tuple.tuple(List.of(d.workspaceId(), d.memberKey(), d.kind().name(), d.target(),
                        String.valueOf(failure), DeadlineRecorder.utc(now.plus(config.retryDelay())))))
                .replaceWithVoid();
    }

    private Uni<?> decide(SqlConnection conn, Deadline d, Instant now) {
        MemberCommand command = d.kind() == Deadline.Kind.SESSION
                ? new MemberCommand.EndSession(d.target(), SessionEndReason.EXPIRED, EXPIRER)
                : new MemberCommand.ExpireMember(config.memberTtl(), EXPIRER);
        EventMetadata metadata = new EventMetadata(d.workspaceId(), "system:expiry", "expiry-" + UUID.randomUUID(), null);
        return members.decide(conn, d.workspaceId(), d.memberKey(), metadata, ctx -> new MemberStreams.Decision<>(
                MemberDecider.decide(ctx.workspace(), ctx.member(), command, ctx.otherActiveAdmins(), now), null));
    }

    private Uni<Void> delete(SqlConnection conn, Deadline d) {
        return conn.preparedQuery(DELETE).execute(Tuple.of(d.workspaceId(), d.memberKey(), d.kind().name(), d.target()))
                .replaceWithVoid();
    }

    private static Deadline toDeadline(Row row) {
        return new Deadline(Deadline.Kind.valueOf(row.getString("kind")), row.getString("workspace_id"),
                row.getString("member_key"), row.getString("target"), row.getOffsetDateTime("due_at").toInstant());
    }
}
