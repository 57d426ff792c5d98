package dev.jitprov.projection;

import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.eventstore.Writes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static dev.jitprov.eventstore.Writes.column;

/**
 * The membership view ({@code members_view}): one row per member key of a workspace. A member deleted since
 * stays as {@code DELETED} (its identity is kept); a later creation in the same stream starts a new life in the
 * same row (R12, R13).
 */
@ApplicationScoped
public class MembersProjection implements Projection {

    public static final String NAME = "members";

    /** The rows created in the batch, whole: a creation overwrites every column but the (derived) member id. */
    private static final String UPSERT_ROWS = "INSERT INTO members_view (workspace_id, member_key, member_id, email, display_name, role, "
            + "origin, temporary, status, created_at, last_sign_in_at, deleted_at, last_position, deactivated) "
            + "SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], "
            + "$8::boolean[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::bigint[], $14::boolean[]) "
            + "ON CONFLICT (workspace_id, member_key) DO UPDATE SET email = EXCLUDED.email, display_name = EXCLUDED.display_name, "
            + "role = EXCLUDED.role, origin = EXCLUDED.origin, temporary = EXCLUDED.temporary, status = EXCLUDED.status, "
            + "created_at = EXCLUDED.created_at, last_sign_in_at = EXCLUDED.last_sign_in_at, deleted_at = EXCLUDED.deleted_at, "
            + "last_position = EXCLUDED.last_position, deactivated = EXCLUDED.deactivated";

    /** The other rows the batch touches: each column only if the batch changed it (a row not there is left alone). */
    private static final String PATCH_ROWS = "UPDATE members_view m SET role = coalesce(p.role, m.role), "
            + "email = coalesce(p.email, m.email), display_name = coalesce(p.display_name, m.display_name), "
            + "deactivated = coalesce(p.deactivated, m.deactivated), "
            + "last_sign_in_at = greatest(m.last_sign_in_at, p.last_sign_in_at), "
            + "status = CASE WHEN p.deleted THEN 'DELETED' ELSE m.status END, "
            + "deleted_at = CASE WHEN p.deleted THEN p.deleted_at ELSE m.deleted_at END, last_position = p.last_position "
            + "FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::boolean[], $6::timestamptz[], $7::bigint[], "
            + "$8::text[], $9::text[], $10::boolean[]) "
            + "AS p(workspace_id, member_key, role, last_sign_in_at, deleted, deleted_at, last_position, email, display_name, deactivated) "
            + "WHERE m.workspace_id = p.workspace_id AND m.member_key = p.member_key";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> tables() {
        return List.of("members_view");
    }

    /**
     * The batch folded per member ({@link MemberRowChanges}) and written as one upsert of the rows it created and one
     * update of the rows it changed: the same rows as one statement per event, for a fraction of the statements
     * (each member appears once in each, so no row is written twice by one statement).
     */
    @Override
    public Uni<Void> apply(SqlConnection conn, List<Decoded> events) {
        MemberRowChanges changes = MemberRowChanges.of(events);
        Writes writes = new Writes();
        List<MemberRowChanges.Change> rows = changes.rows();
        if (!rows.isEmpty()) {
            writes.add(UPSERT_ROWS, Tuple.tuple(List.of(
                    column(rows, r -> r.workspaceId, String[]::new),
                    column(rows, r -> r.memberKey, String[]::new),
                    column(rows, r -> MemberKeys.memberId(r.workspaceId, r.memberKey), UUID[]::new),
                    column(rows, r -> r.email, String[]::new),
                    column(rows, r -> r.displayName, String[]::new),
                    column(rows, r -> r.role, String[]::new),
                    column(rows, r -> r.origin.name(), String[]::new),
                    column(rows, r -> r.temporary, Boolean[]::new),
                    column(rows, r -> r.deleted ? "DELETED" : "ACTIVE", String[]::new),
                    column(rows, r -> utc(r.createdAt), OffsetDateTime[]::new),
                    column(rows, r -> utc(r.lastSignInAt), OffsetDateTime[]::new),
                    column(rows, r -> utc(r.deletedAt), OffsetDateTime[]::new),
                    column(rows, r -> r.lastPosition, Long[]::new),
                    column(rows, r -> Boolean.TRUE.equals(r.deactivated), Boolean[]::new))));
        }
        List<MemberRowChanges.Change> patches = changes.patches();
        if (!patches.isEmpty()) {
            writes.add(PATCH_ROWS, Tuple.tuple(List.of(
                    column(patches, p -> p.workspaceId, String[]::new),
                    column(patches, p -> p.memberKey, String[]::new),
                    column(patches, p -> p.role, String[]::new),
                    column(patches, p -> utc(p.lastSignInAt), OffsetDateTime[]::new),
                    column(patches, p -> p.deleted, Boolean[]::new),
                    column(patches, p -> utc(p.deletedAt), OffsetDateTime[]::new),
                    column(patches, p -> p.lastPosition, Long[]::new),
                    column(patches, p -> p.email, String[]::new),
                    column(patches, p -> p.displayName, String[]::new),
                    column(patches, p -> p.deactivated, Boolean[]::new))));
        }
        return writes.execute(conn);
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
