package dev.jitprov.support;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads the event store directly: the source of truth that tests assert on. */
public final class EventLog {

    public record Entry(String streamId, int version, String type, String payload) {
    }

    private final Pool pool;

    public EventLog(Pool pool) {
        this.pool = pool;
    }

    public List<Entry> stream(String streamId) {
        return query("SELECT stream_id, version, type, payload::text AS payload FROM events WHERE stream_id = $1 ORDER BY version", Tuple.of(streamId));
    }

    public List<Entry> member(String workspaceId, String memberKey) {
        return stream(dev.jitprov.provisioning.MemberKeys.streamId(workspaceId, memberKey));
    }

    public List<Entry> ofType(String workspaceId, String type) {
        return query("SELECT stream_id, version, type, payload::text AS payload FROM events WHERE workspace_id = $1 AND type = $2 ORDER BY position",
                Tuple.of(workspaceId, type));
    }

    public List<String> types(String streamId) {
        return stream(streamId).stream().map(Entry::type).toList();
    }

    /** PostgreSQL prints jsonb with spaces; tests compare against compact JSON. */
    private static String compact(String json) {
        try {
            return JSON.writeValueAsString(JSON.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private List<Entry> query(String sql, Tuple args) {
        List<Entry> entries = new ArrayList<>();
        pool.preparedQuery(sql).execute(args).await().atMost(Duration.ofSeconds(20)).forEach(row -> entries.add(new Entry(
                row.getString("stream_id"), row.getInteger("version"), row.getString("type"), compact(row.getString("payload")))));
        return entries;
    }
}
