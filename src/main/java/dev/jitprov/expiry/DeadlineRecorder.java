package dev.jitprov.expiry;

import dev.jitprov.replica.DrainedAtShutdown;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.CloudEventEnvelope;
import dev.jitprov.eventstore.EventTypes;
import dev.jitprov.eventstore.ProcessedEvents;
import dev.jitprov.eventstore.Writes;
import dev.jitprov.provisioning.MemberEvent.SessionEnded;
import dev.jitprov.provisioning.MemberEvent.SessionStarted;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.MemberKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Records and removes deadlines as member events arrive (R12): a temporary member's creation is due at
 * created + TTL, every session at its absolute expiry; a session's end or the member's deletion removes what
 * no longer applies. Events of one member share a Kafka key, so they arrive in stream order; each is applied
 * once through {@link ProcessedEvents}, in the same transaction as the deadline change, a Kafka poll at a time.
 */
@ApplicationScoped
public class DeadlineRecorder {

    public static final String CHANNEL = "expiry-events";
    public static final String CONSUMER = "expiry-deadlines";

    private static final Logger LOG = Logger.getLogger(DeadlineRecorder.class);

    private final Pool pool;
    private final ProcessedEvents processed;
    private final EventTypes types;
    private final ObjectMapper json;
    private final ExpiryConfig config;

    public DeadlineRecorder(Pool pool, ProcessedEvents processed, EventTypes types, ObjectMapper json, ExpiryConfig config) {
        this.pool = pool;
        this.processed = processed;
        this.types = types;
        this.json = json;
        this.config = config;
    }

    /** A member event this consumer follows, with its member. */
    private record Followed(UUID eventId, String workspaceId, String memberKey, Object event) {
    }

    /**
     * One Kafka poll at a time ({@code batch=true}): the batch's ids are recorded and the new ones applied in one
     * transaction, the writes pipelined in order ({@link Writes}).
     */
    @DrainedAtShutdown(DrainedAtShutdown.WhenStopping.HOLD)
    @Incoming(CHANNEL)
    public Uni<Void> consume(List<String> records) {
        // A record this version cannot read is skipped rather than stopping the channel for everyone.
        return consumeEnvelopes(CloudEventEnvelope.parseAll(json, records, reason -> LOG.warnf("expiry: skipping unreadable record: %s", reason)));
    }

    /**
     * A poll's envelopes, parsed already: from {@link #consume} or from the channel the co-located consumers share
     * (channel {@code background-events}, ADR 0016). Never fails: the database being away is retried.
     */
    public Uni<Void> consumeEnvelopes(List<CloudEventEnvelope> envelopes) {
        List<Followed> followed = new ArrayList<>(envelopes.size());
        for (CloudEventEnvelope envelope : envelopes) {
            try {
                Object event = decode(envelope);
                String memberKey = MemberKeys.keyOf(envelope.workspace(), envelope.subject());
                if (event != null && memberKey != null) {
                    followed.add(new Followed(envelope.id(), envelope.workspace(), memberKey, event));
                }
            } catch (RuntimeException e) {
                LOG.warnf("expiry: skipping unreadable record: %s", e.getMessage());
            }
        }
        if (followed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().deferred(() -> pool.withTransaction(conn -> processed.claimNew(conn, CONSUMER, followed, Followed::eventId)
                        .flatMap(toApply -> {
                            Changes changes = new Changes();
                            toApply.forEach(f -> changes.apply(f.workspaceId(), f.memberKey(), f.event()));
                            return changes.writes().execute(conn);
                        })))
                // The database being away is transient: hold these partitions until it is back rather than lose
                // a deadline (the channel would stop on a failure).
                .onFailure().invoke(f -> LOG.warnf("expiry: recording %d events failed, retrying: %s", followed.size(), f.toString()))
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

    /**
     * A batch's deadline changes in event order. Consecutive upserts go as one statement ({@code unnest}: one row
     * each, one statement instead of one per sign-in; issue 20); a deletion ends the run, so that an upsert and a
     * deletion of one deadline still apply in their order. Two upserts of one deadline in a run: the later wins, as
     * applying them one by one would leave it.
     */
    private final class Changes {
        private final Writes writes = new Writes();
        private final Map<List<String>, Deadline> upserts = new LinkedHashMap<>();

        void apply(String ws, String key, Object event) {
            if (event instanceof UserProvisioned e && e.temporary()) {
                // A new life replaces a deadline left from an earlier one (there should be none: UserDeleted removed it).
                upsert(new Deadline(Deadline.Kind.MEMBER, ws, key, Deadline.MEMBER_TARGET, e.at().plus(config.memberTtl())));
            } else if (event instanceof SessionStarted e) {
                upsert(new Deadline(Deadline.Kind.SESSION, ws, key, e.sessionId(), e.expiresAt()));
            } else if (event instanceof SessionEnded e) {
                flushUpserts();
                writes.add("DELETE FROM expiry_deadlines WHERE workspace_id = $1 AND member_key = $2 AND kind = 'SESSION' AND target = $3",
                        Tuple.of(ws, key, e.sessionId()));
            } else if (event instanceof UserDeleted) {
                flushUpserts();
                writes.add("DELETE FROM expiry_deadlines WHERE workspace_id = $1 AND member_key = $2", Tuple.of(ws, key));
            }
        }

        private void upsert(Deadline d) {
            upserts.put(List.of(d.workspaceId(), d.memberKey(), d.kind().name(), d.target()), d);
        }

        private void flushUpserts() {
            if (upserts.isEmpty()) {
                return;
            }
            List<Deadline> run = new ArrayList<>(upserts.values());
            upserts.clear();
            writes.add("INSERT INTO expiry_deadlines (kind, workspace_id, member_key, target, due_at) "
                            + "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) "
                            + "ON CONFLICT (workspace_id, member_key, kind, target) DO UPDATE SET due_at = EXCLUDED.due_at, attempts = 0, last_error = NULL",
                    Tuple.of(Writes.column(run, d -> d.kind().name(), String[]::new),
                            Writes.column(run, Deadline::workspaceId, String[]::new),
                            Writes.column(run, Deadline::memberKey, String[]::new),
                            Writes.column(run, Deadline::target, String[]::new),
                            Writes.column(run, d -> utc(d.dueAt()), OffsetDateTime[]::new)));
        }

        Writes writes() {
            flushUpserts();
            return writes;
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
