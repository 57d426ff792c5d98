package dev.jitprov.support;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/** Blocking SQL for assertions from the test thread (never on an event loop). */
public final class Db {

    private Db() {
    }

    public static List<Row> rows(Pool pool, String sql, Object... params) {
        List<Row> result = new ArrayList<>();
        pool.preparedQuery(sql).execute(Tuple.from(params)).await().indefinitely().forEach(result::add);
        return result;
    }

    public static long count(Pool pool, String sql, Object... params) {
        return rows(pool, sql, params).get(0).getLong(0);
    }

}
