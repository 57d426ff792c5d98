package dev.jitprov.deploy;

import dev.jitprov.support.Ports;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import dev.jitprov.stack.Infrastructure;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged service (target/quarkus-app, built by {@code ./mvnw verify} before this integration test) started once
 * per role with exactly the environment its Deployment in the prod overlay gives it: ConfigMap, literal values and
 * Secrets (filled with test values of the right shape), only the cluster addresses of PostgreSQL, Kafka and SMTP
 * pointed at the test's own, and the HTTP port moved to a free one. Each must report /q/health/ready UP: a variable
 * the application needs and a Deployment forgets makes that role crash-loop in a cluster, and fails here.
 */
class DeploymentBootIT {

    private static final Path APP = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static EmbeddedPostgres postgres;
    private static KafkaClusterTestKit kafka;
    private static GreenMail smtp;
    private static int smtpPort;

    @BeforeAll
    static void startInfrastructure() throws Exception {
        assertThat(APP).as("the packaged service (./mvnw verify packages it before integration tests)").exists();
        postgres = Infrastructure.postgres(null, 0);
        kafka = Infrastructure.kafka(3);
        smtpPort = Ports.free();
        smtp = Infrastructure.smtp(smtpPort);
    }

    @AfterAll
    static void stopInfrastructure() throws Exception {
        if (smtp != null) {
            smtp.stop();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** The environment the Deployment gives its container, with the cluster's addresses pointed at the test's. */
    private static Map<String, String> localEnvironment(List<JsonNode> docs, JsonNode deployment) {
        Map<String, String> env = new java.util.LinkedHashMap<>(RenderedManifests.environment(docs, deployment));
        // the cluster's addresses become the test's; every other value is the manifest's own
        assertThat(env).containsKeys("DB_REACTIVE_URL", "DB_JDBC_URL", "KAFKA_BOOTSTRAP_SERVERS", "SMTP_HOST", "SMTP_PORT");
        env.put("DB_REACTIVE_URL", Infrastructure.reactiveUrl(postgres));
        env.put("DB_JDBC_URL", Infrastructure.jdbcUrl(postgres));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", String.valueOf(smtpPort));
        return env;
    }

    @org.junit.jupiter.api.Test
    void anOverlayThatLeavesTheTrustedProxiesPlaceholderDoesNotStart() throws Exception {
        List<JsonNode> prod = RenderedManifests.render("prod");
        JsonNode api = RenderedManifests.named(prod, "Deployment", "jit-api").orElseThrow();
        Map<String, String> env = localEnvironment(prod, api);
        env.put("JIT_FIREWALL_TRUSTED_PROXIES", RenderedManifests.documents(Files.readString(RenderedManifests.DEPLOY.resolve("base/configmap.yaml")))
                .get(0).path("data").path("JIT_FIREWALL_TRUSTED_PROXIES").asText());
        assertThat(env.get("JIT_FIREWALL_TRUSTED_PROXIES")).startsWith("REPLACE-ME");
        Path log = Path.of("target", "boot-placeholder.log");
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m",
                "-Dquarkus.http.port=" + Ports.free(), "-jar", APP.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process service = builder.start();
        boolean exited = service.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            service.destroyForcibly();
        }
        assertThat(exited).as("it refused to start:\n%s", tail(log)).isTrue();
        assertThat(service.exitValue()).isNotZero();
        assertThat(Files.readString(log)).contains("JIT_FIREWALL_TRUSTED_PROXIES");
    }

    @TestFactory
    Stream<DynamicTest> everyRoleOfTheProdOverlayStartsWithTheEnvironmentItsDeploymentGivesIt() throws Exception {
        List<JsonNode> prod = RenderedManifests.render("prod");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode deployment : RenderedManifests.serviceDeployments(prod)) {
            Map<String, String> env = localEnvironment(prod, deployment);
            tests.add(DynamicTest.dynamicTest(RenderedManifests.name(deployment) + " (JIT_ROLES=" + env.get("JIT_ROLES") + ")",
                    () -> bootsReady(RenderedManifests.name(deployment), env)));
        }
        assertThat(tests).hasSize(5);
        return tests.stream();
    }

    private static void bootsReady(String name, Map<String, String> env) throws Exception {
        int port = Ports.free();
        Path log = Path.of("target", "boot-" + name + ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-Dquarkus.http.port=" + port, "-jar", APP.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // exactly the Deployment's environment: nothing inherited from this machine
        builder.environment().clear();
        builder.environment().putAll(env);
        Process service = builder.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            String last = "no answer";
            while (System.nanoTime() < deadline) {
                if (!service.isAlive()) {
                    throw new AssertionError(name + " exited with " + service.exitValue() + " before it was ready:\n" + tail(log));
                }
                try {
                    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    last = ready.statusCode() + " " + ready.body();
                    if (ready.statusCode() == 200 && ready.body().contains("\"UP\"")) {
                        return;
                    }
                } catch (IOException notListeningYet) {
                    last = notListeningYet.toString();
                }
                Thread.sleep(500);
            }
            throw new AssertionError(name + " not ready within 120 s (last: " + last + "):\n" + tail(log));
        } finally {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

}
