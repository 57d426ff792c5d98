package dev.jitprov.bench;

import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17's read-side benchmark: the Members page's list ({@code GET /api/workspaces/{ws}/members}) with filters,
 * sorting and paging over {@code bench.members} (default 100,000) members of one workspace; p50 and p99 of
 * {@code bench.requests} (default 1,000) requests after a warm-up, against a baseline measured in the same run: the
 * same count and page queries sent straight to PostgreSQL on the service's pool (no HTTP, no mapping). Goal: p99
 * under 30 ms.
 *
 * <p>Run: {@code ./mvnw -Pbench test -Dtest=MembersListBenchmark} ({@code -Dbench.members=100000 -Dbench.requests=1000}).
 */
@QuarkusTest
@Tag("benchmark")
class MembersListBenchmark {

    /** The page's typical asks: filter by role, origin, temporary; search text; sort; a later page. */
    private static final List<String> QUERIES = List.of(
            "role=Manager&origin=JIT&sort=-createdAt&page=1&size=50",
            "query=member-4242&size=50",
            "temporary=true&sort=email&page=20&size=50",
            "origin=INVITE&sort=-lastSignInAt&page=3&size=50",
            "role=Analyst&status=DELETED&size=50",
            "sort=email&page=1000&size=50");

    /** The same asks as SQL: where clause and parameters after (workspace, status), then order. */
    private static final List<String[]> SQL = List.of(
            new String[]{"role = 'Manager' AND origin = 'JIT'", "created_at DESC NULLS LAST", "ACTIVE", "0"},
            new String[]{"(email ILIKE '%member-4242%' OR display_name ILIKE '%member-4242%' OR member_key ILIKE '%member-4242%')", "email ASC NULLS LAST", "ACTIVE", "0"},
            new String[]{"temporary", "email ASC NULLS LAST", "ACTIVE", "950"},
            new String[]{"origin = 'INVITE'", "last_sign_in_at DESC NULLS LAST", "ACTIVE", "100"},
            new String[]{"role = 'Analyst'", "email ASC NULLS LAST", "DELETED", "0"},
            new String[]{"true", "email ASC NULLS LAST", "ACTIVE", "49950"});

    @Inject
    Pool pool;
    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL base;

    @Test
    void membersListAtHundredThousandMembers() throws Exception {
        int members = Integer.getInteger("bench.members", 100_000);
        int requests = Integer.getInteger("bench.requests", 1_000);
        Scenario s = Scenario.newWorkspace("members-bench");
        long seedStart = System.nanoTime();
        pool.preparedQuery("INSERT INTO members_view (workspace_id, member_key, member_id, email, display_name, role, origin, temporary, status, "
                        + "created_at, last_sign_in_at, last_position) "
                        + "SELECT $1, 'member-' || i || '@bench.example', gen_random_uuid(), 'member-' || i || '@bench.example', 'Member ' || i, "
                        + "(ARRAY['Admin','Manager','Marketer','Analyst'])[1 + i % 4], (ARRAY['JIT','INVITE','JIT','SCIM'])[1 + i % 4], i % 5 = 0, "
                        + "CASE WHEN i % 20 = 0 THEN 'DELETED' ELSE 'ACTIVE' END, now() - make_interval(mins => i), "
                        + "CASE WHEN i % 3 = 0 THEN NULL ELSE now() - make_interval(secs => i) END, i FROM generate_series(1, $2) AS i")
                .execute(Tuple.of(s.workspaceId, members)).await().indefinitely();
        pool.query("VACUUM ANALYZE members_view").execute().await().indefinitely();
        Stats.print("seeded %d members in %.1f s".formatted(members, (System.nanoTime() - seedStart) / 1e9));

        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 300; i++) {
            call(http, s, QUERIES.get(i % QUERIES.size()));
            bare(s.workspaceId, SQL.get(i % SQL.size()));
        }
        List<Double> api = new ArrayList<>();
        List<Double> sql = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            api.add(call(http, s, QUERIES.get(i % QUERIES.size())));
            sql.add(bare(s.workspaceId, SQL.get(i % SQL.size())));
        }
        Stats.print("members list, %d members, %d requests: API p50 %.1f ms, p99 %.1f ms; bare SQL (count + page) p50 %.1f ms, p99 %.1f ms; "
                .formatted(members, requests, Stats.percentile(api, 50), Stats.percentile(api, 99), Stats.percentile(sql, 50), Stats.percentile(sql, 99))
                + "ratio of p99 %.2f; goal p99 < 30 ms".formatted(Stats.percentile(api, 99) / Stats.percentile(sql, 99)));
        for (String q : QUERIES) {
            List<Double> one = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                one.add(call(http, s, q));
            }
            Stats.print("  %-55s p50 %.1f ms".formatted(q, Stats.median(one)));
        }
    }

    private double call(HttpClient http, Scenario s, String query) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + "/api/workspaces/" + s.workspaceId + "/members?" + query))
                .header("Authorization", "Bearer " + s.apiToken).GET().build();
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - start) / 1e6;
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return ms;
    }

    private double bare(String ws, String[] q) {
        String where = " FROM members_view WHERE workspace_id = $1 AND status = $2 AND " + q[0];
        long start = System.nanoTime();
        pool.preparedQuery("SELECT count(*)" + where).execute(Tuple.of(ws, q[2])).await().indefinitely();
        pool.preparedQuery("SELECT member_id, member_key, email, display_name, role, origin, temporary, status, created_at, last_sign_in_at"
                + where + " ORDER BY " + q[1] + ", member_key LIMIT 50 OFFSET " + q[3]).execute(Tuple.of(ws, q[2])).await().indefinitely();
        return (System.nanoTime() - start) / 1e6;
    }
}
