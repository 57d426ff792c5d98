package dev.jitprov.eventstore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Append-only event store in PostgreSQL. Every append states the version the caller last read; a stream that
 * moved on in between is a {@link ConcurrencyConflictException} and nothing is written.
 */
@ApplicationScoped
public class EventStore {

    static final String UNIQUE_VIOLATION = "23505";
    private static final String STREAM_VERSION_CONSTRAINT = "events_stream_version";

    private final Pool pool;
    private final EventTypes types;
    private final ObjectMapper json;

    public EventStore(Pool pool, EventTypes types, ObjectMapper json) {
        this.pool = pool;
        this.types = types;
        // Events are read by later versions of the code: fields added since are ignored, never an error.
        this.json = json.copy().disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** Appends in a transaction of its own. {@code expectedVersion} 0 means "the stream must not exist yet". */
    public Uni<List<StoredEvent>> append(String streamId, int expectedVersion, List<NewEvent> events) {
        Tuple rows = encode(streamId, expectedVersion, events); // fails before touching the database
        // One statement, atomic on its own: no explicit transaction (one round trip).
        return insert(pool, streamId, expectedVersion, rows);
    }

    /**
     * Appends inside the caller's transaction, so that state kept beside the log (sessions, credentials)
     * commits or rolls back with the events.
     */
    public Uni<List<StoredEvent>> append(SqlConnection conn, String streamId, int expectedVersion, List<NewEvent> events) {
        Tuple rows;
        try {
            rows = encode(streamId, expectedVersion, events);
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
        return insert(conn, streamId, expectedVersion, rows);
    }

    public Uni<List<StoredEvent>> readStream(String streamId) {
        return readStream(pool, streamId, 0);
    }

    /** Events of a stream after {@code afterVersion}, in version order. */
    public Uni<List<StoredEvent>> readStream(SqlClient client, String streamId, int afterVersion) {
        return client.preparedQuery(SELECT_COLUMNS + " WHERE stream_id = $1 AND version > $2 ORDER BY version")
                .execute(Tuple.of(streamId, afterVersion))
                .map(EventStore::storedEvents);
    }

    /** A stream's snapshot (its folded state as JSON, {@code null} when there is none) and the events after it. */
    public record FromSnapshot(int snapshotVersion, String snapshotState, List<StoredEvent> events) {
    }

    /**
     * The stream's snapshot of {@code fold} and the events after it, in one statement (so one view of the stream,
     * with or without a lock, and no statement more than reading the stream): the snapshot comes as a first row
     * without an event id, its state in the payload column.
     */
    public Uni<FromSnapshot> readFromSnapshot(SqlClient client, String streamId, String fold) {
        return client.preparedQuery(FROM_SNAPSHOT).execute(Tuple.of(streamId, fold)).map(rows -> {
            int snapshotVersion = 0;
            String state = null;
            List<StoredEvent> events = new ArrayList<>(rows.size());
            for (Row row : rows) {
                if (row.getUUID("event_id") == null) {
                    snapshotVersion = row.getInteger("version");
                    state = row.getString("payload");
                } else {
                    events.add(fromRow(row));
                }
            }
            return new FromSnapshot(snapshotVersion, state, events);
        });
    }

    /**
     * Writes the stream's snapshot (replacing any), in the caller's transaction, which holds the stream's lock and
     * appends the events up to {@code version}: queued behind the append, it commits only with it.
     */
    public Uni<Void> saveSnapshot(SqlClient client, String streamId, long version, String fold, String state) {
        return client.preparedQuery("INSERT INTO stream_snapshots (stream_id, version, fold, state) VALUES ($1, $2, $3, $4) "
                        + "ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, fold = excluded.fold, "
                        + "state = excluded.state, taken_at = now()")
                .execute(Tuple.of(streamId, (int) version, fold, state)).replaceWithVoid();
    }

    private static List<StoredEvent> storedEvents(RowSet<Row> rows) {
        List<StoredEvent> result = new ArrayList<>(rows.size());
        rows.forEach(row -> result.add(fromRow(row)));
        return result;
    }

    /**
     * The next {@code limit} committed events after the checkpoint ({@code lastTransaction}, {@code lastPosition}),
     * in {@code (transaction_id, position)} order, from transactions below {@code pg_snapshot_xmin} only (a
     * transaction still open could otherwise commit a lower position later and be skipped). The relay and the
     * projection rebuild read the store this way.
     */
    public Uni<List<StoredEvent>> readAfter(SqlClient client, String lastTransaction, long lastPosition, int limit) {
        return client.preparedQuery(READ_AFTER).execute(Tuple.of(lastTransaction, lastPosition, limit))
                .map(rows -> {
                    List<StoredEvent> result = new ArrayList<>(rows.size());
                    rows.forEach(row -> result.add(fromRow(row)));
                    return result;
                });
    }

    /**
     * The events a page read after a checkpoint must be published with, per stream in version order: the page goes by
     * {@code (transaction_id, position)} (gap-safe), but a transaction's id is taken at its first write, which may be
     * before it waited for a stream's lock. Two sign-ins of one user can so commit version 1 under a later id than
     * version 2 (seen with two replicas, issue 22). For the streams of the page this reads, in one query:
     * <ul>
     *   <li>their lower versions the checkpoint has not passed yet (committed before the page's version was written, so
     *       visible now): published now, ahead of it, and again as copies when the checkpoint reaches them;</li>
     *   <li>their higher versions the checkpoint has passed: a page event below one of them was published ahead of it
     *       already and is skipped.</li>
     * </ul>
     * The result is sorted by position, which within a stream is version order (appends hold the stream's lock).
     */
    public Uni<List<StoredEvent>> inStreamOrder(SqlClient client, List<StoredEvent> page, String lastTransaction, long lastPosition) {
        java.util.Map<String, Integer> lowest = new java.util.HashMap<>();
        for (StoredEvent event : page) {
            lowest.merge(event.streamId(), event.version(), Math::min);
        }
        return client.preparedQuery(AROUND_PAGE)
                .execute(Tuple.of(lowest.keySet().toArray(String[]::new), lowest.values().toArray(Integer[]::new), lastTransaction, lastPosition))
                .map(rows -> {
                    java.util.Map<String, Integer> highestPublished = new java.util.HashMap<>();
                    List<StoredEvent> ordered = new ArrayList<>(page.size());
                    rows.forEach(row -> {
                        StoredEvent event = fromRow(row);
                        if (row.getBoolean("published")) {
                            highestPublished.merge(event.streamId(), event.version(), Math::max);
                        } else {
                            ordered.add(event);
                        }
                    });
                    for (StoredEvent event : page) {
                        if (event.version() > highestPublished.getOrDefault(event.streamId(), 0)) {
                            ordered.add(event);
                        }
                    }
                    ordered.sort(java.util.Comparator.comparingLong(StoredEvent::position));
                    return ordered;
                });
    }

    /** Turns a stored payload back into its registered record class. */
    public Object decode(StoredEvent event) {
        Class<?> type = types.classOf(event.type()).orElseThrow(() ->
                new UnknownEventTypeException("event " + event.eventId() + " has unregistered type " + event.type()));
        try {
            return json.readValue(event.payload(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + event.eventId() + " of type " + event.type()
                    + " does not match its record " + type.getName() + ": " + e.getOriginalMessage(), e);
        }
    }

    public <T> List<T> decodeAll(List<StoredEvent> events, Class<T> as) {
        List<T> result = new ArrayList<>(events.size());
        for (StoredEvent event : events) {
            result.add(as.cast(decode(event)));
        }
        return result;
    }

    /** The append's parameters: one array per column, one element per event (one statement for the whole append). */
    private Tuple encode(String streamId, int expectedVersion, List<NewEvent> events) {
        if (streamId == null || streamId.isBlank()) {
            throw new IllegalArgumentException("stream id must not be blank");
        }
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expected version must be 0 (new stream) or more, was " + expectedVersion);
        }
        if (events.isEmpty()) {
            throw new IllegalArgumentException("nothing to append to " + streamId);
        }
        int size = events.size();
        UUID[] ids = new UUID[size];
        Integer[] versions = new Integer[size];
        String[] types = new String[size];
        String[] workspaces = new String[size];
        String[] payloads = new String[size];
        String[] metadata = new String[size];
        OffsetDateTime[] occurred = new OffsetDateTime[size];
        for (int i = 0; i < size; i++) {
            NewEvent event = events.get(i);
            String type = this.types.nameOf(event.payload().getClass());
            try {
                payloads[i] = json.writeValueAsString(event.payload());
                metadata[i] = json.writeValueAsString(event.metadata());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("payload of event type " + type + " does not serialize to JSON: "
                        + e.getOriginalMessage(), e);
            }
            ids[i] = event.eventId();
            versions[i] = expectedVersion + i + 1;
            types[i] = type;
            workspaces[i] = event.metadata().workspaceId();
            occurred[i] = OffsetDateTime.ofInstant(event.occurredAt(), ZoneOffset.UTC);
        }
        return Tuple.tuple(List.of(ids, streamId, versions, types, workspaces, payloads, metadata, occurred, expectedVersion));
    }

    /**
     * Each row is inserted only if the stream is exactly one version behind it (checked by the INSERT itself), so
     * the version check and the write are one statement; a row that inserts nothing means the stream moved on.
     * A concurrent writer that passed the same check loses on UNIQUE(stream_id, version).
     */
    private Uni<List<StoredEvent>> insert(SqlClient client, String streamId, int expectedVersion, Tuple rows) {
        return client.preparedQuery(INSERT).execute(rows)
                .onFailure(PgException.class).transform(e -> translate((PgException) e, streamId, expectedVersion))
                .flatMap(result -> {
                    if (result.rowCount() == 0) {
                        return actualVersion(client, streamId).flatMap(actual ->
                                Uni.createFrom().failure(new ConcurrencyConflictException(streamId, expectedVersion, actual)));
                    }
                    List<StoredEvent> stored = new ArrayList<>(result.rowCount());
                    result.forEach(row -> stored.add(fromRow(row)));
                    stored.sort(java.util.Comparator.comparingInt(StoredEvent::version));
                    return Uni.createFrom().item(stored);
                });
    }

    private Uni<Integer> actualVersion(SqlClient client, String streamId) {
        return client.preparedQuery("SELECT coalesce(max(version), 0) AS version FROM events WHERE stream_id = $1")
                .execute(Tuple.of(streamId)).map(rows -> rows.iterator().next().getInteger("version"));
    }

    private static Throwable translate(PgException e, String streamId, int expectedVersion) {
        if (UNIQUE_VIOLATION.equals(e.getSqlState()) && STREAM_VERSION_CONSTRAINT.equals(e.getConstraint())) {
            return new ConcurrencyConflictException(streamId, expectedVersion, null);
        }
        return e;
    }

    static StoredEvent fromRow(Row row) {
        return new StoredEvent(
                row.getUUID("event_id"),
                row.getString("stream_id"),
                row.getInteger("version"),
                row.getString("type"),
                row.getString("workspace_id"),
                row.getString("payload"),
                metadataOf(row),
                row.getOffsetDateTime("occurred_at").toInstant(),
                row.getLong("position"),
                row.getString("transaction_id"));
    }

    private static EventMetadata metadataOf(Row row) {
        return new EventMetadata(row.getString("workspace_id"), row.getString("actor"),
                row.getString("correlation_id"), row.getString("causation_id"));
    }

    static final String RETURNED_COLUMNS = "event_id, stream_id, version, type, workspace_id, payload::text AS payload, "
            + "metadata->>'actor' AS actor, metadata->>'correlationId' AS correlation_id, "
            + "metadata->>'causationId' AS causation_id, occurred_at, position, transaction_id::text AS transaction_id";

    static final String SELECT_COLUMNS = "SELECT " + RETURNED_COLUMNS + " FROM events";

    /** The snapshot's row (version, state as payload), then the stream's events after it, in version order. */
    static final String FROM_SNAPSHOT = "SELECT * FROM ("
            + "SELECT NULL::uuid AS event_id, stream_id, version, NULL::text AS type, NULL::text AS workspace_id, "
            + "state AS payload, NULL::text AS actor, NULL::text AS correlation_id, NULL::text AS causation_id, "
            + "NULL::timestamptz AS occurred_at, NULL::bigint AS position, NULL::text AS transaction_id "
            + "FROM stream_snapshots WHERE stream_id = $1 AND fold = $2 "
            + "UNION ALL SELECT " + RETURNED_COLUMNS + " FROM events WHERE stream_id = $1 AND version > "
            + "coalesce((SELECT version FROM stream_snapshots WHERE stream_id = $1 AND fold = $2), 0)"
            + ") stream ORDER BY version";
    /**
     * The columns are qualified in ORDER BY on purpose: the select list names {@code transaction_id::text} as
     * {@code transaction_id}, and an unqualified ORDER BY would sort by that text ('1000' before '999'), sorting the
     * whole table per batch and, at a digit boundary of the transaction ids, paging past events never read.
     */
    /** See {@link #inStreamOrder}: per stream of the page, its unpublished lower and its published higher versions. */
    static final String AROUND_PAGE = "SELECT " + RETURNED_COLUMNS
            + ", (events.transaction_id, events.position) <= ($3::text::xid8, $4) AS published"
            + " FROM events JOIN unnest($1::text[], $2::int[]) AS page(page_stream, lowest) ON events.stream_id = page.page_stream"
            + " WHERE (events.version < page.lowest AND (events.transaction_id, events.position) > ($3::text::xid8, $4))"
            + " OR (events.version > page.lowest AND (events.transaction_id, events.position) <= ($3::text::xid8, $4))";

    static final String READ_AFTER = SELECT_COLUMNS
            + " WHERE (events.transaction_id, events.position) > ($1::text::xid8, $2)"
            + " AND events.transaction_id < pg_snapshot_xmin(pg_current_snapshot())"
            + " ORDER BY events.transaction_id, events.position LIMIT $3";

    /**
     * All events of an append in one statement, in version order (positions are drawn in that order), and only if the
     * stream is still at the expected version ($9): the subquery sees the stream as the statement starts, the unique
     * (stream, version) constraint catches a writer that commits meanwhile. No row inserted: a conflict.
     */
    private static final String INSERT = "INSERT INTO events "
            + "(event_id, stream_id, version, type, workspace_id, payload, metadata, occurred_at) "
            + "SELECT e.event_id, $2::text, e.version, e.type, e.workspace_id, e.payload::jsonb, e.metadata::jsonb, e.occurred_at "
            + "FROM unnest($1::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[]) "
            + "AS e(event_id, version, type, workspace_id, payload, metadata, occurred_at) "
            + "WHERE (SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $2::text) = $9::int "
            + "ORDER BY e.version "
            + "RETURNING " + RETURNED_COLUMNS;
}
