package dev.jitprov.projection;

import dev.jitprov.provisioning.MemberEvent.SessionEnded;
import dev.jitprov.provisioning.MemberEvent.SessionStarted;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.eventstore.Writes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.jitprov.eventstore.Writes.column;
import static dev.jitprov.projection.MembersProjection.utc;

/**
 * The sessions view ({@code sessions_view}): active sessions with their effective role (R9), started and expiry
 * times. An ended session is removed; so are all sessions of a deleted member (the domain ends them first anyway).
 * A session past its expiry with no end event yet is filtered by readers ({@code expires_at > now()}).
 */
@ApplicationScoped
public class SessionsProjection implements Projection {

    public static final String NAME = "sessions";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> tables() {
        return List.of("sessions_view");
    }

    private static final String DELETE_ENDED = "DELETE FROM sessions_view WHERE session_id = ANY($1::uuid[])";

    private static final String DELETE_OF_DELETED_MEMBERS = "DELETE FROM sessions_view s USING unnest($1::text[], $2::text[]) "
            + "AS m(workspace_id, member_key) WHERE s.workspace_id = m.workspace_id AND s.member_key = m.member_key";

    private static final String INSERT_STARTED = "INSERT INTO sessions_view (session_id, workspace_id, member_key, effective_role, via, "
            + "started_at, expires_at, last_position) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], "
            + "$6::timestamptz[], $7::timestamptz[], $8::bigint[]) ON CONFLICT (session_id) DO NOTHING";

    /** A session the batch started and did not end. */
    private record Started(UUID sessionId, String workspaceId, String memberKey, String effectiveRole, String via,
                           OffsetDateTime startedAt, OffsetDateTime expiresAt, long position) {
    }

    /**
     * The batch in three set-based statements, deletions first, with the rows of applying its events one at a time:
     * a session started and ended (or whose member was deleted) within the batch is never inserted, and every
     * other deletion only concerns rows from before the batch, which inserting after it cannot bring back (a
     * start of an existing session changes nothing: {@code DO NOTHING}).
     */
    @Override
    public Uni<Void> apply(SqlConnection conn, List<Decoded> events) {
        Map<UUID, Started> started = new LinkedHashMap<>();
        Set<UUID> ended = new LinkedHashSet<>();
        Set<List<String>> deletedMembers = new LinkedHashSet<>();
        for (Decoded decoded : events) {
            ProjectedEvent event = decoded.event();
            String key = event.memberKey();
            if (key == null) {
                continue;
            }
            if (decoded.payload() instanceof SessionStarted e) {
                UUID id = UUID.fromString(e.sessionId());
                started.putIfAbsent(id, new Started(id, event.workspaceId(), key, e.effectiveRole(),
                        e.via() == null ? null : e.via().name(), utc(e.startedAt()), utc(e.expiresAt()), event.position()));
            } else if (decoded.payload() instanceof SessionEnded e) {
                UUID id = UUID.fromString(e.sessionId());
                started.remove(id);
                ended.add(id);
            } else if (decoded.payload() instanceof UserDeleted) {
                started.values().removeIf(s -> s.workspaceId().equals(event.workspaceId()) && s.memberKey().equals(key));
                deletedMembers.add(List.of(event.workspaceId(), key));
            }
        }
        Writes writes = new Writes();
        if (!ended.isEmpty()) {
            writes.add(DELETE_ENDED, Tuple.of(ended.toArray(UUID[]::new)));
        }
        if (!deletedMembers.isEmpty()) {
            List<List<String>> members = List.copyOf(deletedMembers);
            writes.add(DELETE_OF_DELETED_MEMBERS, Tuple.of(column(members, m -> m.get(0), String[]::new),
                    column(members, m -> m.get(1), String[]::new)));
        }
        if (!started.isEmpty()) {
            List<Started> rows = List.copyOf(started.values());
            writes.add(INSERT_STARTED, Tuple.tuple(List.of(
                    column(rows, Started::sessionId, UUID[]::new),
                    column(rows, Started::workspaceId, String[]::new),
                    column(rows, Started::memberKey, String[]::new),
                    column(rows, Started::effectiveRole, String[]::new),
                    column(rows, Started::via, String[]::new),
                    column(rows, Started::startedAt, OffsetDateTime[]::new),
                    column(rows, Started::expiresAt, OffsetDateTime[]::new),
                    column(rows, Started::position, Long[]::new))));
        }
        return writes.execute(conn);
    }
}
