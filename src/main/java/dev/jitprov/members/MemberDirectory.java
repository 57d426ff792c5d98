package dev.jitprov.members;

import dev.jitprov.paging.PageRequest;
import dev.jitprov.provisioning.DomainException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Consistent member lookups: questions asked of the member index kept beside the log, true as of the last committed
 * decision. For the Members page's search, which may lag a little, see {@code projection.MembersView}.
 */
@ApplicationScoped
public class MemberDirectory {

    public record MemberRow(UUID id, String memberKey, String email, String role, String origin, boolean temporary, Instant createdAt) {
    }

    private final Pool pool;

    public MemberDirectory(Pool pool) {
        this.pool = pool;
    }

    public Uni<MemberRow> require(String workspaceId, UUID memberId) {
        return pool.preparedQuery(SELECT + " WHERE workspace_id = $1 AND member_id = $2").execute(Tuple.of(workspaceId, memberId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw DomainException.notFound("member_not_found", "no member " + memberId + " in this workspace");
                    }
                    return toRow(rows.iterator().next());
                });
    }

    public Uni<PageRequest.Page<MemberRow>> search(String workspaceId, String query, String role, String origin, PageRequest page) {
        String where = " WHERE workspace_id = $1 AND ($2::text IS NULL OR email ILIKE '%' || $2 || '%' OR member_key ILIKE '%' || $2 || '%')"
                + " AND ($3::text IS NULL OR role = $3) AND ($4::text IS NULL OR origin = $4)";
        Tuple filters = Tuple.of(workspaceId, blankToNull(query), blankToNull(role), blankToNull(origin));
        return pool.preparedQuery("SELECT count(*) AS total FROM member_index" + where).execute(filters)
                .flatMap(count -> pool.preparedQuery(SELECT + where + " ORDER BY email LIMIT $5 OFFSET $6")
                        .execute(Tuple.of(workspaceId, blankToNull(query), blankToNull(role), blankToNull(origin), page.size(), page.offset()))
                        .map(rows -> {
                            List<MemberRow> items = new ArrayList<>();
                            rows.forEach(row -> items.add(toRow(row)));
                            return page.page(items, count.iterator().next().getLong("total"));
                        }));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static final String SELECT = "SELECT member_id, member_key, email, role, origin, temporary, created_at FROM member_index";

    private static MemberRow toRow(Row row) {
        return new MemberRow(row.getUUID("member_id"), row.getString("member_key"), row.getString("email"), row.getString("role"),
                row.getString("origin"), row.getBoolean("temporary"), row.getOffsetDateTime("created_at").toInstant());
    }
}
