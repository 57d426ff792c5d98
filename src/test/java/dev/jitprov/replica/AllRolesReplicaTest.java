package dev.jitprov.replica;

import dev.jitprov.eventstore.EventStore;
import dev.jitprov.eventstore.EventsConfig;
import dev.jitprov.eventstore.KafkaRelay;
import dev.jitprov.stack.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.jitprov.eventstore.TestEvents.things;
import static dev.jitprov.eventstore.TestEvents.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;

/** The default {@code jit.roles=all} runs the relay: an appended event reaches the topic. */
@QuarkusTest
class AllRolesReplicaTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    KafkaRelay relay;
    @Inject
    RolesConfig roles;
    @Inject
    EventStore store;
    @Inject
    EventsConfig events;

    @Test
    void whenAllRolesRunThenTheRelayPublishesAnAppendedEvent() {
        assertThat(roles.enabled()).containsExactlyInAnyOrder(ReplicaRole.values());
        assertThat(relay.enabled()).isTrue();
        assertThat(relay.running()).isTrue();

        String stream = uniqueStream("all-roles");
        store.append(stream, 0, things("ws-roles", 1)).await().atMost(TIMEOUT);

        try (TopicReader reader = new TopicReader(events.topic())) {
            reader.readUntil(all -> all.stream().anyMatch(r -> stream.equals(r.key())), TIMEOUT);
        }
    }
}
