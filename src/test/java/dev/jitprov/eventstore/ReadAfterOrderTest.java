package dev.jitprov.eventstore;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay and the rebuild page through the store by {@code (transaction_id, position)}. Their query must follow
 * that index in numeric order: the select list also names {@code transaction_id::text} as {@code transaction_id},
 * and ordering by that text once put transaction 1000 before 999, so that a page could end past events it never
 * returned (lost for Kafka and for a rebuild) and every page sorted the whole table.
 */
@QuarkusTest
@DisplayName("Event store: reading after a checkpoint follows the (transaction_id, position) index")
class ReadAfterOrderTest {

    @Inject
    Pool pool;
    @Inject
    EventStore store;

    @Test
    void thePlanOrdersByTheTransactionIdItselfNotItsText() {
        String sql = "EXPLAIN " + EventStore.READ_AFTER.replace("$1", "'0'").replace("$2", "0").replace("$3", "500");
        List<String> plan = new ArrayList<>();
        pool.query(sql).execute().await().indefinitely().forEach(row -> plan.add(row.getString(0)));

        // whether the planner scans the index or sorts a small table is its choice; it must never sort by the id's text
        assertThat(String.join("\n", plan)).doesNotContain("::text)");
    }

    @Test
    void pagesFollowEachOtherWithoutGapsInTransactionOrder() {
        List<StoredEvent> all = new ArrayList<>();
        String tx = "0";
        long position = 0;
        List<StoredEvent> page;
        do {
            page = store.readAfter(pool, tx, position, 7).await().indefinitely();
            all.addAll(page);
            if (!page.isEmpty()) {
                tx = page.get(page.size() - 1).transactionId();
                position = page.get(page.size() - 1).position();
            }
        } while (!page.isEmpty() && all.size() < 2_000);

        for (int i = 1; i < all.size(); i++) {
            long before = Long.parseLong(all.get(i - 1).transactionId());
            long after = Long.parseLong(all.get(i).transactionId());
            assertThat(after > before || (after == before && all.get(i).position() > all.get(i - 1).position()))
                    .as("event %d follows event %d", i, i - 1).isTrue();
        }
    }
}
