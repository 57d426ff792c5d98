package dev.jitprov.replica;

import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Where a consumer group that replaces others (ADR 0015, ADR 0016) starts on a partition it never committed: at the
 * lowest offset the groups it replaces committed there, when all of them did. Everything
 * below that offset was applied by every consumer of the new group; from it on, each consumer's
 * {@code processed_events} rows skip what it had applied already. Without this, an upgraded deployment would start the
 * new group at the topic's earliest offset and replay the whole retention (correct, every event deduplicated, but the
 * views and mails would lag until it caught up).
 *
 * <p>Runs on the consumer's polling thread during an assignment, before the first fetch of the partitions. When the
 * previous groups cannot be read (broker slow, a group gone), it leaves the partition to {@code auto.offset.reset}
 * (earliest): slower, never wrong.
 */
public abstract class StartWherePreviousGroupsWere implements KafkaConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(StartWherePreviousGroupsWere.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> adminConfig = new HashMap<>();
    private final String who;
    private final List<String> previousGroups;

    /**
     * @param kafka          the connector's broker settings ({@code default-kafka-broker})
     * @param who            names the new group's consumers in logs
     * @param previousGroups the groups the new one replaces: it starts where all of them had arrived
     */
    protected StartWherePreviousGroupsWere(Map<String, Object> kafka, String who, List<String> previousGroups) {
        this.who = who;
        this.previousGroups = List.copyOf(previousGroups);
        Set<String> known = AdminClientConfig.configNames();
        kafka.forEach((key, value) -> {
            if (known.contains(key)) {
                adminConfig.put(key, value);
            }
        });
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Set<TopicPartition> neverCommitted = new HashSet<>();
        consumer.committed(new HashSet<>(partitions), TIMEOUT).forEach((partition, offset) -> {
            if (offset == null) {
                neverCommitted.add(partition);
            }
        });
        if (neverCommitted.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> starts;
        try (Admin admin = Admin.create(adminConfig)) {
            starts = startsFromPreviousGroups(admin, neverCommitted);
        } catch (Exception e) {
            LOG.warnf("%s: could not read the previous consumer groups' offsets (%s); %d new partitions start "
                    + "at auto.offset.reset", who, e.toString(), neverCommitted.size());
            return;
        }
        starts.forEach(consumer::seek);
        if (!starts.isEmpty()) {
            LOG.infof("%s: %d partitions start where the previous consumer groups %s had all arrived: %s", who, starts.size(),
                    previousGroups, starts);
        }
    }

    /** Per partition, the lowest offset the previous groups committed, for the partitions on which all of them did. */
    private Map<TopicPartition, Long> startsFromPreviousGroups(Admin admin, Set<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, Long> lowest = new HashMap<>();
        Map<TopicPartition, Integer> groupsWithOffset = new HashMap<>();
        for (String group : previousGroups) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset != null) {
                    lowest.merge(partition, offset.offset(), Math::min);
                    groupsWithOffset.merge(partition, 1, Integer::sum);
                }
            }
        }
        lowest.keySet().removeIf(partition -> groupsWithOffset.get(partition) < previousGroups.size());
        return lowest;
    }
}
