package dev.jitprov.projection;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

import java.util.List;

/**
 * A read model built from events. {@link #apply} runs inside the transaction that also records the event as
 * processed, so it must only write through {@code conn}, and must give the same rows whatever the path
 * (Kafka or rebuild) that brought the event.
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

    /** Applies a decoded event (a record of {@code dev.jitprov.provisioning}); ignores types it does not follow. */
    Uni<Void> apply(SqlConnection conn, ProjectedEvent event, Object payload);
}
