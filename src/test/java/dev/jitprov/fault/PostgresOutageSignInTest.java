package dev.jitprov.fault;

import dev.jitprov.provisioning.MemberEvent;
import dev.jitprov.stack.Infrastructure;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10: PostgreSQL stops (fast shutdown: every connection of the service is cut) in the middle of sign-ins,
 * then comes back on the same port and data. Sign-ins while it is down are refused with 503
 * {@code service_unavailable} and leave nothing behind; sign-ins in flight when it stops either commit whole or
 * not at all (a sign-in cut after its replay-cache claim committed is refused as a replay when the very same
 * response is posted again: the claim is not in the sign-in's transaction); once it is back, sign-ins work again (the same, never-claimed responses included), every
 * acknowledged sign-in is in the store exactly once, no member is provisioned twice, and the members view
 * converges to the store.
 *
 * <p>The service gets a PostgreSQL of its own (zonky binaries, fixed data directory and port) so that stopping
 * it cannot disturb the shared one of the other tests.
 */
@QuarkusTest
@TestProfile(PostgresOutageSignInTest.OwnPostgres.class)
class PostgresOutageSignInTest {

    private static final AtomicReference<EmbeddedPostgres> POSTGRES = new AtomicReference<>();
    private static Path dataDirectory;
    private static int port;

    /** The service talks to a PostgreSQL of its own that the test can stop and start again. */
    public static class OwnPostgres implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                if (POSTGRES.get() == null) {
                    dataDirectory = Files.createTempDirectory("pg-outage").resolve("data");
                    try (ServerSocket socket = new ServerSocket(0)) {
                        port = socket.getLocalPort();
                    }
                    POSTGRES.set(Infrastructure.postgres(dataDirectory, port));
                }
            } catch (Exception e) {
                throw new IllegalStateException("could not start a PostgreSQL of the test's own", e);
            }
            EmbeddedPostgres pg = POSTGRES.get();
            return Map.of("quarkus.datasource.reactive.url", Infrastructure.reactiveUrl(pg),
                    "quarkus.datasource.jdbc.url", Infrastructure.jdbcUrl(pg),
                    "quarkus.datasource.username", "postgres",
                    "quarkus.datasource.password", "postgres");
        }
    }

    @Inject
    Pool pool;

    @AfterAll
    static void stopPostgres() throws Exception {
        EmbeddedPostgres pg = POSTGRES.getAndSet(null);
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void signInsDuringAnOutageAreRefusedWith503AndNothingIsHalfDone() throws Exception {
        Scenario scenario = Scenario.withJit("pg-outage", Map.of());
        List<String> before = emails("before", 5);
        List<String> inFlight = emails("inflight", 40);
        List<String> during = emails("during", 5);
        List<String> after = emails("after", 5);
        Map<String, String> signed = new ConcurrentHashMap<>();
        Stream.concat(before, inFlight, during, after).parallelStream().forEach(e -> signed.put(e, scenario.signedResponse(e)));
        Map<String, List<Integer>> statuses = new ConcurrentHashMap<>();

        for (String email : before) {
            post(scenario, signed.get(email), email, statuses);
        }
        assertThat(before).allSatisfy(e -> assertThat(statuses.get(e)).containsExactly(303));

        // A stream of sign-ins from two clients while PostgreSQL stops underneath them.
        AtomicBoolean stopped = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            int client = c;
            Thread t = new Thread(() -> IntStream.range(0, inFlight.size()).filter(i -> i % 2 == client)
                    .forEach(i -> post(scenario, signed.get(inFlight.get(i)), inFlight.get(i), statuses)));
            clients.add(t);
            t.start();
        }
        // Cut it once a few of them have been answered, so that others are in flight at that moment.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                .until(() -> inFlight.stream().filter(statuses::containsKey).count() >= 6);
        POSTGRES.get().close();
        stopped.set(true);
        for (Thread t : clients) {
            t.join(30_000);
        }

        // While it is down: 503 service_unavailable, every time.
        for (String email : during) {
            Response response = scenario.postAcs(signed.get(email));
            assertThat(response.statusCode()).as("sign-in of %s during the outage", email).isEqualTo(503);
            assertThat(response.body().asString()).contains("service_unavailable");
            statuses.computeIfAbsent(email, k -> new ArrayList<>()).add(503);
        }

        POSTGRES.set(Infrastructure.postgres(dataDirectory, port));

        // Back: sign-ins work again (the pool reconnects on the next request), including the refused ones,
        // whose assertions were never claimed.
        for (String email : after) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> post(scenario, signed.get(email), email, statuses) == 303);
        }
        for (String email : during) {
            assertThat(post(scenario, signed.get(email), email, statuses)).as("retry of %s after the outage", email).isEqualTo(303);
        }
        for (String email : inFlight) {
            if (!statuses.get(email).contains(303)) {
                int status = post(scenario, signed.get(email), email, statuses);
                // 303, or 403 replayed_assertion when the refused attempt had claimed it before the cut.
                assertThat(status).as("retry of %s", email).isIn(303, 403);
            }
        }

        Map<String, Long> provisioned = FaultChecks.perMember(pool, scenario.workspaceId, MemberEvent.UserProvisioned.TYPE);
        Map<String, Long> sessions = FaultChecks.perMember(pool, scenario.workspaceId, MemberEvent.SessionStarted.TYPE);
        statuses.forEach((email, codes) -> {
            long acknowledged = codes.stream().filter(c -> c == 303).count();
            assertThat(provisioned.getOrDefault(email, 0L)).as("user.provisioned of %s (statuses %s)", email, codes).isLessThanOrEqualTo(1);
            if (acknowledged > 0) {
                assertThat(provisioned.get(email)).as("user.provisioned of acknowledged %s", email).isEqualTo(1);
                assertThat(sessions.get(email)).as("sessions of %s (statuses %s)", email, codes).isGreaterThanOrEqualTo(acknowledged);
            }
        });
        assertThat(during).allSatisfy(e -> assertThat(sessions.get(e)).as("sessions of %s, refused once then signed in", e).isEqualTo(1));
        System.out.printf("[fault] PostgreSQL outage: in-flight outcomes %s%n", inFlight.stream().map(statuses::get).toList());

        scenario.awaitMembersView();
        Map<String, Long> view = FaultChecks.membersView(pool, scenario.workspaceId);
        assertThat(view.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
        assertThat(view.keySet()).containsAll(provisioned.keySet());
    }

    private static int post(Scenario scenario, String samlResponse, String email, Map<String, List<Integer>> statuses) {
        int status = scenario.postAcs(samlResponse).statusCode();
        statuses.computeIfAbsent(email, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(status);
        return status;
    }

    private static List<String> emails(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i + "@pg-outage.example.com").toList();
    }

    private static final class Stream {
        @SafeVarargs
        static List<String> concat(List<String>... lists) {
            return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
        }
    }
}
