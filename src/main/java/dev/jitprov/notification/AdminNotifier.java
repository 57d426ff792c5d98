package dev.jitprov.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.CloudEventEnvelope;
import dev.jitprov.eventstore.EventTypes;
import dev.jitprov.eventstore.ProcessedEvents;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.MemberOrigin;
import dev.jitprov.provisioning.Role;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningDisabled;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningEnabled;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Queues an e-mail to every admin (holder of {@code security-settings:manage}) when JIT is enabled or disabled and
 * when a member is created by JIT (R16). It only writes {@code notification_outbox} rows, in the
 * {@link ProcessedEvents} transaction of the event and with {@code UNIQUE (event_id, recipient)}, so a redelivered
 * event queues nothing new; {@link MailSender} sends them. Being downstream of Kafka, nothing here can delay or
 * fail a sign-in.
 *
 * <p>Admins are read from the member index when the event is consumed (normally seconds after it happened); an
 * event replayed much later reaches the admins of that time.
 */
@ApplicationScoped
public class AdminNotifier {

    public static final String CHANNEL = "notification-events";
    public static final String CONSUMER = "admin-notifications";

    private static final Logger LOG = Logger.getLogger(AdminNotifier.class);
    private static final Set<Class<?>> NOTIFIED = Set.of(ProvisioningEnabled.class, ProvisioningDisabled.class, UserProvisioned.class);

    private final ProcessedEvents processed;
    private final EventTypes types;
    private final ObjectMapper json;
    private final Workspaces workspaces;
    private final Clock clock;

    public AdminNotifier(ProcessedEvents processed, EventTypes types, ObjectMapper json, Workspaces workspaces, Clock clock) {
        this.processed = processed;
        this.types = types;
        this.json = json;
        this.workspaces = workspaces;
        this.clock = clock;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(String record) {
        CloudEventEnvelope envelope;
        Object event;
        try {
            envelope = CloudEventEnvelope.parse(json, record);
            Class<?> type = types.classOf(envelope.type()).filter(NOTIFIED::contains).orElse(null);
            event = type == null ? null : json.treeToValue(envelope.data(), type);
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.warnf("notification: skipping unreadable record: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        if (event == null || (event instanceof UserProvisioned p && p.origin() != MemberOrigin.JIT)) {
            return Uni.createFrom().voidItem();
        }
        return processed.applyOnce(CONSUMER, envelope.id(), conn -> queue(conn, envelope, event))
                .replaceWithVoid()
                .onFailure().invoke(f -> LOG.warnf("notification: queueing %s failed, retrying: %s", envelope.id(), f.toString()))
                // The database being away is transient: hold this partition rather than stop the channel.
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely();
    }

    private Uni<Void> queue(SqlConnection conn, CloudEventEnvelope envelope, Object event) {
        String ws = envelope.workspace();
        return workspaces.load(conn, ws).flatMap(workspace -> {
            String[] adminRoles = workspace.allRoles().stream().filter(Role::managesSecuritySettings).map(Role::name).toArray(String[]::new);
            String name = workspace.name() == null ? ws : workspace.name();
            MailKind kind;
            Map<String, Object> params;
            if (event instanceof ProvisioningEnabled e) {
                kind = MailKind.JIT_ENABLED;
                params = Map.of("workspace", name, "actor", describe(e.actor()), "defaultRole", String.valueOf(e.config().defaultRole()),
                        "deleteAtSessionEnd", e.config().deleteAtSessionEnd(), "at", format(e.at()));
            } else if (event instanceof ProvisioningDisabled e) {
                kind = MailKind.JIT_DISABLED;
                params = Map.of("workspace", name, "actor", describe(e.actor()), "at", format(e.at()));
            } else {
                UserProvisioned e = (UserProvisioned) event;
                kind = MailKind.MEMBER_PROVISIONED;
                params = Map.of("workspace", name, "email", e.email(), "role", e.role(), "temporary", e.temporary(), "at", format(e.at()));
            }
            OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
            // A workspace that chose the daily digest gets its new-member mails HELD for DigestJob; the others PENDING.
            return conn.preparedQuery("INSERT INTO notification_outbox (event_id, recipient, workspace_id, kind, params, status, next_attempt_at, created_at) "
                            + "SELECT $1, email, $2, $3, $4, CASE WHEN $3 = 'MEMBER_PROVISIONED' AND EXISTS (SELECT 1 FROM notification_preferences p "
                            + "WHERE p.workspace_id = $2 AND p.new_member_mails = 'DAILY_DIGEST') THEN 'HELD' ELSE 'PENDING' END, $5, $5 "
                            + "FROM member_index WHERE workspace_id = $2 AND role = ANY($6) "
                            + "ON CONFLICT (event_id, recipient) DO NOTHING")
                    .execute(Tuple.tuple(List.of(envelope.id(), ws, kind.name(), new JsonObject(params), now, adminRoles)))
                    .invoke(rows -> LOG.debugf("notification: %s of %s queued for %d admins", kind, ws, rows.rowCount()))
                    .replaceWithVoid();
        });
    }

    private static String describe(Actor actor) {
        return actor == null ? "the system" : actor.display() != null ? actor.display() : String.valueOf(actor.id());
    }

    private static String format(java.time.Instant at) {
        return at == null ? "" : DateTimeFormatter.ISO_INSTANT.format(at);
    }
}
