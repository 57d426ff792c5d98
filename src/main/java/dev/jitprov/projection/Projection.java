package dev.jitprov.projection;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

import java.util.List;

/**
 * A read model built from events. {@link #apply} runs inside the transaction that also records the events as
 * processed, so it must only write through {@code conn}, and must give the same rows whatever the path
 * (Kafka or rebuild) that brought the events and however they were cut into batches.
 */
public interface Projection {

    /** Short name: the rebuild path segment, the {@code processed_events} consumer suffix, the metric tag. */
    String name();

    /** Tables a rebuild truncates. */
    List<String> tables();

    /** The {@code processed_events.consumer} of this projection. */
    default String consumer() {
        return "projection-" + name();
    }

    /**
     * Applies decoded events in their order (each payload a record of {@code dev.jitprov.provisioning}); ignores
     * types it does not follow. The result must equal applying them one at a time.
     */
    Uni<Void> apply(SqlConnection conn, List<Decoded> events);

    /** An event with its decoded payload. */
    record Decoded(ProjectedEvent event, Object payload) {
    }
}
