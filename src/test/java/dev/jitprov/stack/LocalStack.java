package dev.jitprov.stack;

import com.icegreen.greenmail.util.GreenMail;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.utils.Exit;
import sun.misc.Signal;

import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one-command local run ({@code ./mvnw -Plocal}): a real PostgreSQL (data kept in {@code .local-data/}),
 * a real Kafka broker (KRaft), a real SMTP server, and the packaged service as a child process. Ctrl-C stops
 * everything it started. Ports: {@code -Dhttp.port}, {@code -Dpg.port}, {@code -Dsmtp.port}.
 */
public final class LocalStack {

    private LocalStack() {
    }

    /**
     * The service's JVM options in the local run: the container image's (src/main/docker/Dockerfile.jvm,
     * {@code JAVA_OPTS_APPEND}; {@code LocalJvmOptionsTest} keeps them equal) and its heap, 40 % of the Deployment's
     * 768 Mi limit, so the local run is a pod's JVM. The JVM's defaults on a workstation (G1, a quarter of the RAM) held
     * 730–980 MB of RSS under the sign-in cost harness; these 374–381 MB at the same speed (docs/benchmarks.md).
     */
    public static final List<String> SERVICE_JVM_OPTIONS;

    /** The container image's JVM options without its heap (the harnesses that set their own heap use these). */
    public static final List<String> IMAGE_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xss512k",
            "-XX:ReservedCodeCacheSize=64m", "-XX:MaxMetaspaceSize=160m", "-XX:MaxDirectMemorySize=64m");

    static {
        List<String> options = new ArrayList<>(List.of("-XX:MaxRAM=768m", "-XX:MaxRAMPercentage=40"));
        options.addAll(IMAGE_JVM_OPTIONS);
        SERVICE_JVM_OPTIONS = List.copyOf(options);
    }

    /** The service's events topic ({@code jit.events.topic}), created before the service subscribes to it. */
    static final String EVENTS_TOPIC = "provisioning-events";

    /** The image's environment for the JVM: two malloc arenas (glibc otherwise reserves 64 MB per allocating thread). */
    public static final Map<String, String> SERVICE_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    public static void main(String[] args) throws Exception {
        // Kafka's broker logs through System.Logger, which jboss-logmanager (on this classpath for the tests) serves; it
        // prints an ERROR line to a newcomer's console when java.util.logging was not handed to it before first use.
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        // The in-process broker calls Exit.halt as soon as the JVM starts shutting down: a Ctrl-C (or SIGTERM) that went
        // straight to the shutdown hooks ended this JVM in the middle of stop(), leaving the service running against a
        // dead broker and PostgreSQL to zonky's own hook (or orphaned). So Ctrl-C and SIGTERM stop everything in order
        // first, and only then does the JVM shut down; a halt Kafka still asks for is said, not done.
        Exit.setHaltProcedure((code, message) -> say("Kafka asked to halt (" + code + "): " + message));
        Exit.setExitProcedure((code, message) -> say("Kafka asked to exit (" + code + "): " + message));
        int httpPort = Integer.getInteger("http.port", 8080);
        int pgPort = Integer.getInteger("pg.port", 15432);
        int smtpPort = Integer.getInteger("smtp.port", 2525);
        Path data = Path.of(System.getProperty("data.dir", ".local-data")).toAbsolutePath();
        Files.createDirectories(data);
        Path app = Path.of("target", "quarkus-app", "quarkus-run.jar");
        if (!Files.exists(app)) {
            throw new IllegalStateException(app + " is missing: run ./mvnw -Plocal (it packages the service first)");
        }

        List<AutoCloseable> started = new ArrayList<>();
        Process[] service = new Process[1];
        for (String name : List.of("INT", "TERM")) {
            Signal.handle(new Signal(name), signal -> {
                stop(service[0], started);
                System.exit(128 + signal.getNumber());
            });
        }
        // any other way out (an exception in main, System.exit elsewhere): the same stop, from a shutdown hook
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(service[0], started), "local-stack-stop"));

        // a port in use is the likeliest reason the local run cannot start: say which, before starting anything
        for (Map.Entry<String, Integer> port : Map.of("http.port (the service)", httpPort, "pg.port (PostgreSQL)", pgPort,
                "smtp.port (SMTP)", smtpPort).entrySet()) {
            if (!free(port.getValue())) {
                say("port " + port.getValue() + " is in use: stop what uses it, or choose another with -D" + port.getKey());
                System.exit(2);
            }
        }
        try {
            start(data, app, httpPort, pgPort, smtpPort, started, service);
        } catch (Throwable failure) {
            // the broker's and PostgreSQL's threads would keep this JVM up after main's exception: stop (the hook) and end
            say("could not start: " + failure);
            failure.printStackTrace();
            System.exit(1);
        }
        DemoWorkspace demo = new DemoWorkspace("http://localhost:" + httpPort, data);
        try {
            demo.awaitReady(service[0], Duration.ofMinutes(3));
            demo.prepare().forEach(LocalStack::say);
        } catch (Exception e) {
            say("demo workspace not prepared: " + e.getMessage());
        }
        int exit = service[0].waitFor();
        say("service exited with status " + exit);
    }

    private static boolean free(int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(port));
            return true;
        } catch (java.io.IOException inUse) {
            return false;
        }
    }

    /** PostgreSQL, Kafka, SMTP and the service, each added to {@code started} (the stop's list) as it runs. */
    private static void start(Path data, Path app, int httpPort, int pgPort, int smtpPort, List<AutoCloseable> started,
                              Process[] service) throws Exception {
        say("starting PostgreSQL on port " + pgPort + " (data in " + data.resolve("postgres") + ")");
        EmbeddedPostgres postgres = Infrastructure.postgres(data.resolve("postgres"), pgPort, true); // stopped by stop()
        started.add(postgres);
        say("starting Kafka (KRaft, one broker)");
        KafkaClusterTestKit kafka = Infrastructure.kafka(3);
        started.add(kafka);
        Infrastructure.createTopic(kafka, EVENTS_TOPIC);
        say("starting SMTP server (GreenMail) on port " + smtpPort);
        GreenMail smtp = Infrastructure.smtp(smtpPort);
        started.add(smtp::stop);

        Path mailDir = data.resolve("mail");
        Thread mailPrinter = new Thread(() -> printMail(smtp, mailDir), "local-stack-mail");
        mailPrinter.setDaemon(true);
        mailPrinter.start();
        say("starting the service on http://localhost:" + httpPort);
        ProcessBuilder serviceProcess = new ProcessBuilder(serviceCommand(app, httpPort, postgres, kafka, smtpPort)).inheritIO();
        serviceProcess.environment().putAll(SERVICE_ENVIRONMENT);
        service[0] = serviceProcess.start();
        say("""
                ready in a few seconds:
                  service      http://localhost:%d/   (health: /q/health/ready, API docs: /q/openapi)
                  PostgreSQL   localhost:%d  user postgres, database postgres
                  Kafka        %s  topic %s
                  SMTP         localhost:%d  (GreenMail: every mail is printed here and saved in .local-data/mail/)
                Ctrl-C stops everything.""".formatted(httpPort, pgPort, kafka.bootstrapServers(), EVENTS_TOPIC, smtpPort));
    }

    /** The command that starts the packaged service against the local stack (LocalRunIT runs the same). */
    static List<String> serviceCommand(Path app, int httpPort, EmbeddedPostgres postgres, KafkaClusterTestKit kafka, int smtpPort) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(SERVICE_JVM_OPTIONS);
        command.addAll(List.of(
                "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.datasource.reactive.url=" + Infrastructure.reactiveUrl(postgres),
                "-Dquarkus.datasource.jdbc.url=" + Infrastructure.jdbcUrl(postgres),
                "-Dquarkus.datasource.username=postgres",
                "-Dquarkus.datasource.password=postgres",
                "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "-Dquarkus.mailer.host=127.0.0.1",
                "-Dquarkus.mailer.port=" + smtpPort,
                "-Dquarkus.profile=local",
                "-Djit.public.base-url=http://localhost:" + httpPort,
                "-jar", app.toString()));
        return command;
    }

    /** Every mail the service sends: one line here, the whole message as an .eml file under {@code dir}. */
    private static void printMail(GreenMail smtp, Path dir) {
        int seen = 0;
        try {
            Files.createDirectories(dir);
            while (true) {
                if (!smtp.waitForIncomingEmail(60_000, seen + 1)) {
                    continue;
                }
                jakarta.mail.internet.MimeMessage[] received = smtp.getReceivedMessages();
                for (; seen < received.length; seen++) {
                    jakarta.mail.internet.MimeMessage mail = received[seen];
                    Path file = dir.resolve(String.format("%05d.eml", seen + 1));
                    try (var out = Files.newOutputStream(file)) {
                        mail.writeTo(out);
                    }
                    say("mail to " + java.util.Arrays.toString(mail.getAllRecipients()) + ": \"" + mail.getSubject() + "\" (" + file + ")");
                }
            }
        } catch (Exception stopped) {
            // the SMTP server stopped with the stack
        }
    }

    private static boolean stopped;

    /**
     * Stops the service, then PostgreSQL, Kafka and SMTP; once. Synchronized: a second caller (the shutdown hook, once
     * main returned because the service exited) waits until the first one's stop has ended, so the JVM does not exit
     * in the middle of it.
     */
    private static synchronized void stop(Process service, List<AutoCloseable> started) {
        if (stopped) {
            return;
        }
        stopped = true;
        long begin = System.nanoTime();
        if (service != null && service.isAlive()) {
            service.destroy();
            try {
                if (!service.waitFor(20, TimeUnit.SECONDS)) {
                    service.destroyForcibly();
                }
            } catch (InterruptedException e) {
                service.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        // PostgreSQL, Kafka and SMTP no longer have a client: stop them together, not one after the other
        List<Thread> stopping = new ArrayList<>();
        for (AutoCloseable part : started) {
            Thread t = new Thread(() -> {
                try {
                    part.close();
                } catch (Exception e) {
                    System.err.println("[local-stack] stop failed: " + e);
                }
            }, "local-stack-stop-part");
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        say("stopped in " + java.time.Duration.ofNanos(System.nanoTime() - begin).toMillis() + " ms");
    }

    private static void say(String message) {
        System.out.println("[local-stack] " + message);
    }
}
