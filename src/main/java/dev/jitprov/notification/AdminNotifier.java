package dev.jitprov.notification;

import dev.jitprov.replica.DrainedAtShutdown;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.CloudEventEnvelope;
import dev.jitprov.eventstore.EventTypes;
import dev.jitprov.eventstore.ProcessedEvents;
import dev.jitprov.eventstore.Writes;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberEvent.TwoFactorFailed;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.MemberOrigin;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningDisabled;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningEnabled;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningUpdated;
import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Queues the e-mails of the admins (holders of {@code security-settings:manage}) when JIT is enabled, updated or
 * disabled, when a member's second factor is locked, and when members are created by JIT (R16). It only writes
 * {@code notification_outbox} rows, in the {@link ProcessedEvents} transaction of the events (one Kafka poll per
 * transaction), so a redelivered event queues nothing new; {@link MailSender} sends them. Being downstream of Kafka,
 * nothing here can delay or fail a sign-in.
 *
 * <p>Configuration and security mails go to every admin, one per event (priority CONFIGURATION). New-member mails
 * are coalesced per admin by {@link NewMemberMailQueue} and skip the admins who turned them off.
 *
 * <p>Admins are read from the member index when the event is consumed (normally seconds after it happened); an
 * event replayed much later reaches the admins of that time.
 */
@ApplicationScoped
public class AdminNotifier {

    public static final String CHANNEL = "notification-events";
    public static final String CONSUMER = "admin-notifications";

    private static final Logger LOG = Logger.getLogger(AdminNotifier.class);
    private static final Set<Class<?>> NOTIFIED = Set.of(ProvisioningEnabled.class, ProvisioningUpdated.class, ProvisioningDisabled.class,
            UserProvisioned.class, TwoFactorFailed.class);

    private final Pool pool;
    private final ProcessedEvents processed;
    private final EventTypes types;
    private final ObjectMapper json;
    private final Workspaces workspaces;
    private final Clock clock;
    private final NotificationConfig config;

    public AdminNotifier(Pool pool, ProcessedEvents processed, EventTypes types, ObjectMapper json, Workspaces workspaces, Clock clock,
                         NotificationConfig config) {
        this.config = config;
        this.pool = pool;
        this.processed = processed;
        this.types = types;
        this.json = json;
        this.workspaces = workspaces;
        this.clock = clock;
    }

    /** An event that mails admins, decoded. */
    private record Notified(CloudEventEnvelope envelope, Object event) {
    }

    /**
     * One Kafka poll per transaction ({@code batch=true}): the ids are recorded with {@link ProcessedEvents#claim}
     * and the outbox rows of the new events written in the same transaction, pipelined ({@link Writes}).
     */
    @DrainedAtShutdown(DrainedAtShutdown.WhenStopping.HOLD)
    @Incoming(CHANNEL)
    public Uni<Void> consume(List<String> records) {
        return consumeEnvelopes(CloudEventEnvelope.parseAll(json, records,
                reason -> LOG.warnf("notification: skipping unreadable record: %s", reason)));
    }

    /**
     * A poll's envelopes, parsed already: from {@link #consume} or from the channel the co-located consumers share
     * (channel {@code background-events}, ADR 0016). Never fails: the database being away is retried.
     */
    public Uni<Void> consumeEnvelopes(List<CloudEventEnvelope> envelopes) {
        List<Notified> notified = new ArrayList<>();
        for (CloudEventEnvelope envelope : envelopes) {
            try {
                Class<?> type = types.classOf(envelope.type()).filter(NOTIFIED::contains).orElse(null);
                Object event = type == null ? null : json.treeToValue(envelope.data(), type);
                if (event != null && !(event instanceof UserProvisioned p && p.origin() != MemberOrigin.JIT && p.origin() != MemberOrigin.SCIM)
                        && !(event instanceof TwoFactorFailed f && f.lockedUntil() == null)) {
                    notified.add(new Notified(envelope, event));
                }
            } catch (RuntimeException | JsonProcessingException e) {
                LOG.warnf("notification: skipping unreadable record: %s", e.getMessage());
            }
        }
        if (notified.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().deferred(() -> pool.withTransaction(conn -> processed.claimNew(conn, CONSUMER, notified, n -> n.envelope().id())
                        .flatMap(toQueue -> queue(conn, toQueue))))
                .onFailure().invoke(f -> LOG.warnf("notification: queueing %d events failed, retrying: %s", notified.size(), f.toString()))
                // The database being away is transient: hold these partitions rather than stop the channel.
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely();
    }

    /**
     * Loads each workspace of the batch once (in this transaction), then writes the configuration mails of each
     * event and the new-member mails of each workspace ({@link NewMemberMailQueue}), all in this transaction.
     */
    private Uni<Void> queue(SqlConnection conn, List<Notified> toQueue) {
        Map<String, WorkspaceState> loaded = new HashMap<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String ws : toQueue.stream().map(n -> n.envelope().workspace()).distinct().toList()) {
            chain = chain.flatMap(ignored -> workspaces.load(conn, ws).invoke(state -> loaded.put(ws, state)).replaceWithVoid());
        }
        return chain.flatMap(ignored -> {
            Instant now = clock.instant();
            Writes writes = new Writes();
            Map<String, List<NewMemberMailQueue.NewMember>> newMembers = new LinkedHashMap<>();
            for (Notified n : toQueue) {
                if (n.event() instanceof UserProvisioned e) {
                    newMembers.computeIfAbsent(n.envelope().workspace(), ws -> new ArrayList<>())
                            .add(new NewMemberMailQueue.NewMember(n.envelope().id(), e.email(), e.role(), e.temporary(), format(e.at()),
                                    e.origin().name()));
                } else {
                    queueConfigurationMail(writes, loaded.get(n.envelope().workspace()), n.envelope(), n.event(), now);
                }
            }
            Uni<Void> members = writes.execute(conn);
            for (Map.Entry<String, List<NewMemberMailQueue.NewMember>> e : newMembers.entrySet()) {
                WorkspaceState workspace = loaded.get(e.getKey());
                members = members.flatMap(done -> NewMemberMailQueue.queue(conn, e.getKey(), nameOf(workspace, e.getKey()),
                        workspace.adminRoleNames(), e.getValue(), now, config.memberWindow()));
            }
            return members;
        });
    }

    /** A mail every admin gets, whatever its own preferences: configuration and security (priority CONFIGURATION). */
    private void queueConfigurationMail(Writes writes, WorkspaceState workspace, CloudEventEnvelope envelope, Object event, Instant now) {
        String ws = envelope.workspace();
        String name = nameOf(workspace, ws);
        MailKind kind;
        Map<String, Object> params;
        if (event instanceof ProvisioningEnabled e) {
            kind = MailKind.JIT_ENABLED;
            params = Map.of("workspace", name, "actor", describe(e.actor()), "defaultRole", String.valueOf(e.config().defaultRole()),
                    "deleteAtSessionEnd", e.config().deleteAtSessionEnd(), "at", format(e.at()));
        } else if (event instanceof ProvisioningUpdated e) {
            kind = MailKind.JIT_UPDATED;
            params = Map.of("workspace", name, "actor", describe(e.actor()), "defaultRole", String.valueOf(e.after().defaultRole()),
                    "changed", String.join(", ", e.changedSettings()), "at", format(e.at()));
        } else if (event instanceof ProvisioningDisabled e) {
            kind = MailKind.JIT_DISABLED;
            params = Map.of("workspace", name, "actor", describe(e.actor()), "at", format(e.at()));
        } else {
            TwoFactorFailed e = (TwoFactorFailed) event;
            kind = MailKind.TWO_FACTOR_LOCKED;
            String member = java.util.Objects.requireNonNullElse(MemberKeys.keyOf(ws, envelope.subject()), "?");
            params = Map.of("workspace", name, "member", member, "failures", e.failures(), "until", format(e.lockedUntil()), "at", format(e.at()));
        }
        writes.add("INSERT INTO notification_outbox (event_id, recipient, workspace_id, kind, params, status, priority, next_attempt_at, created_at) "
                        + "SELECT DISTINCT $1::uuid, email, $2, $3, $4::jsonb, 'PENDING', $5::smallint, $6::timestamptz, $6::timestamptz "
                        + "FROM member_index WHERE workspace_id = $2 AND role = ANY($7) "
                        + "ON CONFLICT (event_id, recipient) DO NOTHING",
                Tuple.tuple(List.of(envelope.id(), ws, kind.name(), new JsonObject(params), kind.priority().column(),
                        OffsetDateTime.ofInstant(now, ZoneOffset.UTC), workspace.adminRoleNames())));
    }

    private static String nameOf(WorkspaceState workspace, String ws) {
        return workspace.name() == null ? ws : workspace.name();
    }

    private static String describe(Actor actor) {
        return actor == null ? "the system" : actor.display() != null ? actor.display() : String.valueOf(actor.id());
    }

    private static String format(java.time.Instant at) {
        return at == null ? "" : DateTimeFormatter.ISO_INSTANT.format(at);
    }
}
