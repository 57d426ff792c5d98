package dev.jitprov.members;

import dev.jitprov.eventstore.ConcurrencyConflictException;
import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.eventstore.EventStore;
import dev.jitprov.eventstore.Locks;
import dev.jitprov.eventstore.NewEvent;
import dev.jitprov.provisioning.MemberDecider;
import dev.jitprov.provisioning.MemberEvent;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.MemberState;
import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The runner of member decisions: reads the workspace and the member's own events (never a lagging view; from the
 * stream's snapshot on, {@link MemberSnapshots}) under the member's lock, decides, appends with the expected version
 * and, in the same transaction, keeps the state beside the log in step ({@link MemberStateBesideTheLog}). A concurrent writer (two first sign-ins of one user) makes the
 * append conflict; the whole decision is then retried on fresh state, a bounded number of times
 * ({@link MembersConfig#maxAttempts()}). R10's count of other admins comes from {@link AdminGuard}.
 */
@ApplicationScoped
public class MemberStreams {

    private static final Logger LOG = Logger.getLogger(MemberStreams.class);

    /** The inputs of a member decision. {@code otherActiveAdmins}: other live members holding security-settings:manage. */
    public record Context(WorkspaceState workspace, MemberState member, int otherActiveAdmins) {
    }

    public record Decision<T>(List<MemberEvent> events, T result) {
    }

    @FunctionalInterface
    public interface Decider<T> {
        Decision<T> decide(Context context);
    }

    /** What was appended, the member after it, and the cookie secrets of sessions it opened. */
    public record Outcome<T>(T result, List<MemberEvent> events, MemberState before, MemberState after,
                             Map<String, String> sessionSecrets, boolean twoFactorRequired) {
    }

    private final EventStore store;
    private final Pool pool;
    private final Workspaces workspaces;
    private final MemberStateBesideTheLog beside;
    private final MembersConfig config;
    private final MemberSnapshots snapshots;
    private final java.time.Clock clock;

    public MemberStreams(EventStore store, Pool pool, Workspaces workspaces, MemberStateBesideTheLog beside, MembersConfig config,
                         MemberSnapshots snapshots, java.time.Clock clock) {
        this.clock = clock;
        this.snapshots = snapshots;
        this.store = store;
        this.pool = pool;
        this.workspaces = workspaces;
        this.beside = beside;
        this.config = config;
    }

    /** Runs a member command through {@link MemberDecider} on the member's own stream, in a transaction of its own. */
    public Uni<Outcome<Void>> execute(String workspaceId, String memberKey, EventMetadata metadata, dev.jitprov.provisioning.MemberCommand command) {
        return decide(workspaceId, memberKey, metadata, commandDecider(command));
    }

    /** Same, inside the caller's transaction. */
    public Uni<Outcome<Void>> execute(SqlConnection conn, String workspaceId, String memberKey, EventMetadata metadata,
                                      dev.jitprov.provisioning.MemberCommand command) {
        return decide(conn, workspaceId, memberKey, metadata, commandDecider(command));
    }

    private Decider<Void> commandDecider(dev.jitprov.provisioning.MemberCommand command) {
        return ctx -> new Decision<>(MemberDecider.DECIDER.decide(new MemberDecider.Request(ctx.workspace(), command,
                ctx.otherActiveAdmins(), clock.instant()), ctx.member()), null);
    }

    public <T> Uni<Outcome<T>> decide(String workspaceId, String memberKey, EventMetadata metadata, Decider<T> decider) {
        return attempt(workspaceId, memberKey, metadata, conn -> Uni.createFrom().item(true), null, decider, false, 1);
    }

    /**
     * A sign-in's decision (the decider is {@code SignInDecider}'s), only when {@code admission} says yes; otherwise
     * nothing is written and the outcome's result is {@code refused}. The SAML replay-cache claim uses it so that the
     * claim and the sign-in commit together. The admission runs in the same transaction, after the member's lock.
     */
    public <T> Uni<Outcome<T>> decideIfAdmitted(String workspaceId, String memberKey, EventMetadata metadata,
                                                 java.util.function.Function<SqlConnection, Uni<Boolean>> admission, T refused,
                                                 Decider<T> decider) {
        return attempt(workspaceId, memberKey, metadata, admission, refused, decider, true, 1);
    }

    /** Same, inside the caller's transaction (no retry: the caller owns the transaction). */
    public <T> Uni<Outcome<T>> decide(SqlConnection conn, String workspaceId, String memberKey, EventMetadata metadata,
                                      Decider<T> decider) {
        return inputs(conn, workspaceId, memberKey).flatMap(inputs -> decide(conn, inputs, workspaceId, memberKey, metadata, decider, false));
    }

    /** The workspace and the member as of holding the member's lock. */
    private record Inputs(WorkspaceState workspace, MemberSnapshots.Loaded loaded) {
        MemberState member() {
            return loaded.member();
        }
    }

    /**
     * Takes the member's locks and reads the workspace and the member's stream. Writers of one member queue on a
     * transaction-scoped lock instead of racing and retrying: twenty simultaneous first sign-ins of one user would
     * otherwise conflict in rounds. The expected version stays the guarantee; the lock only removes the retry storm.
     * The lock and both reads are sent at once: the connection runs them in order, so the reads still see the stream
     * as of holding the lock, for one round trip instead of three.
     * The second lock is shared by all member decisions of the workspace and exclusive for a custom role's deletion
     * (RolesResource): a deletion counts the role's holders only when no decision that could assign that role is in
     * flight, and decisions after it read a workspace without the role.
     */
    private Uni<Inputs> inputs(SqlConnection conn, String workspaceId, String memberKey) {
        Uni<?> locked = Locks.exclusiveAndShared(conn, Locks.memberStream(workspaceId, memberKey), Locks.roles(workspaceId));
        Uni<WorkspaceState> loaded = workspaces.load(conn, workspaceId);
        Uni<MemberSnapshots.Loaded> read = snapshots.load(conn, MemberKeys.streamId(workspaceId, memberKey));
        return Uni.combine().all().unis(locked, loaded, read).asTuple().map(inputs -> new Inputs(inputs.getItem2(), inputs.getItem3()));
    }

    /**
     * @param signIn the decider is {@code SignInDecider}'s, which reads R10's count only for a member whose stored role
     *               is an admin role (a sign-in changes no other member's role and demotes only from the stored one):
     *               for any other member the count is not read ({@link AdminGuard#NOT_COUNTED}), one statement less
     */
    private <T> Uni<Outcome<T>> decide(SqlConnection conn, Inputs inputs, String workspaceId, String memberKey, EventMetadata metadata,
                                       Decider<T> decider, boolean signIn) {
        WorkspaceState workspace = inputs.workspace();
        MemberState member = inputs.member();
        Uni<Integer> otherAdmins = signIn && !workspace.isAdminRole(member.storedRole())
                ? Uni.createFrom().item(AdminGuard.NOT_COUNTED)
                : AdminGuard.otherActiveAdmins(conn, workspace, member, workspaceId, memberKey);
        return otherAdmins.flatMap(admins -> {
            Decision<T> decision = decider.decide(new Context(workspace, member, admins));
            if (decision.events().isEmpty()) {
                return Uni.createFrom().item(new Outcome<>(decision.result(), List.<MemberEvent>of(), member, member, Map.<String, String>of(),
                        workspace.security().twoFactorRequired()));
            }
            List<NewEvent> toAppend = new ArrayList<>();
            for (MemberEvent event : decision.events()) {
                toAppend.add(new NewEvent(UUID.randomUUID(), event, metadata, event.at()));
            }
            MemberState after = MemberDecider.DECIDER.fold(member, decision.events());
            Map<String, String> secrets = new HashMap<>();
            // The append and the writes beside the log are sent at once (one round trip). If the append conflicts,
            // PostgreSQL refuses the writes queued after it and its failure is the first to arrive.
            String streamId = MemberKeys.streamId(workspaceId, memberKey);
            Uni<Void> appended = store.append(conn, streamId, (int) member.version(), toAppend).replaceWithVoid();
            Uni<Void> besideWritten = beside.apply(conn, workspace, workspaceId, memberKey, decision.events(), secrets);
            Uni<Void> snapshot = snapshots.saveIfDue(conn, streamId, inputs.loaded(), after, toAppend.size());
            return Uni.join().all(appended, besideWritten, snapshot).andFailFast()
                    .map(ignored -> new Outcome<>(decision.result(), decision.events(), member, after, Map.copyOf(secrets),
                            workspace.security().twoFactorRequired()));
        });
    }

    /** The inputs a decision would see now, read without locking or writing (previews such as the R20 inspector). */
    public Uni<Context> peek(String workspaceId, String memberKey) {
        return workspaces.load(pool, workspaceId).flatMap(workspace -> snapshots.load(pool, MemberKeys.streamId(workspaceId, memberKey))
                .flatMap(loaded -> {
                    MemberState member = loaded.member();
                    return AdminGuard.countOtherAdmins(pool, workspace, workspaceId, memberKey)
                            .map(admins -> new Context(workspace, member, admins));
                }));
    }

    private <T> Uni<Outcome<T>> attempt(String workspaceId, String memberKey, EventMetadata metadata,
                                        java.util.function.Function<SqlConnection, Uni<Boolean>> admission, T refused,
                                        Decider<T> decider, boolean admissionIsSignIn, int attempt) {
        // The admission's statements are queued right behind the lock and the reads (one round trip); they run once
        // the lock is held, so the transaction's first write (and its id, the relay's order) comes after the lock.
        return pool.withTransaction(conn -> Uni.combine().all().unis(inputs(conn, workspaceId, memberKey), admission.apply(conn)).asTuple()
                        .flatMap(both -> both.getItem2()
                                ? decide(conn, both.getItem1(), workspaceId, memberKey, metadata, decider, admissionIsSignIn)
                                : Uni.createFrom().item(new Outcome<>(refused, List.<MemberEvent>of(), MemberState.initial(), MemberState.initial(),
                                        Map.<String, String>of(), false))))
                .onFailure(ConcurrencyConflictException.class).recoverWithUni(conflict -> {
                    if (attempt >= config.maxAttempts()) {
                        LOG.warnf("member %s of %s: giving up after %d concurrent attempts", memberKey, workspaceId, attempt);
                        return Uni.createFrom().failure(conflict);
                    }
                    Duration pause = Duration.ofMillis(ThreadLocalRandom.current().nextLong(1, 10L * attempt));
                    return Uni.createFrom().voidItem().onItem().delayIt().by(pause)
                            .flatMap(ignored -> attempt(workspaceId, memberKey, metadata, admission, refused, decider, admissionIsSignIn, attempt + 1));
                });
    }

}
