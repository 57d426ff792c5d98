package dev.jitprov.fault;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.CloudEventEnvelope;
import dev.jitprov.eventstore.EventsConfig;
import dev.jitprov.provisioning.MemberEvent;
import dev.jitprov.stack.StandaloneKafka;
import dev.jitprov.stack.TopicReader;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import dev.jitprov.stack.OwnKafkaBroker;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10: the Kafka broker crashes during sign-ins and comes back. Sign-ins never depend on Kafka (they commit
 * to the event store), so they all succeed; once the broker is back, every event of the workspace in the store
 * reaches the topic, and the members view converges with one row per member (no duplicate despite redelivery).
 */
@QuarkusTest
@TestProfile(KafkaOutageSignInTest.OwnBroker.class)
class KafkaOutageSignInTest {

    /** The service talks to a broker of its own that the test can crash. */
    public static class OwnBroker extends OwnKafkaBroker {
    }

    @Inject
    Pool pool;
    @Inject
    EventsConfig events;

    @AfterAll
    static void stopBroker() throws InterruptedException {
        OwnKafkaBroker.stopBroker();
    }

    @Test
    void signInsSucceedWhileKafkaIsDownAndReachTheTopicOnceItIsBack() throws Exception {
        StandaloneKafka broker = OwnKafkaBroker.broker();
        Scenario scenario = Scenario.withJit("kafka-outage-" + UUID.randomUUID().toString().substring(0, 6), Map.of());
        List<String> users = IntStream.range(0, 30).mapToObj(i -> "user-" + i + "@kafka-outage.example.com").toList();
        Map<String, String> signed = new ConcurrentHashMap<>();
        users.parallelStream().forEach(u -> signed.put(u, scenario.signedResponse(u)));

        for (String user : users.subList(0, 10)) {
            scenario.signInWith(signed.get(user));
        }
        broker.crash();
        for (String user : users.subList(10, 30)) {
            scenario.signInWith(signed.get(user)); // asserts 303 with a session
        }
        broker.start();

        Set<UUID> stored = new HashSet<>();
        for (Row row : pool.preparedQuery("SELECT event_id FROM events WHERE workspace_id = $1").execute(Tuple.of(scenario.workspaceId))
                .await().indefinitely()) {
            stored.add(row.getUUID("event_id"));
        }
        ObjectMapper json = new ObjectMapper();
        try (TopicReader reader = new TopicReader(events.topic(), broker.bootstrapServers())) {
            var records = reader.readUntil(all -> all.stream().map(r -> CloudEventEnvelope.parse(json, r.value()).id())
                    .collect(Collectors.toSet()).containsAll(stored), Duration.ofSeconds(90));
            Set<UUID> published = records.stream().map(r -> CloudEventEnvelope.parse(json, r.value()).id()).collect(Collectors.toSet());
            assertThat(published).containsAll(stored);
        }

        Map<String, Long> provisioned = FaultChecks.perMember(pool, scenario.workspaceId, MemberEvent.UserProvisioned.TYPE);
        assertThat(users).allSatisfy(u -> assertThat(provisioned.get(u)).as("user.provisioned of %s", u).isEqualTo(1));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> FaultChecks.membersView(pool, scenario.workspaceId).keySet().containsAll(users));
        Map<String, Long> view = FaultChecks.membersView(pool, scenario.workspaceId);
        assertThat(view.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
    }
}
