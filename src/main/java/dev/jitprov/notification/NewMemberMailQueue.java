package dev.jitprov.notification;

import dev.jitprov.eventstore.Writes;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

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
 * Queues the new-member mails of one workspace for the members one Kafka poll brings (R16 at scale, issue 21),
 * inside the notifier's transaction. The outbox grows with admins × windows, not admins × members:
 *
 * <ul>
 *   <li>Recipients: members holding an admin role who did not turn new-member mails off (their own choice).</li>
 *   <li>Daily digest workspaces: the members join each admin's one HELD {@code MEMBER_DIGEST} row (an upsert).</li>
 *   <li>Otherwise each admin's {@link MemberMailWindow} (locked in recipient order) says whether the first member
 *       is mailed at once ({@code MEMBER_PROVISIONED}, keyed by its event id) and which members join the admin's
 *       one pending {@code MEMBER_BATCH} row, sent when the window closes.</li>
 * </ul>
 * A summary keeps the count of its members and lists the first {@value #LISTED}.
 */
final class NewMemberMailQueue {

    /** Members listed by name in one summary mail; the rest are counted. */
    static final int LISTED = 20;

    /** One member created by JIT or SCIM ({@code origin}). */
    record NewMember(UUID eventId, String email, String role, boolean temporary, String at, String origin) {
        JsonObject toJson() {
            return new JsonObject().put("email", email).put("role", role).put("temporary", temporary).put("at", at).put("origin", origin);
        }
    }

    private static final String RECIPIENTS = "SELECT DISTINCT m.email, EXISTS (SELECT 1 FROM notification_preferences p "
            + "WHERE p.workspace_id = $1 AND p.new_member_mails = 'DAILY_DIGEST') AS digest "
            + "FROM member_index m WHERE m.workspace_id = $1 AND m.role = ANY($2) AND m.new_member_mails ORDER BY m.email";

    /** The summary already queued for the admin, if any, gets the new members added (count summed, list capped). */
    private static final String MERGE = "DO UPDATE SET params = jsonb_build_object("
            + "'workspace', EXCLUDED.params->'workspace', "
            + "'count', coalesce((notification_outbox.params->>'count')::int, jsonb_array_length(notification_outbox.params->'members')) "
            + "+ (EXCLUDED.params->>'count')::int, "
            + "'members', jsonb_path_query_array((notification_outbox.params->'members') || (EXCLUDED.params->'members'), '$[0 to " + (LISTED - 1) + "]'))";

    private static final String HOLD_FOR_DIGEST = "INSERT INTO notification_outbox "
            + "(event_id, recipient, workspace_id, kind, params, status, priority, next_attempt_at, created_at) "
            + "SELECT gen_random_uuid(), r, $1, 'MEMBER_DIGEST', $2::jsonb, 'HELD', $3, $4, $4 FROM unnest($5::text[]) AS r "
            + "ON CONFLICT (workspace_id, recipient) WHERE kind = 'MEMBER_DIGEST' AND status = 'HELD' " + MERGE;

    private static final String ADD_TO_BATCH = "INSERT INTO notification_outbox "
            + "(event_id, recipient, workspace_id, kind, params, status, priority, next_attempt_at, created_at) "
            + "SELECT gen_random_uuid(), r, $1, 'MEMBER_BATCH', $2::jsonb, 'PENDING', $3, $4, $5 FROM unnest($6::text[]) AS r "
            + "ON CONFLICT (workspace_id, recipient) WHERE kind = 'MEMBER_BATCH' AND status = 'PENDING' " + MERGE;

    private static final String AT_ONCE = "INSERT INTO notification_outbox "
            + "(event_id, recipient, workspace_id, kind, params, status, priority, next_attempt_at, created_at) "
            + "SELECT $1, r, $2, 'MEMBER_PROVISIONED', $3::jsonb, 'PENDING', $4, $5, $5 FROM unnest($6::text[]) AS r "
            + "ON CONFLICT (event_id, recipient) DO NOTHING";

    // Inserted in recipient order and locked in recipient order: two replicas handling the same workspace queue up
    // instead of deadlocking.
    private static final String OPEN_WINDOWS = "INSERT INTO new_member_mail_windows (workspace_id, recipient, closes_at, busy) "
            + "SELECT $1, r, $2, false FROM unnest($3::text[]) AS r ORDER BY r ON CONFLICT DO NOTHING";
    private static final String LOCK_WINDOWS = "SELECT recipient, closes_at, busy FROM new_member_mail_windows "
            + "WHERE workspace_id = $1 AND recipient = ANY($2) ORDER BY recipient FOR UPDATE";
    private static final String STORE_WINDOWS = "UPDATE new_member_mail_windows w SET closes_at = x.c, busy = x.b "
            + "FROM unnest($2::text[], $3::timestamptz[], $4::bool[]) AS x(r, c, b) WHERE w.workspace_id = $1 AND w.recipient = x.r";

    private static final short PRIORITY = MailKind.MEMBER_BATCH.priority().column();

    private NewMemberMailQueue() {
    }

    static Uni<Void> queue(SqlConnection conn, String ws, String workspaceName, String[] adminRoles, List<NewMember> members,
                           Instant now, Duration window) {
        return conn.preparedQuery(RECIPIENTS).execute(Tuple.of(ws, adminRoles)).flatMap(rows -> {
            List<String> recipients = new ArrayList<>();
            boolean digest = false;
            for (Row row : rows) {
                recipients.add(row.getString("email"));
                digest = row.getBoolean("digest");
            }
            if (recipients.isEmpty() || members.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            String[] to = recipients.toArray(String[]::new);
            if (digest) {
                return conn.preparedQuery(HOLD_FOR_DIGEST).execute(Tuple.of(ws, summary(workspaceName, members), PRIORITY, utc(now), to))
                        .replaceWithVoid();
            }
            return conn.preparedQuery(OPEN_WINDOWS).execute(Tuple.of(ws, utc(MemberMailWindow.QUIET.closesAt()), to))
                    .flatMap(ignored -> conn.preparedQuery(LOCK_WINDOWS).execute(Tuple.of(ws, to)))
                    .flatMap(windows -> {
                        Map<String, MemberMailWindow.Plan> plans = new LinkedHashMap<>();
                        for (Row row : windows) {
                            MemberMailWindow current = new MemberMailWindow(row.getOffsetDateTime("closes_at").toInstant(), row.getBoolean("busy"));
                            plans.put(row.getString("recipient"), current.plan(members.size(), now, window));
                        }
                        return write(conn, ws, workspaceName, members, plans, now);
                    });
        });
    }

    private static Uni<Void> write(SqlConnection conn, String ws, String workspaceName, List<NewMember> members,
                                   Map<String, MemberMailWindow.Plan> plans, Instant now) {
        Writes writes = new Writes();
        List<String> atOnce = plans.entrySet().stream().filter(e -> e.getValue().atOnce()).map(Map.Entry::getKey).toList();
        if (!atOnce.isEmpty()) {
            NewMember first = members.get(0);
            JsonObject params = first.toJson().put("workspace", workspaceName);
            writes.add(AT_ONCE, Tuple.of(first.eventId(), ws, params, PRIORITY, utc(now), atOnce.toArray(String[]::new)));
        }
        // Admins whose windows agree share one statement: usually all of them.
        record Summary(int members, Instant due) {
        }
        Map<Summary, List<String>> summaries = new LinkedHashMap<>();
        plans.forEach((recipient, plan) -> {
            if (plan.summarized() > 0) {
                summaries.computeIfAbsent(new Summary(plan.summarized(), plan.summaryDue()), k -> new ArrayList<>()).add(recipient);
            }
        });
        summaries.forEach((summary, recipients) -> {
            List<NewMember> joining = members.subList(members.size() - summary.members(), members.size());
            writes.add(ADD_TO_BATCH, Tuple.tuple(List.of(ws, summary(workspaceName, joining), PRIORITY, utc(summary.due()), utc(now),
                    recipients.toArray(String[]::new))));
        });
        List<Map.Entry<String, MemberMailWindow.Plan>> stored = new ArrayList<>(plans.entrySet());
        writes.add(STORE_WINDOWS, Tuple.of(ws,
                Writes.column(stored, Map.Entry::getKey, String[]::new),
                Writes.column(stored, e -> utc(e.getValue().after().closesAt()), OffsetDateTime[]::new),
                Writes.column(stored, e -> e.getValue().after().busy(), Boolean[]::new)));
        return writes.execute(conn);
    }

    /** The params of a summary mail: the workspace, how many members, the first {@value #LISTED} of them. */
    static JsonObject summary(String workspaceName, List<NewMember> members) {
        JsonArray listed = new JsonArray();
        members.stream().limit(LISTED).forEach(m -> listed.add(m.toJson()));
        return new JsonObject().put("workspace", workspaceName).put("count", members.size()).put("members", listed);
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
