package dev.jitprov.eventstore;

import dev.jitprov.stack.StandaloneKafka;
import dev.jitprov.stack.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import dev.jitprov.stack.OwnKafkaBroker;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

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

    /** The service talks to a broker of its own that the test can crash. */
    public static class OwnBroker extends OwnKafkaBroker {
    }

    @Inject
    EventStore store;
    @Inject
    EventsConfig events;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @AfterAll
    static void stopBroker() throws InterruptedException {
        OwnKafkaBroker.stopBroker();
    }

    @Test
    void appendsSucceedWhileKafkaIsDownAndEverythingIsPublishedWhenItReturns() throws Exception {
        StandaloneKafka broker = OwnKafkaBroker.broker();
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
