package dev.jitprov.members;

import dev.jitprov.eventstore.ConcurrencyConflictException;
import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.eventstore.EventStore;
import dev.jitprov.eventstore.Locks;
import dev.jitprov.eventstore.NewEvent;
import dev.jitprov.eventstore.StoredEvent;
import dev.jitprov.provisioning.LoginRejected;
import dev.jitprov.provisioning.MemberEvent;
import dev.jitprov.provisioning.MemberEvent.OwnerCreated;
import dev.jitprov.provisioning.MemberEvent.RoleChanged;
import dev.jitprov.provisioning.MemberEvent.SessionEnded;
import dev.jitprov.provisioning.MemberEvent.SessionStarted;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.provisioning.MemberEvent.UserInvited;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.MemberOrigin;
import dev.jitprov.provisioning.MemberState;
import dev.jitprov.provisioning.Role;
import dev.jitprov.provisioning.WorkspaceCommand;
import dev.jitprov.provisioning.WorkspaceEvent.ApiTokenRevoked;
import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.session.BrowserSessions;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a decision on one member's stream: reads the workspace and the member's own events (never a lagging
 * view), decides, appends with the expected version and, in the same transaction, keeps the member index and
 * the live browser sessions in step. A concurrent writer (two first sign-ins of one user) makes the append
 * conflict; the whole decision is then retried on fresh state, a bounded number of times.
 */
@ApplicationScoped
public class MemberStreams {

    private static final Logger LOG = Logger.getLogger(MemberStreams.class);

    @ConfigMapping(prefix = "jit.members")
    public interface MembersConfig {
        /** Attempts of a member decision when its stream moved on concurrently. */
        @WithDefault("8")
        int maxAttempts();
    }

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
    private final BrowserSessions sessions;
    private final MembersConfig config;

    public MemberStreams(EventStore store, Pool pool, Workspaces workspaces, BrowserSessions sessions, MembersConfig config,
                         java.time.Clock clock) {
        this.clock = clock;
        this.store = store;
        this.pool = pool;
        this.workspaces = workspaces;
        this.sessions = sessions;
        this.config = config;
    }

    private final java.time.Clock clock;

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
        return ctx -> new Decision<>(dev.jitprov.provisioning.MemberDecider.decide(ctx.workspace(), ctx.member(), command,
                ctx.otherActiveAdmins(), clock.instant()), null);
    }

    public static UUID memberId(String workspaceId, String memberKey) {
        return UUID.nameUUIDFromBytes((workspaceId + "\n" + memberKey).getBytes(StandardCharsets.UTF_8));
    }

    public <T> Uni<Outcome<T>> decide(String workspaceId, String memberKey, EventMetadata metadata, Decider<T> decider) {
        return attempt(workspaceId, memberKey, metadata, conn -> Uni.createFrom().item(true), null, decider, 1);
    }

    /**
     * Same, but only when {@code admission} (run first, in the same transaction) says yes; otherwise nothing is
     * written and the outcome's result is {@code refused}. The SAML replay-cache claim uses it so that the claim
     * and the sign-in commit together.
     */
    public <T> Uni<Outcome<T>> decideIfAdmitted(String workspaceId, String memberKey, EventMetadata metadata,
                                                 java.util.function.Function<SqlConnection, Uni<Boolean>> admission, T refused,
                                                 Decider<T> decider) {
        return attempt(workspaceId, memberKey, metadata, admission, refused, decider, 1);
    }

    /** Same, inside the caller's transaction (no retry: the caller owns the transaction). */
    public <T> Uni<Outcome<T>> decide(SqlConnection conn, String workspaceId, String memberKey, EventMetadata metadata,
                                      Decider<T> decider) {
        String streamId = MemberKeys.streamId(workspaceId, memberKey);
        // Writers of one member queue on a transaction-scoped lock instead of racing and retrying: twenty
        // simultaneous first sign-ins of one user would otherwise conflict in rounds. The expected version
        // stays the guarantee; the lock only removes the retry storm.
        // The lock and both reads are sent at once: the connection runs them in order, so the reads still see
        // the stream as of holding the lock, for one round trip instead of three.
        // The second lock is shared by all member decisions of the workspace and exclusive for a custom role's
        // deletion (RolesResource): a deletion counts the role's holders only when no decision that could assign
        // that role is in flight, and decisions after it read a workspace without the role.
        Uni<?> locked = Locks.exclusiveAndShared(conn, Locks.memberStream(workspaceId, memberKey), Locks.roles(workspaceId));
        Uni<WorkspaceState> loaded = workspaces.load(conn, workspaceId);
        Uni<List<StoredEvent>> read = store.readStream(conn, streamId, 0);
        return Uni.combine().all().unis(locked, loaded, read).asTuple().flatMap(inputs -> {
                    WorkspaceState workspace = inputs.getItem2();
                    MemberState member = MemberState.fold(store.decodeAll(inputs.getItem3(), MemberEvent.class));
                    return otherActiveAdmins(conn, workspace, member, workspaceId, memberKey).flatMap(admins -> {
                        Decision<T> decision = decider.decide(new Context(workspace, member, admins));
                        if (decision.events().isEmpty()) {
                            return Uni.createFrom().item(new Outcome<>(decision.result(), List.<MemberEvent>of(), member, member, Map.<String, String>of(),
                                    workspace.security().twoFactorRequired()));
                        }
                        List<NewEvent> toAppend = new ArrayList<>();
                        for (MemberEvent event : decision.events()) {
                            toAppend.add(new NewEvent(UUID.randomUUID(), event, metadata, event.at()));
                        }
                        MemberState after = MemberState.fold(member, decision.events());
                        Map<String, String> secrets = new HashMap<>();
                        return store.append(conn, streamId, (int) member.version(), toAppend)
                                .flatMap(ignored -> applyBeside(conn, workspace, workspaceId, memberKey, decision.events(), secrets))
                                .map(ignored -> new Outcome<>(decision.result(), decision.events(), member, after, Map.copyOf(secrets),
                                        workspace.security().twoFactorRequired()));
                    });
                });
    }

    /** The inputs a decision would see now, read without locking or writing (previews such as the R20 inspector). */
    public Uni<Context> peek(String workspaceId, String memberKey) {
        return workspaces.load(pool, workspaceId).flatMap(workspace -> store.readStream(pool, MemberKeys.streamId(workspaceId, memberKey), 0)
                .flatMap(stored -> {
                    MemberState member = MemberState.fold(store.decodeAll(stored, MemberEvent.class));
                    return countOtherAdmins(pool, workspace, workspaceId, memberKey)
                            .map(admins -> new Context(workspace, member, admins));
                }));
    }

    /** A rejected sign-in is its own one-event stream: no contention, and it never touches a member's stream. */
    public Uni<Void> recordRejection(LoginRejected rejection, EventMetadata metadata) {
        return store.append("rejection-" + metadata.workspaceId() + "-" + UUID.randomUUID(), 0,
                List.of(new NewEvent(UUID.randomUUID(), rejection, metadata, rejection.at()))).replaceWithVoid();
    }

    private <T> Uni<Outcome<T>> attempt(String workspaceId, String memberKey, EventMetadata metadata,
                                        java.util.function.Function<SqlConnection, Uni<Boolean>> admission, T refused,
                                        Decider<T> decider, int attempt) {
        return pool.withTransaction(conn -> admission.apply(conn).flatMap(admitted -> admitted
                        ? decide(conn, workspaceId, memberKey, metadata, decider)
                        : Uni.createFrom().item(new Outcome<>(refused, List.<MemberEvent>of(), MemberState.initial(), MemberState.initial(),
                                Map.<String, String>of(), false))))
                .onFailure(ConcurrencyConflictException.class).recoverWithUni(conflict -> {
                    if (attempt >= config.maxAttempts()) {
                        LOG.warnf("member %s of %s: giving up after %d concurrent attempts", memberKey, workspaceId, attempt);
                        return Uni.createFrom().failure(conflict);
                    }
                    Duration pause = Duration.ofMillis(ThreadLocalRandom.current().nextLong(1, 10L * attempt));
                    return Uni.createFrom().voidItem().onItem().delayIt().by(pause)
                            .flatMap(ignored -> attempt(workspaceId, memberKey, metadata, admission, refused, decider, attempt + 1));
                });
    }

    private Uni<Integer> otherActiveAdmins(SqlConnection conn, WorkspaceState workspace, MemberState member,
                                           String workspaceId, String memberKey) {
        Uni<Void> lock = member.isMember() && member.isAdminIn(workspace)
                // Serialize decisions that could take away the last admin of the workspace (R10).
                ? Locks.exclusive(conn, Locks.admins(workspaceId))
                : Uni.createFrom().voidItem();
        return lock.flatMap(ignored -> countOtherAdmins(conn, workspace, workspaceId, memberKey));
    }

    /** Live members other than {@code memberKey} whose stored role grants security-settings:manage (R10). */
    private static Uni<Integer> countOtherAdmins(io.vertx.mutiny.sqlclient.SqlClient client, WorkspaceState workspace,
                                                 String workspaceId, String memberKey) {
        String[] adminRoles = workspace.allRoles().stream().filter(Role::managesSecuritySettings).map(Role::name).toArray(String[]::new);
        return client.preparedQuery("SELECT count(*) AS admins FROM member_index WHERE workspace_id = $1 AND member_key <> $2 AND role = ANY($3)")
                .execute(Tuple.of(workspaceId, memberKey, adminRoles))
                .map(rows -> rows.iterator().next().getLong("admins").intValue());
    }

    private Uni<Void> applyBeside(SqlConnection conn, WorkspaceState workspace, String workspaceId, String memberKey,
                                  List<MemberEvent> events, Map<String, String> secrets) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (MemberEvent event : events) {
            chain = chain.flatMap(ignored -> applyBeside(conn, workspace, workspaceId, memberKey, event, secrets));
        }
        return chain;
    }

    private Uni<Void> applyBeside(SqlConnection conn, WorkspaceState workspace, String ws, String key, MemberEvent event,
                                  Map<String, String> secrets) {
        if (event instanceof UserProvisioned e) {
            return index(conn, ws, key, e.email(), e.role(), e.origin(), e.temporary(), e.at());
        } else if (event instanceof UserInvited e) {
            return index(conn, ws, key, e.email(), e.role(), MemberOrigin.INVITE, false, e.at());
        } else if (event instanceof OwnerCreated e) {
            return index(conn, ws, key, e.email(), e.role(), MemberOrigin.PASSWORD, false, e.at());
        } else if (event instanceof RoleChanged e) {
            return conn.preparedQuery("UPDATE member_index SET role = $3 WHERE workspace_id = $1 AND member_key = $2")
                    .execute(Tuple.of(ws, key, e.to())).replaceWithVoid();
        } else if (event instanceof MemberEvent.NotificationPreferenceChanged e) {
            // read by the notifier when it picks the recipients of new-member mails (R16)
            return conn.preparedQuery("UPDATE member_index SET new_member_mails = $3 WHERE workspace_id = $1 AND member_key = $2")
                    .execute(Tuple.of(ws, key, e.newMemberMails())).replaceWithVoid();
        } else if (event instanceof SessionStarted e) {
            // the workspace this transaction decided with says whether the session waits for a second factor (R14)
            return sessions.open(conn, UUID.fromString(e.sessionId()), ws, key, e.effectiveRole(), e.startedAt(), e.expiresAt(),
                            workspace.security().twoFactorRequired())
                    .invoke(secret -> secrets.put(e.sessionId(), secret)).replaceWithVoid();
        } else if (event instanceof SessionEnded e) {
            return sessions.close(conn, UUID.fromString(e.sessionId()));
        } else if (event instanceof UserDeleted e) {
            // three independent deletes, sent together (one round trip)
            return Uni.combine().all().unis(sessions.closeAllOf(conn, ws, key),
                            conn.preparedQuery("DELETE FROM member_index WHERE workspace_id = $1 AND member_key = $2").execute(Tuple.of(ws, key)),
                            conn.preparedQuery("DELETE FROM credentials WHERE workspace_id = $1 AND member_key = $2").execute(Tuple.of(ws, key)))
                    .discardItems()
                    .flatMap(ignored -> revokeTokensOf(conn, ws, key, e));
        }
        return Uni.createFrom().voidItem();
    }

    /**
     * G3: a member's API tokens die with it, in the deletion's transaction, each revocation audited on the workspace
     * stream with the deletion's reason. Members rarely hold tokens, so the workspace stream is written only then;
     * if it moved meanwhile the whole member decision runs again (ConcurrencyConflictException).
     */
    private Uni<Void> revokeTokensOf(SqlConnection conn, String ws, String key, UserDeleted deleted) {
        String reason = ApiTokenRevoked.memberDeleted(deleted.reason());
        return conn.preparedQuery("UPDATE api_tokens SET revoked_at = $3, revoked_reason = $4 "
                        + "WHERE workspace_id = $1 AND member_key = $2 AND revoked_at IS NULL RETURNING id, name")
                .execute(Tuple.of(ws, key, OffsetDateTime.ofInstant(deleted.at(), ZoneOffset.UTC), reason))
                .flatMap(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (var row : rows) {
                        WorkspaceCommand.RevokeApiToken revoke = new WorkspaceCommand.RevokeApiToken(row.getUUID("id").toString(),
                                row.getString("name"), reason, deleted.actor());
                        chain = chain.flatMap(ignored -> workspaces.execute(conn, ws, revoke, UUID.randomUUID().toString()).replaceWithVoid());
                    }
                    return chain;
                });
    }

    private Uni<Void> index(SqlConnection conn, String ws, String key, String email, String role, MemberOrigin origin,
                            boolean temporary, java.time.Instant at) {
        return conn.preparedQuery("INSERT INTO member_index (workspace_id, member_key, member_id, email, role, origin, temporary, created_at) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (workspace_id, member_key) DO UPDATE SET "
                        + "email = EXCLUDED.email, role = EXCLUDED.role, origin = EXCLUDED.origin, temporary = EXCLUDED.temporary, created_at = EXCLUDED.created_at, "
                        + "new_member_mails = true")
                .execute(Tuple.tuple(List.of(ws, key, memberId(ws, key), email, role, origin.name(), temporary,
                        OffsetDateTime.ofInstant(at, ZoneOffset.UTC))))
                .replaceWithVoid();
    }
}
