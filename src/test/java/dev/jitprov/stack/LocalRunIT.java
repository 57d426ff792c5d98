package dev.jitprov.stack;

import com.icegreen.greenmail.util.GreenMail;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The local run as a newcomer meets it ({@code ./mvnw -Plocal}, {@link LocalStack}), with the packaged service: the
 * same command starts it against PostgreSQL, Kafka and SMTP; the demo workspace is prepared; the demo sign-in page
 * signs the demo user in through the ACS; the owner's "new member" mail arrives; and Ctrl-C (SIGTERM) stops the
 * service within 5 seconds with no error logged.
 */
class LocalRunIT {

    private static final Path APP = Path.of("target", "quarkus-app", "quarkus-run.jar");

    @TempDir
    Path data;

    @Test
    void theLocalRunStartsPreparesTheDemoSignsTheDemoUserInAndStopsWithinFiveSecondsCleanly() throws Exception {
        int httpPort = freePort();
        int smtpPort = freePort();
        try (EmbeddedPostgres postgres = Infrastructure.postgres(data.resolve("postgres"), 0);
             KafkaClusterTestKit kafka = Infrastructure.kafka(3)) {
            GreenMail smtp = Infrastructure.smtp(smtpPort);
            Path log = Path.of("target", "local-run-it.log");
            Process service = new ProcessBuilder(LocalStack.serviceCommand(APP, httpPort, postgres, kafka, smtpPort))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                DemoWorkspace demo = new DemoWorkspace("http://localhost:" + httpPort, data);
                demo.awaitReady(service, Duration.ofMinutes(2));
                List<String> printed = demo.prepare();
                assertThat(printed).hasSize(3);

                // what the browser does with the printed page: post its form to the ACS
                String page = Files.readString(demo.signInPage());
                Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(page);
                Matcher response = Pattern.compile("name=\"SAMLResponse\" value=\"([^\"]+)\"").matcher(page);
                assertThat(action.find() && response.find()).isTrue();
                HttpResponse<String> acs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(action.group(1)))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("SAMLResponse=" + java.net.URLEncoder.encode(response.group(1),
                                java.nio.charset.StandardCharsets.UTF_8) + "&RelayState=%2Fconsole")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(acs.statusCode()).as(acs.body()).isEqualTo(303);
                assertThat(acs.headers().allValues("set-cookie")).anyMatch(c -> c.startsWith("jit_session="));

                // R16: the owner hears of the new member, in the mail the local run prints
                await().atMost(Duration.ofSeconds(60)).until(() -> Arrays.stream(smtp.getReceivedMessages()).anyMatch(m -> {
                    try {
                        return m.getSubject().startsWith("New member demo.user@demo.test");
                    } catch (Exception e) {
                        return false;
                    }
                }));
            } finally {
                long start = System.nanoTime();
                service.destroy(); // what Ctrl-C does to the child: SIGTERM
                boolean stopped = service.waitFor(30, TimeUnit.SECONDS);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                if (!stopped) {
                    service.destroyForcibly();
                }
                smtp.stop();
                assertThat(stopped && took.compareTo(Duration.ofSeconds(5)) < 0).as("stopped in %s", took).isTrue();
            }
            List<String> errors = Files.readAllLines(log).stream().filter(line -> line.contains(" ERROR ")).toList();
            assertThat(errors).as("errors logged by the local run (see %s)", log).isEmpty();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
