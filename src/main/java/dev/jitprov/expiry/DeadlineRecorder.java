package dev.jitprov.expiry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.CloudEventEnvelope;
import dev.jitprov.eventstore.EventTypes;
import dev.jitprov.eventstore.ProcessedEvents;
import dev.jitprov.provisioning.MemberEvent.SessionEnded;
import dev.jitprov.provisioning.MemberEvent.SessionStarted;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.MemberKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Records and removes deadlines as member events arrive (R12): a temporary member's creation is due at
 * created + TTL, every session at its absolute expiry; a session's end or the member's deletion removes what
 * no longer applies. Events of one member share a Kafka key, so they arrive in stream order; each is applied
 * once through {@link ProcessedEvents}, in the same transaction as the deadline change.
 */
@ApplicationScoped
public class DeadlineRecorder {

    public static final String CHANNEL = "expiry-events";
    public static final String CONSUMER = "expiry-deadlines";

    private static final Logger LOG = Logger.getLogger(DeadlineRecorder.class);

    private final ProcessedEvents processed;
    private final EventTypes types;
    private final ObjectMapper json;
    private final ExpiryConfig config;

    public DeadlineRecorder(ProcessedEvents processed, EventTypes types, ObjectMapper json, ExpiryConfig config) {
        this.processed = processed;
        this.types = types;
        this.json = json;
        this.config = config;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(String record) {
        CloudEventEnvelope envelope;
        Object event;
        try {
            envelope = CloudEventEnvelope.parse(json, record);
            event = decode(envelope);
        } catch (RuntimeException e) {
            // A record this version cannot read is skipped rather than stopping the channel for everyone.
            LOG.warnf("expiry: skipping unreadable record: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        if (event == null || !envelope.subject().startsWith(MemberKeys.streamId(envelope.workspace(), ""))) {
            return Uni.createFrom().voidItem();
        }
        String ws = envelope.workspace();
        String key = envelope.subject().substring(MemberKeys.streamId(ws, "").length());
        return processed.applyOnce(CONSUMER, envelope.id(), conn -> apply(conn, ws, key, event))
                .replaceWithVoid()
                // The database being away is transient: hold this partition until it is back rather than lose
                // a deadline (the channel would stop on a failure).
                .onFailure().invoke(f -> LOG.warnf("expiry: recording %s failed, retrying: %s", envelope.id(), f.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely();
    }

    private Object decode(CloudEventEnvelope envelope) {
        Class<?> type = types.classOf(envelope.type()).orElse(null);
        if (type != UserProvisioned.class && type != SessionStarted.class && type != SessionEnded.class && type != UserDeleted.class) {
            return null;
        }
        try {
            return json.treeToValue(envelope.data(), type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("event " + envelope.id() + " does not match " + type.getSimpleName(), e);
        }
    }

    private Uni<Void> apply(SqlConnection conn, String ws, String key, Object event) {
        if (event instanceof UserProvisioned e && e.temporary()) {
            // A new life replaces a deadline left from an earlier one (there should be none: UserDeleted removed it).
            return upsert(conn, new Deadline(Deadline.Kind.MEMBER, ws, key, Deadline.MEMBER_TARGET, e.at().plus(config.memberTtl())));
        } else if (event instanceof SessionStarted e) {
            return upsert(conn, new Deadline(Deadline.Kind.SESSION, ws, key, e.sessionId(), e.expiresAt()));
        } else if (event instanceof SessionEnded e) {
            return conn.preparedQuery("DELETE FROM expiry_deadlines WHERE workspace_id = $1 AND member_key = $2 AND kind = 'SESSION' AND target = $3")
                    .execute(Tuple.of(ws, key, e.sessionId())).replaceWithVoid();
        } else if (event instanceof UserDeleted) {
            return conn.preparedQuery("DELETE FROM expiry_deadlines WHERE workspace_id = $1 AND member_key = $2")
                    .execute(Tuple.of(ws, key)).replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> upsert(SqlConnection conn, Deadline d) {
        return conn.preparedQuery("INSERT INTO expiry_deadlines (kind, workspace_id, member_key, target, due_at) VALUES ($1, $2, $3, $4, $5) "
                        + "ON CONFLICT (workspace_id, member_key, kind, target) DO UPDATE SET due_at = EXCLUDED.due_at, attempts = 0, last_error = NULL")
                .execute(Tuple.of(d.kind().name(), d.workspaceId(), d.memberKey(), d.target(), utc(d.dueAt())))
                .replaceWithVoid();
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
