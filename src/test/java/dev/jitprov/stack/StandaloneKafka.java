package dev.jitprov.stack;

import dev.jitprov.support.Ports;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real Kafka broker (KRaft, one combined node) as a separate process on a fixed port, so a test can crash it and
 * start it again on the same port and data: what an outage looks like to the service.
 */
public final class StandaloneKafka implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private Process process;

    public StandaloneKafka() throws IOException, InterruptedException {
        this.dir = Files.createTempDirectory("kafka-standalone");
        this.port = Ports.free();
        this.controllerPort = Ports.free();
        Files.writeString(dir.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@localhost:" + controllerPort,
                "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
                "advertised.listeners=PLAINTEXT://localhost:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=3",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "group.consumer.min.session.timeout.ms=" + Infrastructure.GROUP_SESSION_TIMEOUT_MS,
                "group.consumer.session.timeout.ms=" + Infrastructure.GROUP_SESSION_TIMEOUT_MS,
                "group.consumer.min.heartbeat.interval.ms=" + Infrastructure.GROUP_HEARTBEAT_INTERVAL_MS,
                "group.consumer.heartbeat.interval.ms=" + Infrastructure.GROUP_HEARTBEAT_INTERVAL_MS,
                ""));
        run(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
                dir.resolve("server.properties").toString())).waitFor(60, TimeUnit.SECONDS);
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Starts (or restarts) the broker on the same port and data directory and waits until it answers. */
    public void start() throws IOException {
        process = run(List.of("kafka.Kafka", dir.resolve("server.properties").toString()));
        Process started = process;
        // Whatever happens to the test (or its class loaders), the broker never outlives the test JVM.
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "standalone-kafka-stop"));
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == 1);
        }
    }

    /** Kills the broker process at once, as a crash would. */
    public void crash() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        crash();
    }

    private Process run(List<String> mainAndArgs) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("kafka.log").toFile()).start();
    }

}
