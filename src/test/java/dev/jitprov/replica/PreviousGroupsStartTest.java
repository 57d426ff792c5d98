package dev.jitprov.replica;

import dev.jitprov.background.BackgroundGroupsMerged;
import dev.jitprov.projection.ProjectionGroupsMerged;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upgraded deployment: a consumer group that replaces others (the projections' shared group, ADR 0015; the
 * co-located consumers' group, ADR 0016) starts each partition where the groups it replaces had all arrived, on the
 * real broker, so no consumer misses an event and none replays the topic's whole retention.
 */
@QuarkusTest
@DisplayName("Consumer groups that replace others start where the previous groups were")
class PreviousGroupsStartTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;
    @Inject
    @Identifier("projection-groups-merged")
    ProjectionGroupsMerged listener;
    @Inject
    @Identifier("background-groups-merged")
    BackgroundGroupsMerged background;

    @Test
    void aPartitionTheSharedGroupNeverCommittedStartsAtTheLowestOffsetOfThePreviousGroups() throws Exception {
        String topic = "merged-groups-" + UUID.randomUUID();
        TopicPartition first = new TopicPartition(topic, 0);
        TopicPartition second = new TopicPartition(topic, 1);
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            produceTen(topic, 2);
            // members, sessions and audit had reached 7, 5 and 6 on the first partition; audit never read the second
            commit(admin, "jit-projection-members", Map.of(first, 7L, second, 4L));
            commit(admin, "jit-projection-sessions", Map.of(first, 5L, second, 9L));
            commit(admin, "jit-projection-audit", Map.of(first, 6L));
        }

        try (KafkaConsumer<String, String> consumer = consumer("jit-projections-" + UUID.randomUUID())) {
            consumer.assign(List.of(first, second));
            listener.onPartitionsAssigned(consumer, List.of(first, second));

            assertThat(consumer.position(first)).isEqualTo(5);
            assertThat(consumer.position(second)).as("not every previous group had an offset: auto.offset.reset (earliest)").isZero();
        }
    }

    @Test
    void aPartitionTheSharedGroupCommittedKeepsItsOwnOffset() throws Exception {
        String topic = "merged-groups-" + UUID.randomUUID();
        TopicPartition partition = new TopicPartition(topic, 0);
        String group = "jit-projections-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            produceTen(topic, 1);
            for (String previous : List.of("jit-projection-members", "jit-projection-sessions", "jit-projection-audit")) {
                commit(admin, previous, Map.of(partition, 2L));
            }
            commit(admin, group, Map.of(partition, 8L));
        }

        try (KafkaConsumer<String, String> consumer = consumer(group)) {
            consumer.assign(List.of(partition));
            listener.onPartitionsAssigned(consumer, List.of(partition));

            assertThat(consumer.position(partition)).isEqualTo(8);
        }
    }

    @Test
    void theCoLocatedConsumersGroupStartsWhereTheProjectionsNotifierAndExpirerGroupsAllWere() throws Exception {
        String topic = "merged-groups-" + UUID.randomUUID();
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            produceTen(topic, 1);
            commit(admin, "jit-projections", Map.of(partition, 9L));
            commit(admin, "jit-notification", Map.of(partition, 4L));
            commit(admin, "jit-expiry", Map.of(partition, 6L));
        }

        try (KafkaConsumer<String, String> consumer = consumer("jit-background-" + UUID.randomUUID())) {
            consumer.assign(List.of(partition));
            background.onPartitionsAssigned(consumer, List.of(partition));

            assertThat(consumer.position(partition)).as("the notifier had arrived at 4: the others skip 4..8 as applied").isEqualTo(4);
        }
    }

    /** Ten records on each of the topic's {@code partitions}. */
    private void produceTen(String topic, int partitions) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            for (int partition = 0; partition < partitions; partition++) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(topic, partition, "k", "v" + i));
                }
            }
            producer.flush();
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new AssertionError(e);
        }
    }

    private static void commit(Admin admin, String group, Map<TopicPartition, Long> offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = new java.util.HashMap<>();
        offsets.forEach((partition, offset) -> committed.put(partition, new OffsetAndMetadata(offset)));
        admin.alterConsumerGroupOffsets(group, committed).all().get(30, TimeUnit.SECONDS);
    }

    private KafkaConsumer<String, String> consumer(String group) {
        return new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
    }
}
