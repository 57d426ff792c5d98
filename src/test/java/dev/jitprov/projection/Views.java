package dev.jitprov.projection;

import dev.jitprov.support.Db;

import dev.jitprov.support.Scenario;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** Test probes of the read side: rows of the views as text, and waits until a projection caught up. */
final class Views {

    private Views() {
    }

    /** Every row of {@code table} for the workspace, as JSON text, in a stable order: byte-for-byte comparable. */
    static List<String> rows(Pool pool, String table, String workspaceId, String orderBy) {
        List<String> rows = new ArrayList<>();
        pool.preparedQuery("SELECT row_to_json(t)::text AS r FROM " + table + " t WHERE workspace_id = $1 ORDER BY " + orderBy)
                .execute(Tuple.of(workspaceId)).await().indefinitely()
                .forEach(row -> rows.add(row.getString("r")));
        return rows;
    }

    static List<String> members(Pool pool, String ws) {
        return rows(pool, "members_view", ws, "member_key");
    }

    static List<String> sessions(Pool pool, String ws) {
        return rows(pool, "sessions_view", ws, "session_id");
    }

    static List<String> audit(Pool pool, String ws) {
        return rows(pool, "audit_log", ws, "id");
    }

    /** Waits until the audit log holds one entry per event of the workspace (the audit projection caught up). */
    static void awaitAuditCaughtUp(Pool pool, String ws) {
        await().atMost(Scenario.VIEW_TIMEOUT).pollInterval(java.time.Duration.ofMillis(100)).until(() ->
                Db.count(pool, "SELECT count(*) FROM audit_log WHERE workspace_id = $1", ws)
                        == Db.count(pool, "SELECT count(*) FROM events WHERE workspace_id = $1", ws));
    }

    /** Waits until the membership view's live members and the sessions view equal the state kept beside the log. */
    static void awaitMembersAndSessionsCaughtUp(Pool pool, String ws) {
        await().atMost(Scenario.VIEW_TIMEOUT).pollInterval(java.time.Duration.ofMillis(100)).until(() ->
                texts(pool, "SELECT member_key || '|' || email || '|' || role || '|' || origin || '|' || temporary || '|' || created_at AS r "
                        + "FROM members_view WHERE workspace_id = $1 AND status = 'ACTIVE' ORDER BY member_key", ws)
                        .equals(texts(pool, "SELECT member_key || '|' || email || '|' || role || '|' || origin || '|' || temporary || '|' || created_at AS r "
                                + "FROM member_index WHERE workspace_id = $1 ORDER BY member_key", ws))
                && texts(pool, "SELECT session_id || '|' || member_key || '|' || effective_role || '|' || started_at || '|' || expires_at AS r "
                        + "FROM sessions_view WHERE workspace_id = $1 ORDER BY session_id", ws)
                        .equals(texts(pool, "SELECT session_id || '|' || member_key || '|' || effective_role || '|' || started_at || '|' || expires_at AS r "
                                + "FROM auth_sessions WHERE workspace_id = $1 ORDER BY session_id", ws)));
    }

    static List<String> texts(Pool pool, String sql, Object... params) {
        List<String> result = new ArrayList<>();
        pool.preparedQuery(sql).execute(Tuple.tuple(java.util.Arrays.asList(params))).await().indefinitely().forEach(row -> result.add(row.getString("r")));
        return result;
    }

    /** Audit entries of one type for the workspace, through the API, waiting until at least one is there. */
    static List<Map<String, Object>> awaitAudit(Scenario scenario, String type) {
        return await().atMost(Scenario.VIEW_TIMEOUT).pollInterval(java.time.Duration.ofMillis(100)).until(() -> {
            List<Map<String, Object>> items = scenario.admin().queryParam("type", type).queryParam("size", 200)
                    .get("/api/workspaces/" + scenario.workspaceId + "/audit").then().statusCode(200).extract().path("items");
            return items;
        }, items -> !items.isEmpty());
    }

    /** Every event of the workspace as the relay publishes it (CloudEvents JSON), stream by stream in stream order. */
    static List<String> envelopes(Pool pool, dev.jitprov.eventstore.EventStore store, com.fasterxml.jackson.databind.ObjectMapper json, String ws) {
        List<String> records = new ArrayList<>();
        List<String> streams = new ArrayList<>();
        pool.preparedQuery("SELECT DISTINCT stream_id FROM events WHERE workspace_id = $1").execute(Tuple.of(ws))
                .await().indefinitely().forEach(row -> streams.add(row.getString("stream_id")));
        for (String stream : streams) {
            for (dev.jitprov.eventstore.StoredEvent event : store.readStream(stream).await().indefinitely()) {
                records.add(dev.jitprov.eventstore.CloudEventEnvelope.toJson(json, event, "urn:jit-provisioning"));
            }
        }
        return records;
    }

    /** As if {@code projection} had never seen this workspace: its rows and its processed marks are gone. */
    static void forget(Pool pool, Projection projection, String ws) {
        pool.withTransaction(conn -> {
            io.smallrye.mutiny.Uni<Void> chain = io.smallrye.mutiny.Uni.createFrom().voidItem();
            for (String table : projection.tables()) {
                chain = chain.flatMap(ignored -> conn.preparedQuery("DELETE FROM " + table + " WHERE workspace_id = $1")
                        .execute(Tuple.of(ws)).replaceWithVoid());
            }
            return chain.flatMap(ignored -> conn.preparedQuery("DELETE FROM processed_events WHERE consumer = $1 "
                            + "AND event_id IN (SELECT event_id FROM events WHERE workspace_id = $2)")
                    .execute(Tuple.of(projection.consumer(), ws)).replaceWithVoid());
        }).await().indefinitely();
    }
}
