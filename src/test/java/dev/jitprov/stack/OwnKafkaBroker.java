package dev.jitprov.stack;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A test profile whose service talks to a Kafka broker of its own, which the test can crash and restart
 * ({@link StandaloneKafka}), with short producer timeouts so an outage shows within a test's time. Each test extends it
 * with a class of its own (Quarkus restarts the application per profile class), calls {@link #broker()} and
 * {@link #stopBroker()} in its {@code @AfterAll}; the next profile then starts a fresh broker.
 */
public abstract class OwnKafkaBroker implements QuarkusTestProfile {

    private static final AtomicReference<StandaloneKafka> BROKER = new AtomicReference<>();

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

    /** The broker of the running profile. */
    public static StandaloneKafka broker() {
        return BROKER.get();
    }

    public static void stopBroker() throws InterruptedException {
        StandaloneKafka broker = BROKER.getAndSet(null);
        if (broker != null) {
            broker.close();
        }
    }
}
