package dev.jitprov.bench;

import dev.jitprov.support.Ports;

import com.icegreen.greenmail.util.GreenMail;
import dev.jitprov.stack.Infrastructure;
import dev.jitprov.stack.LocalStack;
import dev.jitprov.support.Scenario;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.common.test.KafkaClusterTestKit;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service (target/quarkus-app/quarkus-run.jar) as a child process, with PostgreSQL, Kafka and SMTP
 * started in this JVM as the one-command local run starts them ({@link Infrastructure}): what the harnesses that
 * must kill the service, or measure it apart from their own client, run against.
 */
final class ServiceProcess implements AutoCloseable {

    final EmbeddedPostgres postgres;
    final KafkaClusterTestKit kafka;
    final GreenMail smtp;
    final int port;
    final Path log;
    /** The packaged service; {@code -Dservice.app=…/quarkus-run.jar} runs another build (a baseline, for before/after runs). */
    private static final Path APP = Path.of(System.getProperty("service.app", Path.of("target", "quarkus-app", "quarkus-run.jar").toString()));

    /** The service's java: this JVM's unless {@code -Dservice.java} names another (a newer JDK, measured against it). */
    static final String JAVA = System.getProperty("service.java", ProcessHandle.current().info().command().orElse("java"));

    /**
     * How long a stopped service may take to exit before it is killed: a JVM that writes an AOT cache at exit
     * ({@code -XX:AOTCacheOutput}, a training run) needs longer than the default 20 s.
     */
    private static final long STOP_SECONDS = Long.getLong("service.stopSeconds", 20);

    private final List<String> command;
    private final boolean ownsInfrastructure;
    private Process process;

    private ServiceProcess(EmbeddedPostgres postgres, KafkaClusterTestKit kafka, GreenMail smtp, int port, Path log, List<String> command,
                           boolean ownsInfrastructure) {
        if (!Files.exists(APP)) {
            throw new IllegalStateException(APP + " is missing: package the service first (./mvnw -Plocal ... does)");
        }
        this.ownsInfrastructure = ownsInfrastructure;
        this.postgres = postgres;
        this.kafka = kafka;
        this.smtp = smtp;
        this.port = port;
        this.log = log;
        this.command = command;
    }

    /** Starts the stack and the service; {@code serviceArgs} are extra JVM options of the service (heap, config). */
    static ServiceProcess start(String name, List<String> serviceArgs) throws Exception {
        ServiceProcess service = infrastructure(name, serviceArgs);
        service.startService(name);
        return service;
    }

    /**
     * Starts PostgreSQL, Kafka and SMTP only; the service process of the result is not started ({@link #startService}
     * starts it). The replica harness starts its services with {@link #replica} instead.
     */
    static ServiceProcess infrastructure(String name, List<String> serviceArgs) throws Exception {
        Path data = Files.createTempDirectory(name);
        say(name, "starting PostgreSQL, Kafka, SMTP");
        EmbeddedPostgres postgres = Infrastructure.postgres(data.resolve("postgres"), Ports.free());
        KafkaClusterTestKit kafka = Infrastructure.kafka(3);
        GreenMail smtp = Infrastructure.smtp(Ports.free());
        int port = Ports.free();
        return new ServiceProcess(postgres, kafka, smtp, port, data.resolve("service.log"),
                command(port, name, postgres, kafka, smtp, serviceArgs), true);
    }

    /**
     * Another service process on the same PostgreSQL, Kafka and SMTP (a replica): its own HTTP port, log file and
     * PostgreSQL {@code application_name} (= {@code name}). Not started; {@link #close} stops only the process.
     */
    ServiceProcess replica(String name, List<String> serviceArgs) {
        int replicaPort = Ports.free();
        return new ServiceProcess(postgres, kafka, smtp, replicaPort, log.resolveSibling(name + ".log"),
                command(replicaPort, name, postgres, kafka, smtp, serviceArgs), false);
    }

    private static List<String> command(int port, String name, EmbeddedPostgres postgres, KafkaClusterTestKit kafka, GreenMail smtp,
                                        List<String> serviceArgs) {
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(serviceArgs);
        command.addAll(List.of(
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.reactive.url=" + Infrastructure.reactiveUrl(postgres),
                "-Dquarkus.datasource.jdbc.url=" + Infrastructure.jdbcUrl(postgres),
                "-Dquarkus.datasource.reactive.additional-properties.application_name=" + name,
                "-Dquarkus.datasource.username=postgres", "-Dquarkus.datasource.password=postgres",
                "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "-Dquarkus.mailer.host=127.0.0.1", "-Dquarkus.mailer.port=" + smtp.getSmtp().getPort(),
                "-Dquarkus.profile=local",
                "-Djit.admin.operator-token=" + Scenario.OPERATOR_TOKEN,
                "-Djit.public.base-url=" + Scenario.BASE_URL,
                "-jar", APP.toString()));
        return command;
    }

    /**
     * The memory options of the container image (src/main/docker/Dockerfile.jvm) with an explicit heap, the reactive
     * pool size, and a response age that lets pre-signed responses wait for their turn.
     */
    static List<String> imageOptions(String heap, String poolSize) {
        List<String> options = new ArrayList<>(List.of("-Xmx" + heap));
        options.addAll(LocalStack.IMAGE_JVM_OPTIONS);
        options.addAll(List.of("-Dquarkus.datasource.reactive.max-size=" + poolSize, "-Djit.saml.max-issue-instant-age=PT30M"));
        return options;
    }

    /** (Re)starts the service process and waits until it is ready. */
    void startService(String name) throws Exception {
        say(name, "starting the service on port " + port);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // glibc gives each thread that allocates its own malloc arena (64 MB reserved each); two are plenty for a
        // JVM whose allocations are mostly in its heap. Same setting as the container image (Dockerfile.jvm).
        LocalStack.SERVICE_ENVIRONMENT.forEach(builder.environment()::putIfAbsent);
        process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    say(name, "service ready (pid " + process.pid() + ")");
                    return;
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited: see " + log);
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("the service did not become ready in 120 s: see " + log);
    }

    Process process() {
        return process;
    }

    /** VmRSS and VmHWM (peak) of the service process, from /proc. */
    String rss() {
        try {
            return Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM"))
                    .map(l -> l.replaceAll("\\s+", " ")).reduce((a, b) -> a + ", " + b).orElse("?");
        } catch (java.io.IOException e) {
            return "unreadable: " + e;
        }
    }

    Connection database() throws Exception {
        return DriverManager.getConnection(Infrastructure.jdbcUrl(postgres), "postgres", "postgres");
    }

    /** Whether the service process runs now. */
    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, as a crash or an OOM kill would end it. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM (what Kubernetes sends a stopping pod), then waits; returns how long the process took to exit. */
    java.time.Duration stop(java.time.Duration patience) throws InterruptedException {
        long from = System.nanoTime();
        process.destroy();
        if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        return java.time.Duration.ofNanos(System.nanoTime() - from);
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            process.destroy();
            process.waitFor(STOP_SECONDS, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
        if (ownsInfrastructure) {
            smtp.stop();
            postgres.close();
        }
    }


    private static void say(String name, String message) {
        System.out.println("[" + name + "] " + message);
    }
}
