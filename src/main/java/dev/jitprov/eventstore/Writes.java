package dev.jitprov.eventstore;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The writes of a batch of events, in the order the events came, sent to PostgreSQL without waiting for each
 * answer: consecutive writes with the same SQL go as one {@code executeBatch}, and the runs are all queued on the
 * connection at once (the client pipelines them; PostgreSQL runs them in the order they were sent). A batch of
 * a thousand events then costs a few round trips instead of a thousand, and the rows are the same as applying
 * the events one by one, because the order is kept.
 */
public final class Writes {

    private record Run(String sql, List<Tuple> tuples) {
    }

    private final List<Run> runs = new ArrayList<>();

    public Writes add(String sql, Tuple tuple) {
        Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
        if (last != null && Objects.equals(last.sql(), sql)) {
            last.tuples().add(tuple);
        } else {
            List<Tuple> tuples = new ArrayList<>();
            tuples.add(tuple);
            runs.add(new Run(sql, tuples));
        }
        return this;
    }

    /**
     * One column of a set-based statement ({@code INSERT … SELECT * FROM unnest($1::text[], …)}): an array
     * parameter, one element per item, in the items' order.
     */
    public static <T, V> V[] column(List<T> items, Function<T, V> value, IntFunction<V[]> array) {
        V[] result = array.apply(items.size());
        for (int i = 0; i < result.length; i++) {
            result[i] = value.apply(items.get(i));
        }
        return result;
    }

    public boolean isEmpty() {
        return runs.isEmpty();
    }

    /** Sends every write on {@code conn} (inside the caller's transaction); fails if any fails. */
    public Uni<Void> execute(SqlConnection conn) {
        if (runs.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Subscribing in list order queues the commands on the connection in that order.
        List<Uni<Void>> sent = new ArrayList<>(runs.size());
        for (Run run : runs) {
            sent.add((run.tuples().size() == 1
                    ? conn.preparedQuery(run.sql()).execute(run.tuples().get(0))
                    : conn.preparedQuery(run.sql()).executeBatch(run.tuples())).replaceWithVoid());
        }
        return Uni.join().all(sent).andFailFast().replaceWithVoid();
    }
}
