package dev.jitprov.eventstore;

import dev.jitprov.replica.BackgroundWork;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import dev.jitprov.replica.ReplicaRole;
import dev.jitprov.replica.RolesConfig;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Publishes committed events from the store to Kafka, in order, at least once (the transactional outbox).
 *
 * <p>Each batch runs in one transaction that locks the checkpoint row with {@code FOR UPDATE SKIP LOCKED}, so
 * several replicas can run the relay and only one works at a time. It reads events after the checkpoint
 * {@code (transaction_id, position)} but only from transactions below {@code pg_snapshot_xmin}: a transaction
 * still open holds back everything that committed after it started, so an event committed late is never
 * skipped. The checkpoint moves only after Kafka acknowledged the whole batch. Per stream the events go out in
 * version order even when transaction-id order disagrees ({@link EventStore#inStreamOrder}).
 */
@ApplicationScoped
public class KafkaRelay {

    public static final String CHECKPOINT = "kafka-relay";
    public static final String CHANNEL = "provisioning-events-out";

    private static final Logger LOG = Logger.getLogger(KafkaRelay.class);

    private static final String LOCK_CHECKPOINT = "SELECT last_transaction_id::text AS tx, last_position "
            + "FROM subscription_checkpoints WHERE name = $1 FOR UPDATE SKIP LOCKED";
    private static final String SAVE_CHECKPOINT = "UPDATE subscription_checkpoints "
            + "SET last_transaction_id = $2::text::xid8, last_position = $3, updated_at = now() WHERE name = $1";

    private final Pool pool;
    private final EventStore store;
    private final MutinyEmitter<String> emitter;
    private final ObjectMapper json;
    private final RelayConfig config;
    private final RolesConfig roles;
    private final EventsConfig events;
    private final Vertx vertx;
    private final BackgroundWork work;
    private final Counter published;
    private final Timer lag;
    private final AtomicLong cycles = new AtomicLong();
    private volatile boolean running;

    public KafkaRelay(Pool pool, EventStore store, @Channel(CHANNEL) MutinyEmitter<String> emitter, ObjectMapper json,
                      RelayConfig config, RolesConfig roles, EventsConfig events, Vertx vertx, MeterRegistry metrics,
                      BackgroundWork work) {
        this.work = work;
        this.pool = pool;
        this.store = store;
        this.emitter = emitter;
        this.json = json;
        this.config = config;
        this.roles = roles;
        this.events = events;
        this.vertx = vertx;
        this.published = Counter.builder("jit.relay.published").description("Events published to Kafka").register(metrics);
        this.lag = Timer.builder("jit.relay.lag").description("Time from event to Kafka acknowledgement")
                .publishPercentiles(0.5, 0.99).register(metrics);
    }

    void start(@Observes StartupEvent startup) {
        if (enabled()) {
            running = true;
            LOG.infof("Relay to Kafka topic %s started (batch %d, poll %s)", events.topic(), config.batchSize(), config.pollInterval());
            vertx.setTimer(1, id -> loop());
        } else {
            LOG.infof("Relay not started on this replica (jit.roles %s, jit.relay.enabled %s)", roles.enabled(), config.enabled());
        }
    }

    /** Whether this replica runs the relay loop: role {@code relay} in {@code jit.roles} and {@code jit.relay.enabled}. */
    public boolean enabled() {
        return roles.has(ReplicaRole.RELAY) && config.enabled();
    }

    /** Whether the background loop is running now. */
    public boolean running() {
        return running;
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
    }

    /** Relay cycles run so far (tests wait on it instead of sleeping). */
    public long cycles() {
        return cycles.get();
    }

    private void loop() {
        if (!running || work.stopping()) { // a stopping replica starts no batch; BackgroundWork waits for the one in flight
            return;
        }
        work.track(relayBatch(batch -> Uni.createFrom().voidItem())).subscribe().with(
                count -> {
                    cycles.incrementAndGet();
                    if (count > 0) {
                        loop();
                    } else {
                        schedule(config.pollInterval());
                    }
                },
                failure -> {
                    cycles.incrementAndGet();
                    LOG.warnf("Relay batch failed, retrying in %s: %s", config.errorBackoff(), failure.toString());
                    schedule(config.errorBackoff());
                });
    }

    private void schedule(Duration delay) {
        if (running && !work.stopping()) {
            vertx.setTimer(Math.max(1, delay.toMillis()), id -> loop());
        }
    }

    /**
     * Publishes one batch and moves the checkpoint. {@code beforeCheckpoint} runs after Kafka acknowledged the
     * batch and before the checkpoint is saved (tests use it to simulate a crash at the worst moment).
     *
     * @return how many events were published (0 when nothing was due or another replica holds the checkpoint)
     */
    public Uni<Integer> relayBatch(Function<List<StoredEvent>, Uni<Void>> beforeCheckpoint) {
        return pool.withTransaction(conn -> conn.preparedQuery(LOCK_CHECKPOINT).execute(Tuple.of(CHECKPOINT))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(0);
                    }
                    Row checkpoint = rows.iterator().next();
                    String lastTransaction = checkpoint.getString("tx");
                    long lastPosition = checkpoint.getLong("last_position");
                    return readBatch(conn, lastTransaction, lastPosition)
                            .flatMap(batch -> batch.isEmpty()
                                    ? Uni.createFrom().item(0)
                                    : store.inStreamOrder(conn, batch, lastTransaction, lastPosition)
                                    .flatMap(this::publish)
                                    .flatMap(ignored -> beforeCheckpoint.apply(batch))
                                    .flatMap(ignored -> saveCheckpoint(conn, batch.get(batch.size() - 1)))
                                    .replaceWith(batch.size()));
                }));
    }

    private Uni<List<StoredEvent>> readBatch(SqlConnection conn, String lastTransaction, long lastPosition) {
        return store.readAfter(conn, lastTransaction, lastPosition, config.batchSize());
    }

    /**
     * Sends the batch and waits until every send settled. Per stream, an event is sent only once Kafka acknowledged the
     * one before it, so a later event of a stream can never reach the topic ahead of an earlier one: the idempotent
     * producer keeps order only while no batch fails, and a record that expires during a broker outage (delivery
     * timeout) would otherwise let the records queued behind it through first, the expired one following on the
     * relay's retry (KafkaOutageTest saw versions 2..30, then 1). Streams go out in parallel, so a poll's many members
     * still share produce requests. A failed batch is retried only after all of its sends settled, so no send of a
     * failed attempt is still queued when the retry starts.
     */
    private Uni<Void> publish(List<StoredEvent> batch) {
        Map<String, List<StoredEvent>> byStream = new LinkedHashMap<>();
        for (StoredEvent event : batch) {
            byStream.computeIfAbsent(event.streamId(), k -> new ArrayList<>(2)).add(event);
        }
        List<Uni<Void>> streams = new ArrayList<>(byStream.size());
        for (List<StoredEvent> stream : byStream.values()) {
            Uni<Void> inOrder = send(stream.get(0));
            for (int i = 1; i < stream.size(); i++) {
                StoredEvent next = stream.get(i);
                inOrder = inOrder.chain(() -> send(next));
            }
            streams.add(inOrder);
        }
        return Uni.join().all(streams).andCollectFailures().replaceWithVoid();
    }

    private Uni<Void> send(StoredEvent event) {
        return emitter.sendMessage(toMessage(event)).invoke(() -> {
            published.increment();
            lag.record(Duration.between(event.occurredAt(), Instant.now()));
        });
    }

    private Message<String> toMessage(StoredEvent event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", CloudEventEnvelope.CONTENT_TYPE.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        headers.add("ce_type", event.type().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return Message.of(CloudEventEnvelope.toJson(json, event, events.sourceBase()))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(event.streamId())
                        .withHeaders(headers)
                        .build());
    }

    private Uni<Void> saveCheckpoint(SqlConnection conn, StoredEvent last) {
        return conn.preparedQuery(SAVE_CHECKPOINT)
                .execute(Tuple.of(CHECKPOINT, last.transactionId(), last.position()))
                .replaceWithVoid();
    }
}
