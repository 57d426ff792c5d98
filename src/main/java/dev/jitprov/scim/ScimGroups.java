package dev.jitprov.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.utils.FilterEvaluator;
import dev.jitprov.eventstore.ConcurrencyConflictException;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberCommand;
import dev.jitprov.provisioning.ScimGroup;
import dev.jitprov.provisioning.WorkspaceCommand;
import dev.jitprov.provisioning.WorkspaceEvent;
import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * SCIM Groups of a workspace (RFC 7644 §3): workspace data on the workspace stream, read from its always-current
 * state. A change of a group recomputes the role of every SCIM member it adds or removes, in the same transaction,
 * so the audit log shows the group change followed by the role changes it caused.
 */
@ApplicationScoped
public class ScimGroups {

    private final Pool pool;
    private final Workspaces workspaces;
    private final MemberStreams members;

    public ScimGroups(Pool pool, Workspaces workspaces, MemberStreams members) {
        this.pool = pool;
        this.workspaces = workspaces;
        this.members = members;
    }

    public Uni<ObjectNode> create(ScimUsers.Base base, Actor actor, JsonNode body) {
        ScimJson.GroupInput input = ScimJson.readGroup(body);
        String groupId = UUID.randomUUID().toString();
        return change(base, actor, state -> new WorkspaceCommand.CreateScimGroup(groupId, input.displayName(), input.externalId(),
                input.memberIds(), actor), groupId);
    }

    public Uni<ObjectNode> get(ScimUsers.Base base, String id, String attributes, String excluded) {
        return Uni.createFrom().item(() -> ScimAttributes.project(render(base, requireGroup(base.workspace(), id), true), attributes, excluded));
    }

    public Uni<ObjectNode> replace(ScimUsers.Base base, Actor actor, String id, JsonNode body) {
        ScimJson.GroupInput input = ScimJson.readGroup(body);
        return change(base, actor, state -> {
            requireGroup(state, id);
            return new WorkspaceCommand.ReplaceScimGroup(id, input.displayName(), input.externalId(), input.memberIds(), actor);
        }, id);
    }

    /** The patch applies to the group as the transaction reads it; a concurrent change makes the whole change run again. */
    public Uni<ObjectNode> patch(ScimUsers.Base base, Actor actor, String id, JsonNode body) {
        return change(base, actor, state -> {
            ObjectNode resource = render(base, requireGroup(state, id), true);
            resource.remove(List.of("id", "meta"));
            ScimJson.patch(resource, body);
            ScimJson.GroupInput input = ScimJson.readGroup(resource);
            return new WorkspaceCommand.ReplaceScimGroup(id, input.displayName(), input.externalId(), input.memberIds(), actor);
        }, id);
    }

    public Uni<Void> delete(ScimUsers.Base base, Actor actor, String id) {
        return change(base, actor, state -> {
            requireGroup(state, id);
            return new WorkspaceCommand.DeleteScimGroup(id, actor);
        }, null).replaceWithVoid();
    }

    /** {@code GET /Groups}: any filter the SDK evaluates ({@code displayName eq}, {@code externalId eq}, …), in creation order. */
    public Uni<ObjectNode> search(ScimUsers.Base base, String filter, Integer startIndex, Integer count, String attributes, String excluded) {
        int start = startIndex == null ? 1 : startIndex;
        if (start < 1) {
            throw ScimError.badRequest(ScimError.INVALID_VALUE, "startIndex must be 1 or more");
        }
        int size = count == null ? 100 : Math.max(0, count);
        if (size > ScimSchemas.MAX_COUNT) {
            throw ScimError.badRequest(ScimError.INVALID_VALUE, "count must be at most " + ScimSchemas.MAX_COUNT);
        }
        Filter parsed = filter == null || filter.isBlank() ? null : UserFilterSql.parse(filter);
        return Uni.createFrom().item(base.workspace()).map(ws -> {
            List<ObjectNode> matching = new ArrayList<>();
            for (ScimGroup g : ws.groups().values()) {
                ObjectNode node = render(base, g, true);
                try {
                    if (parsed == null || FilterEvaluator.evaluate(parsed, node)) {
                        matching.add(node);
                    }
                } catch (ScimException e) {
                    throw ScimError.badRequest(ScimError.INVALID_FILTER, e.getMessage());
                }
            }
            ObjectNode list = JsonNodeFactory.instance.objectNode();
            list.putArray("schemas").add(ScimSchemas.LIST_RESPONSE);
            list.put("totalResults", matching.size());
            list.put("startIndex", start);
            List<ObjectNode> page = matching.subList(Math.min(start - 1, matching.size()), Math.min(start - 1 + size, matching.size()));
            list.put("itemsPerPage", page.size());
            ArrayNode resources = list.putArray("Resources");
            page.forEach(node -> resources.add(ScimAttributes.project(node, attributes, excluded)));
            return list;
        });
    }

    /**
     * Decides the command on the workspace as this transaction reads it, checks that the members it names are users of
     * the workspace, appends, then recomputes the role of each member added or removed.
     */
    private Uni<ObjectNode> change(ScimUsers.Base base, Actor actor, Function<WorkspaceState, WorkspaceCommand> command, String groupId) {
        String ws = base.workspaceId();
        return pool.withTransaction(conn -> workspaces.load(conn, ws).flatMap(state -> {
                    WorkspaceCommand c = command.apply(state);
                    Set<String> named = c instanceof WorkspaceCommand.CreateScimGroup g ? g.memberIds()
                            : c instanceof WorkspaceCommand.ReplaceScimGroup g ? g.memberIds() : Set.of();
                    return requireUsers(conn, ws, named)
                            .flatMap(ok -> workspaces.execute(conn, ws, c, UUID.randomUUID().toString()))
                            .flatMap(result -> recomputeRoles(conn, base, actor, affected(result.before(), result.events()))
                                    .map(ignored -> groupId == null ? null : render(base, result.after().groups().get(groupId), true)));
                }))
                .onFailure(ConcurrencyConflictException.class).retry().atMost(5);
    }

    /** The members whose groups changed. */
    private static Set<String> affected(WorkspaceState before, List<WorkspaceEvent> events) {
        Set<String> ids = new LinkedHashSet<>();
        for (WorkspaceEvent e : events) {
            if (e instanceof WorkspaceEvent.ScimGroupCreated c) {
                ids.addAll(c.memberIds());
            } else if (e instanceof WorkspaceEvent.ScimGroupChanged c) {
                ids.addAll(c.added());
                ids.addAll(c.removed());
                ScimGroup old = before.groups().get(c.groupId());
                if (old != null && !old.displayName().equals(c.displayName())) {
                    ids.addAll(old.memberIds()); // a renamed group may map to another role
                }
            } else if (e instanceof WorkspaceEvent.ScimGroupDeleted c) {
                ScimGroup old = before.groups().get(c.groupId());
                if (old != null) {
                    ids.addAll(old.memberIds());
                }
            }
        }
        return ids;
    }

    private Uni<Void> recomputeRoles(SqlConnection conn, ScimUsers.Base base, Actor actor, Set<String> memberIds) {
        if (memberIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String ws = base.workspaceId();
        return conn.preparedQuery("SELECT member_key FROM member_index WHERE workspace_id = $1 AND member_id = ANY($2) ORDER BY member_key")
                .execute(Tuple.of(ws, memberIds.stream().map(ScimUsers::uuid).toArray(UUID[]::new)))
                .flatMap(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (var row : rows) {
                        String key = row.getString("member_key");
                        chain = chain.flatMap(ignored -> members.execute(conn, ws, key, ScimUsers.metadata(base, actor),
                                new MemberCommand.RecomputeScimRole(actor)).replaceWithVoid());
                    }
                    return chain;
                });
    }

    /** Every member a group names must be a user of the workspace. */
    private static Uni<Void> requireUsers(SqlConnection conn, String ws, Set<String> memberIds) {
        if (memberIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        UUID[] ids = new UUID[memberIds.size()];
        int i = 0;
        for (String id : memberIds) {
            try {
                ids[i++] = UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                throw ScimError.badRequest(ScimError.INVALID_VALUE, "member '" + id + "' is not a user id");
            }
        }
        return conn.preparedQuery("SELECT member_id FROM member_index WHERE workspace_id = $1 AND member_id = ANY($2)")
                .execute(Tuple.of(ws, ids))
                .map(rows -> {
                    Set<String> found = new LinkedHashSet<>();
                    rows.forEach(row -> found.add(row.getUUID("member_id").toString()));
                    Set<String> missing = new LinkedHashSet<>(memberIds);
                    missing.removeAll(found);
                    if (!missing.isEmpty()) {
                        throw ScimError.badRequest(ScimError.INVALID_VALUE, "no user " + String.join(", ", missing) + " in this workspace");
                    }
                    return null;
                });
    }

    private static ScimGroup requireGroup(WorkspaceState ws, String id) {
        ScimGroup group = ws.groups().get(id);
        if (group == null) {
            throw ScimError.notFound("no group " + id);
        }
        return group;
    }

    private static ObjectNode render(ScimUsers.Base base, ScimGroup g, boolean withMembers) {
        return ScimJson.group(g, base.groups() + "/" + g.groupId(), base.users(), withMembers);
    }
}
