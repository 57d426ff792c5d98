package dev.jitprov.eventstore;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Event types used only by the event store's own tests, registered at startup of the test application. */
@ApplicationScoped
public class TestEvents {

    public record ThingHappened(String what, int n) {
        public static final String TYPE = "test.thing.happened.v1";
    }

    void register(@Observes StartupEvent startup, EventTypes types) {
        types.register(ThingHappened.class);
    }

    public static List<NewEvent> things(String workspace, int count) {
        List<NewEvent> events = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            events.add(NewEvent.of(new ThingHappened("thing", i), metadata(workspace), Instant.now()));
        }
        return events;
    }

    public static EventMetadata metadata(String workspace) {
        return new EventMetadata(workspace, "system:test", UUID.randomUUID().toString(), null);
    }

    public static String uniqueStream(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }
}
