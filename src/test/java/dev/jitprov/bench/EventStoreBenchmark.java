package dev.jitprov.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.CloudEventEnvelope;
import dev.jitprov.eventstore.EventStore;
import dev.jitprov.eventstore.EventsConfig;
import dev.jitprov.eventstore.NewEvent;
import dev.jitprov.eventstore.TestEvents;
import dev.jitprov.stack.TestStack;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 2's benchmark: appends/s over 1,000 streams with 8 concurrent writers (EventStore.append with expected
 * versions) against a baseline of bare INSERTs of the same rows by the same pool in the same run, and the
 * relay's throughput and lag (append time to a downstream consumer's receipt) at that rate.
 * Run: {@code ./mvnw -Pbench test -Dtest=EventStoreBenchmark}. Prints figures; asserts nothing about speed.
 */
@QuarkusTest
@Tag("benchmark")
class EventStoreBenchmark {

    private static final int STREAMS = 1_000;
    private static final int WRITERS = 8;
    private static final int EVENTS_PER_ROUND = 20_000;
    private static final int ROUNDS = 3;

    @Inject
    EventStore store;
    @Inject
    Pool pool;
    @Inject
    EventsConfig events;

    @Test
    void appendAndRelayThroughput() throws Exception {
        pool.query("CREATE TABLE IF NOT EXISTS bench_raw (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)").execute().await().indefinitely();
        List<Double> storeRates = new ArrayList<>();
        List<Double> bareRates = new ArrayList<>();
        List<Double> lagsMs = new ArrayList<>();
        List<Double> relayRates = new ArrayList<>();
        warmUp();
        for (int round = 1; round <= ROUNDS; round++) {
            bareRates.add(bareInserts(round));
            String prefix = "bench-" + round + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
            ConcurrentLinkedQueue<Double> lags = new ConcurrentLinkedQueue<>();
            AtomicInteger received = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            long[] window = new long[2];
            CompletableFuture<Void> consumer = CompletableFuture.runAsync(() -> consume(prefix, lags, received, stop, window));
            long start = System.nanoTime();
            appendAll(prefix);
            double seconds = (System.nanoTime() - start) / 1e9;
            storeRates.add(EVENTS_PER_ROUND / seconds);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (received.get() < EVENTS_PER_ROUND && System.nanoTime() < deadline) {
                Thread.sleep(50); // a harness waiting on another process's progress, not a test
            }
            stop.set(true);
            consumer.join();
            lagsMs.add(Stats.percentile(new ArrayList<>(lags), 99));
            relayRates.add(received.get() / ((window[1] - window[0]) / 1e9));
            Stats.print("round %d: store %.0f ev/s, bare insert %.0f ev/s, relay %.0f ev/s, lag p50 %.0f ms p99 %.0f ms (%d received)"
                    .formatted(round, storeRates.get(round - 1), bareRates.get(round - 1), relayRates.get(round - 1),
                            Stats.percentile(new ArrayList<>(lags), 50), lagsMs.get(round - 1), received.get()));
        }
        Stats.print("MEDIAN append: %.0f events/s with %d writers over %d streams; bare INSERT baseline %.0f/s; ratio %.2f"
                .formatted(Stats.median(storeRates), WRITERS, STREAMS, Stats.median(bareRates), Stats.median(storeRates) / Stats.median(bareRates)));
        Stats.print("MEDIAN relay: %.0f events/s, lag p99 %.0f ms".formatted(Stats.median(relayRates), Stats.median(lagsMs)));
    }

    private void warmUp() {
        for (int i = 0; i < 2_000; i++) {
            store.append("bench-warmup-" + UUID.randomUUID(), 0, TestEvents.things("ws-bench", 1)).await().indefinitely();
        }
    }

    /** 8 writers, each owning 125 streams, appending one event at a time with the version it last wrote. */
    private void appendAll(String prefix) {
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        int perWriter = EVENTS_PER_ROUND / WRITERS;
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(CompletableFuture.runAsync(() -> {
                int[] versions = new int[STREAMS / WRITERS];
                for (int i = 0; i < perWriter; i++) {
                    int local = i % versions.length;
                    String stream = prefix + (writer * versions.length + local);
                    List<NewEvent> event = List.of(NewEvent.of(new TestEvents.ThingHappened("bench", i), TestEvents.metadata("ws-bench"), Instant.now()));
                    store.append(stream, versions[local], event).await().indefinitely();
                    versions[local]++;
                }
            }));
        }
        writers.forEach(CompletableFuture::join);
    }

    private double bareInserts(int round) {
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        int perWriter = EVENTS_PER_ROUND / WRITERS;
        long start = System.nanoTime();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < perWriter; i++) {
                    pool.preparedQuery("INSERT INTO bench_raw (event_id, stream_id, version, type, workspace_id, payload, metadata, occurred_at) "
                                    + "VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::jsonb, $8)")
                            .execute(Tuple.tuple(List.of(UUID.randomUUID(), "raw-" + round + "-" + writer + "-" + (i % 125), i, "test.thing.happened.v1",
                                    "ws-bench", "{\"what\":\"bench\",\"n\":1}", "{\"workspaceId\":\"ws-bench\"}",
                                    OffsetDateTime.now(ZoneOffset.UTC))))
                            .await().indefinitely();
                }
            }));
        }
        writers.forEach(CompletableFuture::join);
        return EVENTS_PER_ROUND / ((System.nanoTime() - start) / 1e9);
    }

    private void consume(String prefix, ConcurrentLinkedQueue<Double> lags, AtomicInteger received, AtomicBoolean stop, long[] window) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.kafka().bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        ObjectMapper json = new ObjectMapper();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(events.topic()).stream()
                    .map(p -> new TopicPartition(events.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            while (!stop.get()) {
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.key() != null && record.key().startsWith(prefix)) {
                        long now = System.currentTimeMillis();
                        if (received.getAndIncrement() == 0) {
                            window[0] = System.nanoTime();
                        }
                        window[1] = System.nanoTime();
                        Instant time = CloudEventEnvelope.parse(json, record.value()).time();
                        lags.add((double) (now - time.toEpochMilli()));
                    }
                }
            }
        }
    }
}
