package dev.jitprov.signin;

import dev.jitprov.support.EventLog;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Concurrent sign-ins through the real ACS: the expected-version append makes the decision safe (SPEC §6, R8). */
@QuarkusTest
class ConcurrentSignInTest {

    @Inject
    Pool pool;

    @Test
    void r8_twentyParallelFirstSignInsOfOneUserCreateOneMemberAndTwentySessions() throws Exception {
        Scenario s = Scenario.withJit("parallel-one", Map.of());
        List<String> responses = IntStream.range(0, 20).mapToObj(i -> s.signedResponse("twin@example.com", "Marketer")).toList();

        List<Integer> statuses = postAll(s, responses, 20);

        assertThat(statuses).containsOnly(303);
        List<String> types = new EventLog(pool).types(dev.jitprov.provisioning.MemberKeys.streamId(s.workspaceId, "twin@example.com"));
        assertThat(types).filteredOn("user.provisioned.v1"::equals).hasSize(1);
        assertThat(types).filteredOn("session.started.v1"::equals).hasSize(20);
    }

    @Test
    void r8_fiveHundredParallelFirstSignInsOfDistinctUsersCreateFiveHundredMembers() throws Exception {
        Scenario s = Scenario.withJit("parallel-many", Map.of());
        List<String> responses = IntStream.range(0, 500).parallel()
                .mapToObj(i -> s.signedResponse("user" + i + "@example.com", "Analyst")).toList();

        List<Integer> statuses = postAll(s, responses, 16);

        assertThat(statuses).containsOnly(303);
        long members = pool.preparedQuery("SELECT count(*) AS n FROM member_index WHERE workspace_id = $1 AND origin = 'JIT'")
                .execute(Tuple.of(s.workspaceId)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n");
        assertThat(members).isEqualTo(500);
        assertThat(new EventLog(pool).ofType(s.workspaceId, "user.provisioned.v1")).hasSize(500);
    }

    private static List<Integer> postAll(Scenario s, List<String> responses, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Response>> futures = new ArrayList<>();
            for (String response : responses) {
                futures.add(pool.submit(() -> s.postAcs(response)));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Response> future : futures) {
                statuses.add(future.get().statusCode());
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }
}
