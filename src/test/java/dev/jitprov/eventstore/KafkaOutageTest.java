package dev.jitprov.eventstore;

import dev.jitprov.stack.StandaloneKafka;
import dev.jitprov.stack.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static dev.jitprov.eventstore.TestEvents.things;
import static dev.jitprov.eventstore.TestEvents.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka goes down while events are appended: the appends succeed (the store does not depend on Kafka), and once
 * the broker is back the relay publishes everything, in stream order.
 */
@QuarkusTest
@TestProfile(KafkaOutageTest.OwnBroker.class)
class KafkaOutageTest {

    private static final AtomicReference<StandaloneKafka> BROKER = new AtomicReference<>();

    /** The service talks to a broker of its own that the test can crash. */
    public static class OwnBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                if (BROKER.get() == null) {
                    StandaloneKafka broker = new StandaloneKafka();
                    broker.start();
                    BROKER.set(broker);
                }
            } catch (Exception e) {
                throw new IllegalStateException("could not start a standalone Kafka broker", e);
            }
            return Map.of("kafka.bootstrap.servers", BROKER.get().bootstrapServers(),
                    "mp.messaging.outgoing.provisioning-events-out.delivery.timeout.ms", "15000",
                    "mp.messaging.outgoing.provisioning-events-out.request.timeout.ms", "5000");
        }
    }

    @Inject
    EventStore store;
    @Inject
    EventsConfig events;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @AfterAll
    static void stopBroker() throws InterruptedException {
        StandaloneKafka broker = BROKER.getAndSet(null);
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void appendsSucceedWhileKafkaIsDownAndEverythingIsPublishedWhenItReturns() throws Exception {
        StandaloneKafka broker = BROKER.get();
        assertThat(bootstrap).isEqualTo(broker.bootstrapServers());
        String before = uniqueStream("before-outage");
        store.append(before, 0, things("ws-outage", 5)).await().atMost(Duration.ofSeconds(20));
        try (TopicReader reader = new TopicReader(events.topic(), broker.bootstrapServers())) {
            reader.readUntil(all -> all.stream().filter(r -> before.equals(r.key())).count() == 5, Duration.ofSeconds(60));
        }

        broker.crash();
        String during = uniqueStream("during-outage");
        for (int i = 0; i < 10; i++) {
            store.append(during, i * 5, things("ws-outage", 5)).await().atMost(Duration.ofSeconds(20));
        }
        broker.start();

        try (TopicReader reader = new TopicReader(events.topic(), broker.bootstrapServers())) {
            var records = reader.readUntil(all -> all.stream().filter(r -> during.equals(r.key()))
                    .map(r -> CloudEventEnvelope.parse(new com.fasterxml.jackson.databind.ObjectMapper(), r.value()).streamVersion())
                    .distinct().count() == 50, Duration.ofSeconds(120));
            var versions = records.stream().filter(r -> during.equals(r.key()))
                    .map(r -> CloudEventEnvelope.parse(new com.fasterxml.jackson.databind.ObjectMapper(), r.value()).streamVersion())
                    .distinct().toList();
            assertThat(versions).isSorted().hasSize(50);
        }
    }
}
