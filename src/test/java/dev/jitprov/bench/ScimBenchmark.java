package dev.jitprov.bench;

import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Issue 18's SCIM benchmark: {@code bench.users} (default 10,000) users created through {@code POST /Users} at
 * concurrency {@code bench.concurrency} (8), then as many {@code GET /Users?filter=userName eq "…"} lookups. Baselines
 * measured in the same run: the same number of members invited through the Members API ({@code POST …/members}, the
 * other way a member is created by an outside client) at the same concurrency, and the lookup's SQL sent straight to
 * PostgreSQL on the service's pool. Goal on this machine: at least 300 creates/s, lookup p99 under 20 ms.
 *
 * <p>Run: {@code ./mvnw -Pbench test -Dtest=ScimBenchmark} ({@code -Dbench.users=10000 -Dbench.concurrency=8}).
 */
@QuarkusTest
@Tag("benchmark")
class ScimBenchmark {

    @Inject
    Pool pool;
    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL base;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void scimCreatesAndLookups() throws Exception {
        int users = Integer.getInteger("bench.users", 10_000);
        int concurrency = Integer.getInteger("bench.concurrency", 8);
        Scenario s = Scenario.withSso("scim-bench");
        Map<String, Object> scimOn = new HashMap<>(Map.of("method", "SCIM", "defaultRole", "Analyst"));
        s.admin().body(scimOn).put("/api/workspaces/" + s.workspaceId + "/provisioning").then().statusCode(200);
        String token = s.admin().post("/api/workspaces/" + s.workspaceId + "/provisioning/scim-token").then().statusCode(201)
                .extract().path("token");
        String root = base.toString().replaceAll("/$", "");
        String scim = root + "/scim/v2/" + s.workspaceId;

        // warm-up: 300 of each
        run(300, concurrency, i -> post(scim + "/Users", token, "application/scim+json", user("warm-" + i + "@bench.test")));
        run(300, concurrency, i -> post(root + "/api/workspaces/" + s.workspaceId + "/members", s.apiToken, "application/json",
                "{\"email\":\"warm-invite-" + i + "@bench.test\",\"role\":\"Analyst\"}"));

        double inviteSeconds = timed(() -> run(users, concurrency, i -> post(root + "/api/workspaces/" + s.workspaceId + "/members",
                s.apiToken, "application/json", "{\"email\":\"invite-" + i + "@bench.test\",\"role\":\"Analyst\"}")));
        double scimSeconds = timed(() -> run(users, concurrency, i -> post(scim + "/Users", token, "application/scim+json",
                user("user-" + i + "@bench.test"))));

        List<Double> lookups = Collections.synchronizedList(new ArrayList<>());
        run(users, concurrency, i -> {
            String filter = URLEncoder.encode("userName eq \"user-" + ((i * 7919) % users) + "@bench.test\"", StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            int status = get(scim + "/Users?filter=" + filter, token);
            lookups.add((System.nanoTime() - t0) / 1e6);
            return status;
        });
        List<Double> bare = Collections.synchronizedList(new ArrayList<>());
        run(users, concurrency, i -> {
            long t0 = System.nanoTime();
            pool.preparedQuery("SELECT m.member_id, m.member_key, m.email, m.display_name, m.role, m.deactivated, m.scim::text, m.created_at, "
                            + "m.updated_at FROM member_index m WHERE m.workspace_id = $1 AND m.member_key = $2 ORDER BY m.created_at LIMIT 100")
                    .execute(Tuple.of(s.workspaceId, "user-" + ((i * 7919) % users) + "@bench.test")).await().indefinitely();
            bare.add((System.nanoTime() - t0) / 1e6);
            return 200;
        });

        double scimRate = users / scimSeconds;
        double inviteRate = users / inviteSeconds;
        Stats.print(String.format("SCIM POST /Users: %d users at concurrency %d in %.1f s: %.0f users/s (goal >= 300); "
                + "Members API invites, same run: %.0f/s; ratio %.2f", users, concurrency, scimSeconds, scimRate, inviteRate, scimRate / inviteRate));
        Stats.print(String.format("SCIM GET /Users?filter=userName eq: %d lookups: p50 %.1f ms, p99 %.1f ms (goal < 20 ms); "
                        + "bare SQL of the same lookup on the service's pool: p50 %.1f ms, p99 %.1f ms; ratio of p99 %.2f", users,
                Stats.percentile(lookups, 50), Stats.percentile(lookups, 99), Stats.percentile(bare, 50), Stats.percentile(bare, 99),
                Stats.percentile(lookups, 99) / Stats.percentile(bare, 99)));
    }

    private static String user(String userName) {
        return "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"" + userName + "\",\"externalId\":\"ext-"
                + userName + "\",\"name\":{\"givenName\":\"Bench\",\"familyName\":\"User\"},\"emails\":[{\"value\":\"" + userName
                + "\",\"type\":\"work\",\"primary\":true}],\"active\":true}";
    }

    private int post(String url, String token, String type, String body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException(url + " -> " + response.statusCode() + " " + response.body());
            }
            return response.statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int get(String url, String token) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || !response.body().contains("\"totalResults\":1")) {
                throw new IllegalStateException(url + " -> " + response.statusCode() + " " + response.body());
            }
            return response.statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(int n, int concurrency, IntFunction<Integer> task) {
        ExecutorService executor = Executors.newFixedThreadPool(concurrency);
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(executor.submit(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    task.apply(i);
                }
            }));
        }
        try {
            for (Future<?> f : workers) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            executor.shutdownNow();
        }
    }

    private static double timed(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e9;
    }
}
