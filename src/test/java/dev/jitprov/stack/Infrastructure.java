package dev.jitprov.stack;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.GroupVersion;
import org.apache.kafka.server.common.MetadataVersion;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Real PostgreSQL, Kafka and SMTP servers started in-process, without Docker: shared by the test resource
 * ({@link TestStack}) and the one-command local run ({@link LocalStack}).
 */
public final class Infrastructure {

    /**
     * The broker-side consumer group timing (KIP-848, ADR 0014), as deploy/base/kafka.yaml sets it: a member that
     * stops heartbeating loses its partitions to the others after 6 s (the broker's default is 45 s); members heartbeat
     * every second, and learn of a new assignment with the next heartbeat.
     */
    public static final String GROUP_SESSION_TIMEOUT_MS = "6000";
    public static final String GROUP_HEARTBEAT_INTERVAL_MS = "1000";

    private Infrastructure() {
    }

    /** PostgreSQL from zonky's binaries. {@code dataDirectory} null means a fresh temporary cluster. */
    public static EmbeddedPostgres postgres(Path dataDirectory, int port) throws Exception {
        return postgres(dataDirectory, port, false);
    }

    /**
     * As {@link #postgres(Path, int)}; {@code closedByCaller}: without zonky's own shutdown hook, for a caller whose
     * hook stops PostgreSQL after its clients (the local run: zonky's hook would stop it beside the still-running
     * service, whose relay then fails on a closed connection).
     */
    public static EmbeddedPostgres postgres(Path dataDirectory, int port, boolean closedByCaller) throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setRegisterShutdownHook(!closedByCaller)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "200")
                .setServerConfig("fsync", dataDirectory == null ? "off" : "on")
                .setServerConfig("synchronous_commit", dataDirectory == null ? "off" : "on");
        if (port > 0) {
            builder.setPort(port);
        }
        if (Boolean.getBoolean("pg.statements")) { // statement counts for the sign-in cost harness (bench.SignInCost)
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
        }
        if (dataDirectory != null) {
            builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
        }
        return builder.start();
    }

    /** One combined KRaft broker/controller (Kafka 4.1.2) with single-replica internal topics. */
    public static KafkaClusterTestKit kafka(int partitions) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                // group.version 1: the KIP-848 consumer group protocol (a StorageTool format sets it by default; the
                // test kit's bootstrap metadata leaves it at 0 unless asked)
                .setBootstrapMetadata(BootstrapMetadata.fromVersions(MetadataVersion.latestProduction(),
                        Map.of(GroupVersion.FEATURE_NAME, GroupVersion.GV_1.featureLevel()), "jit-infrastructure"))
                .build();
        KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("group.consumer.min.session.timeout.ms", GROUP_SESSION_TIMEOUT_MS)
                .setConfigProp("group.consumer.session.timeout.ms", GROUP_SESSION_TIMEOUT_MS)
                .setConfigProp("group.consumer.min.heartbeat.interval.ms", GROUP_HEARTBEAT_INTERVAL_MS)
                .setConfigProp("group.consumer.heartbeat.interval.ms", GROUP_HEARTBEAT_INTERVAL_MS)
                .setConfigProp("num.partitions", String.valueOf(partitions))
                .setConfigProp("auto.create.topics.enable", "true")
                .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        return kafka;
    }

    /**
     * Creates a topic the way the broker would on first use (its {@code num.partitions}), before any client asks for it:
     * consumers that subscribe to a topic that does not exist yet log a WARN per metadata refresh until it does.
     */
    public static void createTopic(KafkaClusterTestKit kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** GreenMail: a real SMTP server (and IMAP/POP3 to read what was sent). */
    public static GreenMail smtp(int port) {
        GreenMail mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        return mail;
    }

    public static String reactiveUrl(EmbeddedPostgres postgres) {
        return "postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    public static String jdbcUrl(EmbeddedPostgres postgres) {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }
}
