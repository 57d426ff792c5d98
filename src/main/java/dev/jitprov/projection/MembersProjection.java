package dev.jitprov.projection;

import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.MemberEvent.OwnerCreated;
import dev.jitprov.provisioning.MemberEvent.RoleChanged;
import dev.jitprov.provisioning.MemberEvent.SessionStarted;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.provisioning.MemberEvent.UserInvited;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.MemberOrigin;
import dev.jitprov.eventstore.Writes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * The membership view ({@code members_view}): one row per member key of a workspace. A member deleted since
 * stays as {@code DELETED} (its identity is kept); a later creation in the same stream starts a new life in the
 * same row (R12, R13).
 */
@ApplicationScoped
public class MembersProjection implements Projection {

    public static final String NAME = "members";

    private static final String UPSERT = "INSERT INTO members_view (workspace_id, member_key, member_id, email, display_name, role, "
            + "origin, temporary, status, created_at, last_sign_in_at, deleted_at, last_position) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ACTIVE', $9, NULL, NULL, $10) "
            + "ON CONFLICT (workspace_id, member_key) DO UPDATE SET email = EXCLUDED.email, display_name = EXCLUDED.display_name, "
            + "role = EXCLUDED.role, origin = EXCLUDED.origin, temporary = EXCLUDED.temporary, status = 'ACTIVE', "
            + "created_at = EXCLUDED.created_at, last_sign_in_at = NULL, deleted_at = NULL, last_position = EXCLUDED.last_position";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> tables() {
        return List.of("members_view");
    }

    @Override
    public Uni<Void> apply(SqlConnection conn, List<Decoded> events) {
        Writes writes = new Writes();
        for (Decoded decoded : events) {
            write(writes, decoded.event(), decoded.payload());
        }
        return writes.execute(conn);
    }

    private void write(Writes writes, ProjectedEvent event, Object payload) {
        String ws = event.workspaceId();
        String key = event.memberKey();
        if (key == null) {
            return;
        }
        if (payload instanceof UserProvisioned e) {
            upsert(writes, event, e.email(), e.displayName(), e.role(), e.origin(), e.temporary(), e.at());
        } else if (payload instanceof UserInvited e) {
            upsert(writes, event, e.email(), e.displayName(), e.role(), MemberOrigin.INVITE, false, e.at());
        } else if (payload instanceof OwnerCreated e) {
            upsert(writes, event, e.email(), null, e.role(), MemberOrigin.PASSWORD, false, e.at());
        } else if (payload instanceof RoleChanged e) {
            update(writes, "role = $3", ws, key, e.to(), event.position());
        } else if (payload instanceof SessionStarted e) {
            // greatest(): a session started earlier but applied later (never within one stream, kept for safety)
            update(writes, "last_sign_in_at = greatest(last_sign_in_at, $3)", ws, key, utc(e.startedAt()), event.position());
        } else if (payload instanceof UserDeleted e) {
            update(writes, "status = 'DELETED', deleted_at = $3", ws, key, utc(e.at()), event.position());
        }
    }

    private static void upsert(Writes writes, ProjectedEvent event, String email, String displayName, String role,
                             MemberOrigin origin, boolean temporary, Instant createdAt) {
        String ws = event.workspaceId();
        String key = event.memberKey();
        writes.add(UPSERT, Tuple.tuple(Arrays.asList(ws, key, MemberStreams.memberId(ws, key), email,
                displayName, role, origin.name(), temporary, utc(createdAt), event.position())));
    }

    private static void update(Writes writes, String set, String ws, String key, Object value, long position) {
        writes.add("UPDATE members_view SET " + set + ", last_position = $4 WHERE workspace_id = $1 AND member_key = $2",
                Tuple.of(ws, key, value, position));
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
