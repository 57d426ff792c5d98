package dev.jitprov.eventstore;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.jitprov.eventstore.TestEvents.metadata;
import static dev.jitprov.eventstore.TestEvents.things;
import static dev.jitprov.eventstore.TestEvents.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The event store against the real PostgreSQL of the test stack. */
@QuarkusTest
class EventStoreTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    EventStore store;
    @Inject
    Pool pool;

    @Nested
    class WhenAppending {

        @Test
        void appendThenReadStreamReturnsEventsInVersionOrderWithPositionAndTransaction() {
            String stream = uniqueStream("es");
            store.append(stream, 0, things("ws-a", 3)).await().atMost(TIMEOUT);
            store.append(stream, 3, things("ws-a", 1)).await().atMost(TIMEOUT);

            List<StoredEvent> events = store.readStream(stream).await().atMost(TIMEOUT);

            assertThat(events).extracting(StoredEvent::version).containsExactly(1, 2, 3, 4);
            assertThat(events).extracting(StoredEvent::type).containsOnly(TestEvents.ThingHappened.TYPE);
            assertThat(events.get(0).transactionId()).isEqualTo(events.get(2).transactionId());
            assertThat(events.get(3).position()).isGreaterThan(events.get(2).position());
            // one append is one statement: its positions are drawn in version order (the relay's order within a transaction)
            assertThat(events).extracting(StoredEvent::position).isSorted().doesNotHaveDuplicates();
            assertThat(store.decode(events.get(1))).isEqualTo(new TestEvents.ThingHappened("thing", 2));
            assertThat(events.get(0).metadata().workspaceId()).isEqualTo("ws-a");
        }

        @Test
        void twoConcurrentAppendsWithTheSameExpectedVersionExactlyOneWins() {
            String stream = uniqueStream("race");
            store.append(stream, 0, things("ws-a", 1)).await().atMost(TIMEOUT);

            for (int round = 0; round < 10; round++) {
                int expected = 1 + round;
                CompletableFuture<Object> first = attempt(stream, expected);
                CompletableFuture<Object> second = attempt(stream, expected);
                List<Object> outcomes = List.of(first.join(), second.join());

                assertThat(outcomes).filteredOn(o -> o instanceof List).hasSize(1);
                assertThat(outcomes).filteredOn(o -> o instanceof ConcurrencyConflictException).hasSize(1);
            }
            List<StoredEvent> events = store.readStream(stream).await().atMost(TIMEOUT);
            assertThat(events).extracting(StoredEvent::version).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        }

        @Test
        void appendWithAStaleExpectedVersionIsATypedConflictAndWritesNothing() {
            String stream = uniqueStream("stale");
            store.append(stream, 0, things("ws-a", 2)).await().atMost(TIMEOUT);

            assertThatThrownBy(() -> store.append(stream, 1, things("ws-a", 1)).await().atMost(TIMEOUT))
                    .isInstanceOf(ConcurrencyConflictException.class)
                    .hasMessageContaining("expected at version 1 but is at version 2");
            assertThatThrownBy(() -> store.append(stream, 5, things("ws-a", 1)).await().atMost(TIMEOUT))
                    .isInstanceOf(ConcurrencyConflictException.class);
            assertThat(store.readStream(stream).await().atMost(TIMEOUT)).hasSize(2);
        }

        private CompletableFuture<Object> attempt(String stream, int expected) {
            return store.append(stream, expected, things("ws-a", 1))
                    .map(events -> (Object) events)
                    .onFailure().recoverWithItem(failure -> failure)
                    .subscribeAsCompletionStage();
        }
    }

    @Nested
    class WhenTheInputIsBad {

        record NotRegistered(String value) {
        }

        /** Jackson cannot serialize it: its only property throws. */
        static final class Exploding {
            public String getValue() {
                throw new IllegalStateException("boom");
            }
        }

        @Test
        void anUnknownEventTypeFailsClearlyAndWritesNothing() {
            String stream = uniqueStream("unknown");
            List<NewEvent> events = List.of(
                    things("ws-a", 1).get(0),
                    NewEvent.of(new NotRegistered("x"), metadata("ws-a"), Instant.now()));

            assertThatThrownBy(() -> store.append(stream, 0, events).await().atMost(TIMEOUT))
                    .isInstanceOf(UnknownEventTypeException.class)
                    .hasMessageContaining("no event type is registered for");
            assertThat(store.readStream(stream).await().atMost(TIMEOUT)).isEmpty();
        }

        @Test
        void aPayloadThatDoesNotSerializeFailsClearlyAndWritesNothing() {
            String stream = uniqueStream("exploding");
            EventTypes types = io.quarkus.arc.Arc.container().instance(EventTypes.class).get();
            types.register(Exploding.class, "test.exploding.v1");
            List<NewEvent> events = List.of(
                    things("ws-a", 1).get(0),
                    NewEvent.of(new Exploding(), metadata("ws-a"), Instant.now()));

            assertThatThrownBy(() -> store.append(stream, 0, events).await().atMost(TIMEOUT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not serialize to JSON");
            assertThat(store.readStream(stream).await().atMost(TIMEOUT)).isEmpty();
        }

        @Test
        void eventsCanNeitherBeUpdatedNorDeleted() {
            String stream = uniqueStream("immutable");
            store.append(stream, 0, things("ws-a", 1)).await().atMost(TIMEOUT);

            assertThatThrownBy(() -> pool.preparedQuery("UPDATE events SET type = 'x' WHERE stream_id = $1")
                    .execute(Tuple.of(stream)).await().atMost(TIMEOUT))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> pool.preparedQuery("DELETE FROM events WHERE stream_id = $1")
                    .execute(Tuple.of(stream)).await().atMost(TIMEOUT))
                    .hasMessageContaining("append-only");
            assertThat(store.readStream(stream).await().atMost(TIMEOUT)).hasSize(1);
        }
    }
}
