package dev.jitprov.stack;

import dev.jitprov.support.Ports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The local run as a newcomer meets it: {@link LocalStack} (what {@code ./mvnw -Plocal} runs after packaging) in a
 * JVM of its own with its own data directory and ports. It must start PostgreSQL, Kafka, SMTP and the packaged
 * service, prepare the demo workspace and print its sign-in page; the page must sign the demo user in through the
 * ACS; the owner's "new member" mail must be printed; and SIGTERM (what Ctrl-C sends the JVM's shutdown hooks) must
 * stop everything within 5 seconds with no error in the output.
 */
class LocalRunIT {

    private static final Pattern PAGE = Pattern.compile("open file://(\\S+sign-in\\.html)");

    @TempDir
    Path data;

    @Test
    void theLocalRunStartsPreparesTheDemoSignsTheDemoUserInAndStopsWithinFiveSecondsCleanly() throws Exception {
        Path log = Path.of("target", "local-run-it.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process stack = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Ddata.dir=" + data, "-Dhttp.port=" + Ports.free(), "-Dpg.port=" + Ports.free(), "-Dsmtp.port=" + Ports.free(),
                LocalStack.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String pageLine = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> lineMatching(log, PAGE), line -> line != null || !stack.isAlive());
            assertThat(pageLine).as("the demo sign-in page printed (output in %s):\n%s", log, Files.readString(log)).isNotNull();
            assertThat(Files.readString(log)).doesNotContain("demo workspace not prepared");

            // what the browser does with the page: post its form to the ACS
            Matcher file = PAGE.matcher(pageLine);
            assertThat(file.find()).isTrue();
            String page = Files.readString(Path.of(file.group(1)));
            Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(page);
            Matcher response = Pattern.compile("name=\"SAMLResponse\" value=\"([^\"]+)\"").matcher(page);
            assertThat(action.find() && response.find()).isTrue();
            HttpResponse<String> acs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(action.group(1)))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("SAMLResponse=" + URLEncoder.encode(response.group(1), StandardCharsets.UTF_8)
                            + "&RelayState=%2Fconsole")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(acs.statusCode()).as(acs.body()).isEqualTo(303);
            assertThat(acs.headers().allValues("set-cookie")).anyMatch(c -> c.startsWith("jit_session="));

            // R16: the owner hears of the new member, and the local run prints the mail
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> Files.readString(log).contains("mail to [owner@demo.test]: \"New member demo.user@demo.test"));
        } catch (Throwable failure) {
            stack.destroyForcibly();
            throw failure;
        }

        long start = System.nanoTime();
        stack.destroy(); // SIGTERM: the JVM runs LocalStack's shutdown hook, as on Ctrl-C
        boolean stopped = stack.waitFor(30, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (!stopped) {
            stack.destroyForcibly();
        }
        assertThat(stopped).as("stopped within 30 s").isTrue();
        assertThat(took).as("time from Ctrl-C to everything stopped").isLessThan(Duration.ofSeconds(5));
        assertThat(Files.readString(log)).as("the stack's stop ran to its end (%s)", log).contains("[local-stack] stopped in");
        List<String> errors = Files.readAllLines(log).stream()
                .filter(line -> line.contains(" ERROR ") || line.startsWith("ERROR") || line.contains("stop failed")).toList();
        assertThat(errors).as("errors in the local run's output (%s)", log).isEmpty();
        // the stack creates the events topic before the service's consumers subscribe to it, and stops PostgreSQL and
        // Kafka only after the service: neither the service's code nor its Kafka clients warn on a clean start and stop
        assertThat(Files.readAllLines(log).stream().filter(line -> line.contains("UNKNOWN_TOPIC_OR_PARTITION")
                        || line.contains(" WARN ") && line.contains("[de.ji.")).toList())
                .as("warnings of a clean start and stop (%s)", log).isEmpty();
        // nothing left running: no PostgreSQL of this data directory (the other parts live in the stack's JVM)
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(data.toString())).toList())
                .as("processes of the stopped local run").isEmpty();
    }

    @Test
    void aPortInUseIsNamedAndTheLocalRunEndsInsteadOfHanging() throws Exception {
        Path log = Path.of("target", "local-run-it-port-in-use.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        try (ServerSocket taken = new ServerSocket(Ports.free())) {
            Process stack = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "-Ddata.dir=" + data, "-Dhttp.port=" + Ports.free(), "-Dpg.port=" + Ports.free(),
                    "-Dsmtp.port=" + taken.getLocalPort(), LocalStack.class.getName())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean ended = stack.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                stack.destroyForcibly();
            }
            assertThat(ended).as("the local run ended (output in %s)", log).isTrue();
            assertThat(stack.exitValue()).isNotZero();
            assertThat(Files.readString(log)).contains("port " + taken.getLocalPort() + " is in use")
                    .contains("-Dsmtp.port").doesNotContain("starting PostgreSQL");
        }
    }

    private static String lineMatching(Path log, Pattern pattern) throws IOException {
        if (!Files.exists(log)) {
            return null;
        }
        return Files.readAllLines(log).stream().filter(line -> pattern.matcher(line).find()).findFirst().orElse(null);
    }

}
