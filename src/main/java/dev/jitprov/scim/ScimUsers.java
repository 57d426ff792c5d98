package dev.jitprov.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.filters.Filter;
import dev.jitprov.eventstore.ConcurrencyConflictException;
import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.members.ScimProfileJson;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberCommand;
import dev.jitprov.provisioning.MemberDecider;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.MemberState;
import dev.jitprov.provisioning.WorkspaceCommand;
import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * SCIM Users of a workspace (RFC 7644 §3): every live member is a User, its id the member id. Writes run through the
 * member's stream (its lock and expected version: two PATCHes of one user are applied one after the other, never one
 * lost); reads come from {@code member_index}, written in the same transactions (never a lagging view).
 */
@ApplicationScoped
public class ScimUsers {

    /**
     * Where the resources live ({@code {public base}/scim/v2/{ws}}) and the workspace as the request found it (read with
     * the credentials, so a read is not read twice: groups for a user's {@code groups}, the method).
     */
    public record Base(String workspaceId, String url, WorkspaceState workspace) {
        String users() {
            return url + "/Users";
        }

        String groups() {
            return url + "/Groups";
        }
    }

    private static final String COLUMNS = "m.member_id, m.member_key, m.email, m.display_name, m.role, m.deactivated, m.scim::text AS scim, "
            + "m.created_at, m.updated_at";

    private final Pool pool;
    private final MemberStreams members;
    private final Workspaces workspaces;
    private final Clock clock;

    public ScimUsers(Pool pool, MemberStreams members, Workspaces workspaces, Clock clock) {
        this.pool = pool;
        this.members = members;
        this.workspaces = workspaces;
        this.clock = clock;
    }

    public Uni<ObjectNode> create(Base base, Actor actor, JsonNode body) {
        ScimJson.UserInput input = ScimJson.readUser(body);
        String key = MemberKeys.normalize(input.profile().userName());
        MemberCommand command = new MemberCommand.ProvisionScimUser(key, input.profile(), input.active(), actor);
        // the workspace the decision read renders the answer (its groups): no second read
        return members.decide(base.workspaceId(), key, metadata(base, actor), ctx -> new MemberStreams.Decision<>(
                        MemberDecider.DECIDER.decide(new MemberDecider.Request(ctx.workspace(), command, ctx.otherActiveAdmins(), clock.instant()),
                                ctx.member()), ctx.workspace()))
                .map(outcome -> render(base, outcome.result(), memberOf(base.workspaceId(), outcome.after(), clock.instant())));
    }

    public Uni<ObjectNode> get(Base base, String id, String attributes, String excluded) {
        return rowById(base.workspaceId(), id).map(row -> ScimAttributes.project(render(base, base.workspace(), memberOf(row)), attributes, excluded));
    }

    public Uni<ObjectNode> replace(Base base, Actor actor, String id, JsonNode body) {
        ScimJson.UserInput input = ScimJson.readUser(body);
        return update(base, actor, id, member -> input);
    }

    public Uni<ObjectNode> patch(Base base, Actor actor, String id, JsonNode body) {
        return update(base, actor, id, member -> {
            ObjectNode resource = ScimJson.userForPatch(member);
            ScimJson.patch(resource, body);
            return ScimJson.readUser(resource);
        });
    }

    /** The change is computed from the member as it is under its lock, so a concurrent change is never overwritten. */
    private Uni<ObjectNode> update(Base base, Actor actor, String id, java.util.function.Function<ScimJson.Member, ScimJson.UserInput> change) {
        return keyOf(base.workspaceId(), id).flatMap(key -> members.decide(base.workspaceId(), key, metadata(base, actor), ctx -> {
            MemberState member = ctx.member();
            if (!member.isMember()) {
                throw ScimError.notFound("no user " + id);
            }
            ScimJson.UserInput input = change.apply(memberOf(base.workspaceId(), member, clock.instant()));
            return new MemberStreams.Decision<>(MemberDecider.DECIDER.decide(new MemberDecider.Request(ctx.workspace(),
                    new MemberCommand.UpdateScimUser(input.profile(), input.active(), actor), ctx.otherActiveAdmins(), clock.instant()), member),
                    ctx.workspace());
        })).map(outcome -> render(base, outcome.result(), memberOf(base.workspaceId(), outcome.after(), clock.instant())));
    }

    /** The member is deleted (its sessions end, its tokens die) and leaves its groups, in one transaction. */
    public Uni<Void> delete(Base base, Actor actor, String id) {
        String ws = base.workspaceId();
        return keyOf(ws, id).flatMap(key -> pool.withTransaction(conn -> workspaces.execute(conn, ws,
                                new WorkspaceCommand.LeaveScimGroups(MemberKeys.memberId(ws, key).toString(), actor), UUID.randomUUID().toString())
                        .flatMap(left -> members.execute(conn, ws, key, metadata(base, actor), new MemberCommand.DeleteScimUser(actor))))
                .onFailure(ConcurrencyConflictException.class).retry().atMost(5))
                .replaceWithVoid();
    }

    /** {@code GET /Users}: the members matching {@code filter}, oldest first, one page. */
    public Uni<ObjectNode> search(Base base, String filter, Integer startIndex, Integer count, String attributes, String excluded) {
        int start = startIndex == null ? 1 : startIndex;
        if (start < 1) {
            throw ScimError.badRequest(ScimError.INVALID_VALUE, "startIndex must be 1 or more");
        }
        int size = count == null ? 100 : Math.max(0, count);
        if (size > ScimSchemas.MAX_COUNT) {
            throw ScimError.badRequest(ScimError.INVALID_VALUE, "count must be at most " + ScimSchemas.MAX_COUNT);
        }
        List<Object> params = new ArrayList<>();
        params.add(base.workspaceId());
        String where = "m.workspace_id = $1";
        if (filter != null && !filter.isBlank()) {
            Filter parsed = UserFilterSql.parse(filter);
            where += " AND " + UserFilterSql.where(parsed, params);
        }
        Tuple countParams = Tuple.tuple(new ArrayList<>(params));
        params.add(size);
        params.add(start - 1);
        // the page carries the total (one round trip); only an empty page past the first asks for it separately
        String page = "SELECT " + COLUMNS + ", count(*) OVER () AS total FROM member_index m WHERE " + where
                + " ORDER BY m.created_at, m.member_key LIMIT $" + (params.size() - 1) + " OFFSET $" + params.size();
        String countSql = "SELECT count(*) FROM member_index m WHERE " + where;
        Uni<Page> found = pool.preparedQuery(page).execute(Tuple.tuple(params)).flatMap(rows -> {
            List<ScimJson.Member> list = new ArrayList<>();
            long total = 0;
            for (Row row : rows) {
                list.add(memberOf(row));
                total = row.getLong("total");
            }
            if (!list.isEmpty() || (start == 1 && size > 0)) {
                return Uni.createFrom().item(new Page(total, list));
            }
            return pool.preparedQuery(countSql).execute(countParams).map(counted -> new Page(counted.iterator().next().getLong(0), list));
        });
        return found.map(result -> {
            ObjectNode list = JsonNodeFactory.instance.objectNode();
            list.putArray("schemas").add(ScimSchemas.LIST_RESPONSE);
            list.put("totalResults", result.total());
            list.put("startIndex", start);
            list.put("itemsPerPage", result.members().size());
            ArrayNode resources = list.putArray("Resources");
            for (ScimJson.Member m : result.members()) {
                resources.add(ScimAttributes.project(render(base, base.workspace(), m), attributes, excluded));
            }
            return list;
        });
    }

    private record Page(long total, List<ScimJson.Member> members) {
    }

    // ---- reading ----

    private static ObjectNode render(Base base, WorkspaceState ws, ScimJson.Member m) {
        return ScimJson.user(base.users() + "/" + m.memberId(), m, ws.groupsOf(m.memberId()), base.groups());
    }

    private static ScimJson.Member memberOf(String ws, MemberState s, java.time.Instant now) {
        return new ScimJson.Member(MemberKeys.memberId(ws, s.memberKey()).toString(), s.memberKey(), s.email(), s.displayName(),
                s.storedRole(), !s.deactivated(), s.scim(), s.createdAt(), now);
    }

    private static ScimJson.Member memberOf(Row row) {
        java.time.OffsetDateTime updated = row.getOffsetDateTime("updated_at");
        return new ScimJson.Member(row.getUUID("member_id").toString(), row.getString("member_key"), row.getString("email"),
                row.getString("display_name"), row.getString("role"), !row.getBoolean("deactivated"),
                ScimProfileJson.read(row.getString("scim")), row.getOffsetDateTime("created_at").toInstant(),
                updated == null ? null : updated.toInstant());
    }

    private Uni<Row> rowById(String ws, String id) {
        UUID memberId = uuid(id);
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM member_index m WHERE m.workspace_id = $1 AND m.member_id = $2")
                .execute(Tuple.of(ws, memberId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ScimError.notFound("no user " + id);
                    }
                    return rows.iterator().next();
                });
    }

    private Uni<String> keyOf(String ws, String id) {
        return rowById(ws, id).map(row -> row.getString("member_key"));
    }

    static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ScimError.notFound("no resource " + id);
        }
    }

    static EventMetadata metadata(Base base, Actor actor) {
        return new EventMetadata(base.workspaceId(), Workspaces.describe(actor), UUID.randomUUID().toString(), null);
    }

}
