package dev.jitprov.replica;

import dev.jitprov.eventstore.EventStore;
import dev.jitprov.eventstore.KafkaRelay;
import dev.jitprov.eventstore.StoredEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.jitprov.eventstore.TestEvents.things;
import static dev.jitprov.eventstore.TestEvents.uniqueStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A replica started with {@code jit.roles=api} runs no relay: an appended event stays in the store. */
@QuarkusTest
@TestProfile(ApiOnlyProfile.class)
class ApiOnlyReplicaTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    KafkaRelay relay;
    @Inject
    RolesConfig roles;
    @Inject
    EventStore store;
    @Inject
    Pool pool;

    @Test
    void whenOnlyTheApiRunsThenTheRelayDoesNotPublishAnAppendedEvent() {
        assertThat(roles.enabled()).containsExactly(ReplicaRole.API);
        assertThat(relay.enabled()).isFalse();

        List<StoredEvent> appended = store.append(uniqueStream("api-only"), 0, things("ws-roles", 1)).await().atMost(TIMEOUT);
        long eventTransaction = Long.parseLong(appended.get(0).transactionId());

        // The test profile polls every 20 ms: two seconds are a hundred chances for a running loop to publish.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> !relay.running() && relay.cycles() == 0);
        assertThat(checkpointTransaction()).isLessThan(eventTransaction);
    }

    @Inject
    RoleSkips.UnlessExpirer expirerSkip;
    @Inject
    RoleSkips.UnlessNotifier notifierSkip;
    @Inject
    RoleSkips.UnlessProjector projectorSkip;

    @Test
    void whenOnlyTheApiRunsThenNoConsumerChannelIsStartedAndNoBackgroundJobRuns() {
        org.eclipse.microprofile.config.Config config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        for (String channel : RoleChannels.CHANNEL_ROLES.keySet()) {
            assertThat(config.getValue("mp.messaging.incoming." + channel + ".enabled", Boolean.class)).as(channel).isFalse();
        }
        assertThat(config.getValue("mp.messaging.incoming." + RoleChannels.SHARED_CHANNEL + ".enabled", Boolean.class)).isFalse();
        String readiness = io.restassured.RestAssured.get("/q/health/ready").then().statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(503))).extract().asString();
        assertThat(readiness).contains("checks");
        assertThat(readiness).doesNotContain("projections", "notification-events", "expiry-events", "background-events");
        assertThat(expirerSkip.test(null)).isTrue();
        assertThat(notifierSkip.test(null)).isTrue();
        assertThat(projectorSkip.test(null)).isTrue();
    }

    private long checkpointTransaction() {
        String tx = pool.preparedQuery("SELECT last_transaction_id::text AS tx FROM subscription_checkpoints WHERE name = $1")
                .execute(Tuple.of(KafkaRelay.CHECKPOINT)).await().atMost(TIMEOUT).iterator().next().getString("tx");
        return tx == null ? 0 : Long.parseLong(tx);
    }
}
