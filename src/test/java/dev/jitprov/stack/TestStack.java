package dev.jitprov.stack;

import dev.jitprov.support.Ports;

import com.icegreen.greenmail.util.GreenMail;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.common.test.KafkaClusterTestKit;

import java.util.HashMap;
import java.util.Map;

/**
 * The real PostgreSQL, Kafka and SMTP server of the test run, started once for all test classes
 * (registered with {@code @WithTestResource(scope = GLOBAL)} on {@link StackTest}).
 */
public class TestStack implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedPostgres postgres;
    private static KafkaClusterTestKit kafka;
    private static GreenMail smtp;

    @Override
    public synchronized Map<String, String> start() {
        try {
            if (postgres == null) {
                // The in-process broker must never end the test JVM: Kafka calls Exit.halt/exit on faults it
                // considers fatal (also while the JVM shuts down), which makes the fork exit non-zero after
                // every test passed. Log instead.
                org.apache.kafka.common.utils.Exit.setHaltProcedure((code, message) ->
                        System.err.println("[test-stack] Kafka asked to halt (" + code + "): " + message));
                org.apache.kafka.common.utils.Exit.setExitProcedure((code, message) ->
                        System.err.println("[test-stack] Kafka asked to exit (" + code + "): " + message));
                postgres = Infrastructure.postgres(null, 0);
                kafka = Infrastructure.kafka(3);
                smtp = Infrastructure.smtp(Ports.free());
                Runtime.getRuntime().addShutdownHook(new Thread(TestStack::stopAll, "test-stack-stop"));
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not start the test stack", e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.reactive.url", Infrastructure.reactiveUrl(postgres));
        config.put("quarkus.datasource.jdbc.url", Infrastructure.jdbcUrl(postgres));
        config.put("quarkus.datasource.username", "postgres");
        config.put("quarkus.datasource.password", "postgres");
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("quarkus.mailer.host", "127.0.0.1");
        config.put("quarkus.mailer.port", String.valueOf(smtp.getSmtp().getPort()));
        return config;
    }

    @Override
    public void stop() {
        // Kept running when Quarkus restarts for another test profile; stopped when the JVM exits.
    }

    private static void stopAll() {
        try {
            // PostgreSQL is a separate process: it must be stopped. The in-process broker dies with the JVM;
            // closing it during JVM shutdown can make Kafka halt the JVM with a non-zero status.
            postgres.close();
            smtp.stop();
        } catch (Exception e) {
            System.err.println("test stack did not stop cleanly: " + e);
        }
    }

    public static KafkaClusterTestKit kafka() {
        return kafka;
    }

    public static GreenMail smtp() {
        return smtp;
    }

    public static EmbeddedPostgres postgres() {
        return postgres;
    }

}
