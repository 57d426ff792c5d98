package dev.jitprov.projection;

import dev.jitprov.paging.PageRequest;
import dev.jitprov.provisioning.DomainException;
import dev.jitprov.provisioning.MemberOrigin;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Lagging member search: the questions the Members page asks of the membership view (a read model), which trails
 * the store by the relay and consumer delay. Decisions never read it (they read the member's stream); consistent
 * lookups are {@code members.MemberDirectory}'s.
 */
@ApplicationScoped
public class MembersView {

    /** A member as listed. {@code displayName} and {@code lastSignInAt} are nullable. */
    public record MemberItem(UUID id, String memberKey, String email, String displayName, String role, String origin,
                             boolean temporary, String status, Instant createdAt, Instant lastSignInAt) {
    }

    /**
     * Validated filters. {@code status} defaults to ACTIVE (the Members page lists current members; DELETED
     * ones are kept for their identity); {@code sort} is {@code email}, {@code createdAt} or {@code lastSignInAt},
     * prefixed with {@code -} for descending.
     */
    public record Filter(String query, String role, String origin, Boolean temporary, String status, String sortColumn, boolean descending) {

        private static final Map<String, String> SORTS = Map.of("email", "email", "createdAt", "created_at", "lastSignInAt", "last_sign_in_at");

        public static Filter of(String query, String role, String origin, String temporary, String status, String sort) {
            String o = blankToNull(origin);
            if (o != null) {
                try {
                    o = MemberOrigin.valueOf(o.toUpperCase(Locale.ROOT)).name();
                } catch (IllegalArgumentException e) {
                    throw DomainException.invalid("invalid_origin", "'origin' must be one of JIT, SCIM, INVITE, PASSWORD");
                }
            }
            Boolean t = null;
            String tmp = blankToNull(temporary);
            if (tmp != null) {
                if (!tmp.equalsIgnoreCase("true") && !tmp.equalsIgnoreCase("false")) {
                    throw DomainException.invalid("invalid_temporary", "'temporary' must be true or false");
                }
                t = Boolean.parseBoolean(tmp.toLowerCase(Locale.ROOT));
            }
            String s = blankToNull(status);
            s = s == null ? "ACTIVE" : s.toUpperCase(Locale.ROOT);
            if (!s.equals("ACTIVE") && !s.equals("DELETED")) {
                throw DomainException.invalid("invalid_status", "'status' must be ACTIVE or DELETED");
            }
            String so = blankToNull(sort);
            boolean desc = so != null && so.startsWith("-");
            String column = so == null ? "email" : SORTS.get(desc ? so.substring(1) : so);
            if (column == null) {
                throw DomainException.invalid("invalid_sort", "'sort' must be email, createdAt or lastSignInAt, '-' first for descending");
            }
            return new Filter(blankToNull(query), blankToNull(role), o, t, s, column, desc);
        }
    }

    private final Pool pool;

    public MembersView(Pool pool) {
        this.pool = pool;
    }

    public Uni<PageRequest.Page<MemberItem>> search(String workspaceId, Filter filter, PageRequest page) {
        String where = " WHERE workspace_id = $1 AND status = $2"
                + " AND ($3::text IS NULL OR email ILIKE '%' || $3 || '%' OR display_name ILIKE '%' || $3 || '%' OR member_key ILIKE '%' || $3 || '%')"
                + " AND ($4::text IS NULL OR role = $4) AND ($5::text IS NULL OR origin = $5) AND ($6::boolean IS NULL OR temporary = $6)";
        List<Object> params = new ArrayList<>(List.of(workspaceId, filter.status()));
        params.add(filter.query() == null ? null : escapeLike(filter.query()));
        params.add(filter.role());
        params.add(filter.origin());
        params.add(filter.temporary());
        String order = " ORDER BY " + filter.sortColumn() + (filter.descending() ? " DESC NULLS LAST" : " ASC NULLS LAST") + ", member_key";
        return pool.preparedQuery("SELECT count(*) AS total FROM members_view" + where).execute(Tuple.tuple(params))
                .flatMap(count -> {
                    List<Object> paged = new ArrayList<>(params);
                    paged.add(page.size());
                    paged.add(page.offset());
                    return pool.preparedQuery(SELECT + where + order + " LIMIT $7 OFFSET $8").execute(Tuple.tuple(paged))
                            .map(rows -> {
                                List<MemberItem> items = new ArrayList<>();
                                rows.forEach(row -> items.add(toItem(row)));
                                return page.page(items, count.iterator().next().getLong("total"));
                            });
                });
    }

    private static final String SELECT = "SELECT member_id, member_key, email, display_name, role, origin, temporary, status, "
            + "created_at, last_sign_in_at FROM members_view";

    private static MemberItem toItem(Row row) {
        return new MemberItem(row.getUUID("member_id"), row.getString("member_key"), row.getString("email"), row.getString("display_name"),
                row.getString("role"), row.getString("origin"), row.getBoolean("temporary"), row.getString("status"),
                row.getOffsetDateTime("created_at").toInstant(), instant(row.getOffsetDateTime("last_sign_in_at")));
    }

    static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    /** The search text is literal: % and _ typed by the admin match themselves. */
    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
