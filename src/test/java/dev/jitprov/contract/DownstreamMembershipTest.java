package dev.jitprov.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.stack.TestStack;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A downstream service that knows only docs/events.md (no class of this project) rebuilds a workspace's
 * membership from the topic and ends up with the service's own view (GET /api/workspaces/{ws}/members).
 */
@QuarkusTest
class DownstreamMembershipTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aPlainConsumerRebuildsTheMembershipOfAWorkspaceFromTheTopic() {
        Scenario s = Workload.run("downstream");

        try (MembershipConsumer downstream = new MembershipConsumer(TestStack.kafka().bootstrapServers(), "provisioning-events")) {
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                downstream.poll();
                assertThat(downstream.membersOf(s.workspaceId)).isEqualTo(serviceView(s));
            });
            // Deleted members are gone, not merely flagged.
            assertThat(downstream.membersOf(s.workspaceId)).doesNotContainKeys("bob@example.com", "tom@example.com")
                    .containsEntry("ada@example.com", "Marketer").containsEntry("ivy@example.com", "Manager");
        }
    }

    private static Map<String, String> serviceView(Scenario s) {
        List<Map<String, Object>> items = s.admin().queryParam("size", 100).get("/api/workspaces/" + s.workspaceId + "/members")
                .then().statusCode(200).extract().path("items");
        Map<String, String> view = new TreeMap<>();
        items.forEach(item -> view.put((String) item.get("memberKey"), (String) item.get("role")));
        return view;
    }

    /** The consumer as docs/events.md describes it: own group, from the earliest offset, dedupe on id, order per key. */
    static final class MembershipConsumer implements AutoCloseable {

        private final KafkaConsumer<String, String> consumer;
        private final ObjectMapper json = new ObjectMapper();
        private final Set<String> seen = new HashSet<>();
        private final Map<String, Integer> lastVersion = new HashMap<>();
        private final Map<String, Map<String, String>> members = new HashMap<>();

        MembershipConsumer(String bootstrapServers, String topic) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "downstream-membership-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            consumer = new KafkaConsumer<>(props);
            consumer.subscribe(List.of(topic));
        }

        void poll() throws Exception {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                apply(json.readTree(record.value()));
            }
        }

        private void apply(JsonNode event) {
            String id = event.path("id").asText();
            String subject = event.path("subject").asText();
            int version = event.path("streamversion").asInt();
            if (!seen.add(id) || version <= lastVersion.getOrDefault(subject, 0)) {
                return; // a redelivery (at least once): already applied
            }
            lastVersion.put(subject, version);
            String workspace = event.path("workspace").asText();
            String memberPrefix = dev.jitprov.provisioning.MemberKeys.streamId(workspace, "");
            if (!subject.startsWith(memberPrefix)) {
                return; // workspace configuration or a rejected sign-in
            }
            String memberKey = subject.substring(memberPrefix.length());
            JsonNode data = event.path("data");
            Map<String, String> roles = members.computeIfAbsent(workspace, w -> new TreeMap<>());
            switch (event.path("type").asText()) {
                case "user.provisioned.v1", "user.invited.v1", "owner.created.v1" -> roles.put(memberKey, data.path("role").asText());
                case "role.changed.v1" -> roles.put(memberKey, data.path("to").asText());
                case "user.deleted.v1" -> roles.remove(memberKey);
                default -> {
                    // sessions and skipped role changes do not change membership
                }
            }
        }

        Map<String, String> membersOf(String workspace) {
            return new TreeMap<>(members.getOrDefault(workspace, Map.of()));
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
