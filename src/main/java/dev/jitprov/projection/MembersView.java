package dev.jitprov.projection;

import dev.jitprov.paging.PageRequest;
import dev.jitprov.provisioning.DomainException;
import dev.jitprov.provisioning.MemberOrigin;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
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
                             boolean temporary, String status, Instant createdAt, Instant lastSignInAt, boolean deactivated) {
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

    /** Filter field names (the API's {@code sort}) to entity properties. */
    private static final Map<String, String> PROPERTIES = Map.of("email", "email", "created_at", "createdAt", "last_sign_in_at", "lastSignInAt");

    /**
     * One page and the count of all matches, in one Hibernate Reactive session. The query holds only the filters
     * given (no "parameter is null or ..." catch-all), so PostgreSQL can use the trigram index for the search text
     * and the sort's index for the order (migration V9).
     */
    public Uni<PageRequest.Page<MemberItem>> search(String workspaceId, Filter filter, PageRequest page) {
        StringBuilder where = new StringBuilder("workspaceId = :ws and status = :status");
        Parameters params = Parameters.with("ws", workspaceId).and("status", filter.status());
        if (filter.query() != null) {
            where.append(" and (email ilike :q escape '\\' or displayName ilike :q escape '\\' or memberKey ilike :q escape '\\')");
            params.and("q", "%" + escapeLike(filter.query()) + "%");
        }
        if (filter.role() != null) {
            where.append(" and role = :role");
            params.and("role", filter.role());
        }
        if (filter.origin() != null) {
            where.append(" and origin = :origin");
            params.and("origin", filter.origin());
        }
        if (filter.temporary() != null) {
            where.append(" and temporary = :temporary");
            params.and("temporary", filter.temporary());
        }
        Sort sort = Sort.by(PROPERTIES.get(filter.sortColumn()), filter.descending() ? Sort.Direction.Descending : Sort.Direction.Ascending,
                Sort.NullPrecedence.NULLS_LAST).and("memberKey");
        if (filter.query() == null) {
            return Panache.withSession(() -> countAndPage(where.toString(), sort, params, page));
        }
        // A search's matches are few, but a cached (generic) plan cannot know it: it would walk the sort's index and
        // filter every member. Planned with the text itself, the trigram indexes find the matches and only they are
        // sorted (250 ms -> a few ms at 100,000 members). SET LOCAL needs a transaction and ends with it.
        return Panache.withTransaction(() -> Panache.getSession()
                .flatMap(session -> session.createNativeQuery("SET LOCAL plan_cache_mode = force_custom_plan").executeUpdate())
                .flatMap(ignored -> countAndPage(where.toString(), sort, params, page)));
    }

    private static Uni<PageRequest.Page<MemberItem>> countAndPage(String where, Sort sort, Parameters params, PageRequest page) {
        PanacheQuery<MemberViewRow> query = MemberViewRow.find(where, sort, params);
        return query.count().flatMap(total -> query.page(Page.of(page.page() - 1, page.size())).list()
                .map(rows -> page.page(rows.stream().map(MembersView::toItem).toList(), total)));
    }

    private static MemberItem toItem(MemberViewRow row) {
        return new MemberItem(row.memberId, row.memberKey, row.email, row.displayName, row.role, row.origin, row.temporary, row.status,
                row.createdAt, row.lastSignInAt, row.deactivated);
    }

    /** The search text is literal: % and _ typed by the admin match themselves. */
    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
