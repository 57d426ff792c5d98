package dev.jitprov.eventstore;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The one way a Kafka consumer applies an event exactly once in effect: the event id is recorded in the same
 * transaction as the consumer's writes, so a redelivered event (relay retry, consumer restart, replayed
 * offsets) finds its id and changes nothing.
 */
@ApplicationScoped
public class ProcessedEvents {

    private final Pool pool;

    public ProcessedEvents(Pool pool) {
        this.pool = pool;
    }

    /** @return true when {@code work} ran and committed, false when the event had been applied before */
    public Uni<Boolean> applyOnce(String consumer, UUID eventId, Function<SqlConnection, Uni<Void>> work) {
        return pool.withTransaction(conn -> applyOnce(conn, consumer, eventId, work));
    }

    /** As {@link #applyOnce(String, UUID, Function)}, inside the caller's transaction. */
    public Uni<Boolean> applyOnce(SqlConnection conn, String consumer, UUID eventId, Function<SqlConnection, Uni<Void>> work) {
        return conn.preparedQuery("INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(consumer, eventId))
                .flatMap(rows -> rows.rowCount() == 0
                        ? Uni.createFrom().item(false)
                        : work.apply(conn).replaceWith(true));
    }

    /**
     * The batch form: records every id of {@code eventIds} for {@code consumer} in one statement, inside the caller's
     * transaction, and returns those that were new. The caller applies exactly those, in the same transaction.
     */
    public Uni<Set<UUID>> claim(SqlConnection conn, String consumer, Collection<UUID> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return conn.preparedQuery("INSERT INTO processed_events (consumer, event_id) SELECT $1, id FROM unnest($2::uuid[]) AS id "
                        + "ON CONFLICT DO NOTHING RETURNING event_id")
                .execute(Tuple.of(consumer, eventIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Set<UUID> fresh = new HashSet<>(rows.size() * 2);
                    rows.forEach(row -> fresh.add(row.getUUID("event_id")));
                    return fresh;
                });
    }

    /** Records {@code eventIds} as processed without reporting which were new (the caller knows they all are). */
    public Uni<Void> record(SqlConnection conn, String consumer, Collection<UUID> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return conn.preparedQuery("INSERT INTO processed_events (consumer, event_id) SELECT $1, id FROM unnest($2::uuid[]) AS id "
                        + "ON CONFLICT DO NOTHING")
                .execute(Tuple.of(consumer, eventIds.toArray(UUID[]::new)))
                .replaceWithVoid();
    }

    /**
     * The batch consumers' one step: records the ids of {@code items} for {@code consumer} ({@link #claim}) and
     * returns, in their order, the items to apply: those whose id was new, each id once (a copy later in the same
     * batch is dropped).
     */
    public <T> Uni<List<T>> claimNew(SqlConnection conn, String consumer, List<T> items, Function<T, UUID> idOf) {
        Set<UUID> ids = new LinkedHashSet<>();
        items.forEach(item -> ids.add(idOf.apply(item)));
        return claim(conn, consumer, ids).map(fresh -> {
            List<T> toApply = new ArrayList<>(fresh.size());
            Set<UUID> taken = new HashSet<>();
            for (T item : items) {
                UUID id = idOf.apply(item);
                if (fresh.contains(id) && taken.add(id)) {
                    toApply.add(item);
                }
            }
            return toApply;
        });
    }
}
