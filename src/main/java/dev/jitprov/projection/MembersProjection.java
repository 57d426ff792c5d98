package dev.jitprov.projection;

import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.MemberEvent.OwnerCreated;
import dev.jitprov.provisioning.MemberEvent.RoleChanged;
import dev.jitprov.provisioning.MemberEvent.SessionStarted;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.provisioning.MemberEvent.UserInvited;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.MemberOrigin;
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
    public Uni<Void> apply(SqlConnection conn, ProjectedEvent event, Object payload) {
        String ws = event.workspaceId();
        String key = event.memberKey();
        if (key == null) {
            return Uni.createFrom().voidItem();
        }
        if (payload instanceof UserProvisioned e) {
            return upsert(conn, event, e.email(), e.displayName(), e.role(), e.origin(), e.temporary(), e.at());
        } else if (payload instanceof UserInvited e) {
            return upsert(conn, event, e.email(), e.displayName(), e.role(), MemberOrigin.INVITE, false, e.at());
        } else if (payload instanceof OwnerCreated e) {
            return upsert(conn, event, e.email(), null, e.role(), MemberOrigin.PASSWORD, false, e.at());
        } else if (payload instanceof RoleChanged e) {
            return update(conn, "role = $3", ws, key, e.to(), event.position());
        } else if (payload instanceof SessionStarted e) {
            // greatest(): a session started earlier but applied later (never within one stream, kept for safety)
            return update(conn, "last_sign_in_at = greatest(last_sign_in_at, $3)", ws, key, utc(e.startedAt()), event.position());
        } else if (payload instanceof UserDeleted e) {
            return update(conn, "status = 'DELETED', deleted_at = $3", ws, key, utc(e.at()), event.position());
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> upsert(SqlConnection conn, ProjectedEvent event, String email, String displayName, String role,
                             MemberOrigin origin, boolean temporary, Instant createdAt) {
        String ws = event.workspaceId();
        String key = event.memberKey();
        return conn.preparedQuery(UPSERT).execute(Tuple.tuple(Arrays.asList(ws, key, MemberStreams.memberId(ws, key), email,
                        displayName, role, origin.name(), temporary, utc(createdAt), event.position())))
                .replaceWithVoid();
    }

    private Uni<Void> update(SqlConnection conn, String set, String ws, String key, Object value, long position) {
        return conn.preparedQuery("UPDATE members_view SET " + set + ", last_position = $4 WHERE workspace_id = $1 AND member_key = $2")
                .execute(Tuple.of(ws, key, value, position))
                .replaceWithVoid();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
