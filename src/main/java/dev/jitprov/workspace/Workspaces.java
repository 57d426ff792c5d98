package dev.jitprov.workspace;

import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.eventstore.EventStore;
import dev.jitprov.eventstore.Locks;
import dev.jitprov.eventstore.NewEvent;
import dev.jitprov.provisioning.DomainException;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.WorkspaceCommand;
import dev.jitprov.provisioning.WorkspaceDecider;
import dev.jitprov.provisioning.WorkspaceEvent;
import dev.jitprov.provisioning.WorkspaceState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Workspace configuration streams: load the current state (folded from the store, with an in-memory copy that
 * is topped up from the store on every load, so it is never stale), decide a command, append.
 */
@ApplicationScoped
public class Workspaces {

    private final EventStore store;
    private final Pool pool;
    private final Clock clock;
    private final Map<String, WorkspaceState> cache = new ConcurrentHashMap<>();

    public Workspaces(EventStore store, Pool pool, Clock clock) {
        this.store = store;
        this.pool = pool;
        this.clock = clock;
    }

    /** The current state; fails with 404 {@code workspace_not_found} when there is no such workspace. */
    public Uni<WorkspaceState> require(String workspaceId) {
        return load(pool, workspaceId).map(state -> {
            if (!state.exists()) {
                throw DomainException.notFound("workspace_not_found", "no workspace '" + workspaceId + "'");
            }
            return state;
        });
    }

    /**
     * This replica's last known state of the workspace, without a read when it has one (else as {@link #require}):
     * possibly behind the store. Only for a caller that checks the version before it acts on it (the ACS: issue 20).
     */
    public Uni<WorkspaceState> cached(String workspaceId) {
        WorkspaceState cached = cache.get(workspaceId);
        return cached != null && cached.exists() ? Uni.createFrom().item(cached) : require(workspaceId);
    }

    /** The current state, or the initial (non-existing) one for an unknown id: never fails for want of a workspace. */
    public Uni<WorkspaceState> current(String workspaceId) {
        return load(pool, workspaceId);
    }

    public Uni<WorkspaceState> load(SqlClient client, String workspaceId) {
        WorkspaceState cached = cache.getOrDefault(workspaceId, WorkspaceState.initial());
        return store.readStream(client, WorkspaceState.streamId(workspaceId), (int) cached.version())
                .map(newer -> {
                    if (newer.isEmpty()) {
                        return cached;
                    }
                    WorkspaceState state = WorkspaceDecider.DECIDER.fold(cached, store.decodeAll(newer, WorkspaceEvent.class));
                    // Only what is committed is shared: inside a transaction the read may include this transaction's own
                    // events, which a rollback takes back; cached, they would hide the event really committed at that version.
                    if (!(client instanceof SqlConnection)) {
                        cache.merge(workspaceId, state, (a, b) -> a.version() >= b.version() ? a : b);
                    }
                    return state;
                });
    }

    /** Decides and appends in a transaction of its own; returns the events (empty when nothing changes). */
    public Uni<Result> execute(String workspaceId, WorkspaceCommand command, String correlationId) {
        return pool.withTransaction(conn -> execute(conn, workspaceId, command, correlationId));
    }

    /**
     * Deletes a custom role (the decider refuses built-in roles, the JIT default role, mapping targets and roles
     * members hold). {@code member_index} is written in the transactions that append member events, and those hold
     * the workspace's roles lock shared ({@link Locks#roles}): taken alone here, no decision that could give a member
     * this role is in flight while the holders are counted, and the ones after it see the workspace without the role.
     */
    public Uni<Result> removeRole(String workspaceId, String name, Actor actor) {
        return require(workspaceId).flatMap(state -> pool.withTransaction(conn -> Locks.exclusive(conn, Locks.roles(workspaceId))
                .flatMap(locked -> conn.preparedQuery("SELECT count(*) FROM member_index WHERE workspace_id = $1 AND role = $2")
                        .execute(Tuple.of(workspaceId, name)))
                .flatMap(rows -> execute(conn, workspaceId, new WorkspaceCommand.RemoveRole(name, rows.iterator().next().getLong(0), actor),
                        UUID.randomUUID().toString()))));
    }

    public record Result(WorkspaceState before, WorkspaceState after, List<WorkspaceEvent> events) {
    }

    public Uni<Result> execute(SqlConnection conn, String workspaceId, WorkspaceCommand command, String correlationId) {
        return load(conn, workspaceId).flatMap(state -> {
            List<WorkspaceEvent> events = WorkspaceDecider.DECIDER.decide(new WorkspaceDecider.Request(command, clock.instant()), state);
            if (events.isEmpty()) {
                return Uni.createFrom().item(new Result(state, state, events));
            }
            EventMetadata metadata = new EventMetadata(workspaceId, describe(command.actor()), correlationId, null);
            List<NewEvent> toAppend = new ArrayList<>();
            for (WorkspaceEvent event : events) {
                toAppend.add(new NewEvent(UUID.randomUUID(), event, metadata, event.at()));
            }
            return store.append(conn, WorkspaceState.streamId(workspaceId), (int) state.version(), toAppend)
                    .map(stored -> new Result(state, WorkspaceDecider.DECIDER.fold(state, events), events));
        });
    }

    public static String describe(Actor actor) {
        return actor.type().name().toLowerCase() + ":" + actor.id();
    }

}
