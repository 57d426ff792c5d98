package dev.jitprov.fault;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.HashMap;
import java.util.Map;

/** SQL reads of the event store and the members view for the fault tests' invariants. */
final class FaultChecks {

    private FaultChecks() {
    }

    /** Number of events of {@code type} per member key of the workspace. */
    static Map<String, Long> perMember(Pool pool, String workspaceId, String type) {
        Map<String, Long> counts = new HashMap<>();
        for (Row row : pool.preparedQuery("SELECT stream_id, count(*) AS n FROM events WHERE workspace_id = $1 AND type = $2 "
                        + "AND stream_id LIKE 'member-%' GROUP BY stream_id")
                .execute(Tuple.of(workspaceId, type)).await().indefinitely()) {
            String stream = row.getString("stream_id");
            counts.put(stream.substring(stream.indexOf(workspaceId) + workspaceId.length() + 1), row.getLong("n"));
        }
        return counts;
    }

    /** Rows of the members view per e-mail (more than one would be a duplicate member). */
    static Map<String, Long> membersView(Pool pool, String workspaceId) {
        Map<String, Long> counts = new HashMap<>();
        for (Row row : pool.preparedQuery("SELECT lower(email) AS email, count(*) AS n FROM members_view WHERE workspace_id = $1 GROUP BY 1")
                .execute(Tuple.of(workspaceId)).await().indefinitely()) {
            counts.put(row.getString("email"), row.getLong("n"));
        }
        return counts;
    }
}
