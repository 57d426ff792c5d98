package dev.jitprov.projection;

import dev.jitprov.provisioning.MemberEvent.SessionEnded;
import dev.jitprov.provisioning.MemberEvent.SessionStarted;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.eventstore.Writes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

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

    @Override
    public Uni<Void> apply(SqlConnection conn, List<Decoded> events) {
        Writes writes = new Writes();
        for (Decoded decoded : events) {
            write(writes, decoded.event(), decoded.payload());
        }
        return writes.execute(conn);
    }

    private static void write(Writes writes, ProjectedEvent event, Object payload) {
        String key = event.memberKey();
        if (key == null) {
            return;
        }
        if (payload instanceof SessionStarted e) {
            writes.add("INSERT INTO sessions_view (session_id, workspace_id, member_key, effective_role, via, "
                            + "started_at, expires_at, last_position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (session_id) DO NOTHING",
                    Tuple.tuple(Arrays.asList(UUID.fromString(e.sessionId()), event.workspaceId(), key, e.effectiveRole(),
                            e.via() == null ? null : e.via().name(), utc(e.startedAt()), utc(e.expiresAt()), event.position())));
        } else if (payload instanceof SessionEnded e) {
            writes.add("DELETE FROM sessions_view WHERE session_id = $1", Tuple.of(UUID.fromString(e.sessionId())));
        } else if (payload instanceof UserDeleted) {
            writes.add("DELETE FROM sessions_view WHERE workspace_id = $1 AND member_key = $2", Tuple.of(event.workspaceId(), key));
        }
    }
}
