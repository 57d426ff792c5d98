package dev.jitprov.bench;

import dev.jitprov.support.Scenario;
import io.restassured.RestAssured;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Issue 10's crash test, as a program (the service must be a separate process to be killed): starts PostgreSQL,
 * Kafka and SMTP as the one-command local run does ({@link Infrastructure}), runs the packaged service
 * (target/quarkus-app/quarkus-run.jar) as a child process, creates a JIT workspace through the API, posts
 * pre-signed sign-ins with 16 in flight, kills the service with SIGKILL in the middle, restarts it, posts again
 * every sign-in that was not acknowledged, then checks with SQL: every acknowledged sign-in is in the store
 * (user.provisioned exactly once per acknowledged user, at least one session.started per acknowledgement), no
 * member key provisioned twice, no duplicate row in members_view or member_index, and the members projection
 * converges to the store (every event of the workspace processed; one view row per provisioned member).
 *
 * <p>Run: {@code ./mvnw -Plocal -Dlocal.main=dev.jitprov.bench.FaultKill} (packages the service first; options
 * {@code -Dfault.users=1500 -Dfault.killAfter=PT3S}). Prints {@code [fault-kill] PASS} or {@code FAIL: ...} and
 * exits 0 or 1. Also wrapped by scripts/fault-kill.sh.
 */
public final class FaultKill {

    private FaultKill() {
    }

    public static void main(String[] args) throws Exception {
        int users = Integer.getInteger("fault.users", 1500);
        Duration killAfter = Duration.parse(System.getProperty("fault.killAfter", "PT3S"));
        ServiceProcess stack = ServiceProcess.start("fault-kill", List.of("-Xmx512m"));
        boolean passed = false;
        try {
            RestAssured.port = stack.port;
            Scenario scenario = Scenario.withJit("fault-kill-" + UUID.randomUUID().toString().substring(0, 6), Map.of());
            List<String> emails = Responses.emails("kill-" + UUID.randomUUID().toString().substring(0, 6), users);
            List<String> signed = Responses.sign(scenario.idp, scenario.sp(), emails, Duration.ofMinutes(20));
            say("signed %d responses; posting them with 16 in flight, SIGKILL after %s".formatted(users, killAfter));

            SignInLoad load = new SignInLoad("http://localhost:" + stack.port, scenario.workspaceId);
            Process victim = stack.process();
            Thread killer = new Thread(() -> {
                try {
                    Thread.sleep(killAfter.toMillis());
                    say("SIGKILL service pid " + victim.pid());
                    victim.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            killer.start();
            SignInLoad.Result first = load.closedLoop(signed, 16);
            killer.join();
            say("first pass: " + first.summary());

            stack.startService("fault-kill");
            List<Integer> retry = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                if (!first.acknowledgedAt.containsKey(i)) {
                    retry.add(i);
                }
            }
            SignInLoad.Result second = load.closedLoop(retry.stream().map(signed::get).toList(), 16);
            say("after restart, the %d unacknowledged sign-ins again: %s".formatted(retry.size(), second.summary()));
            say("service RSS after the second pass (separate process, -Xmx512m): " + stack.rss());

            Map<String, Integer> acknowledged = new HashMap<>();
            first.acknowledgedAt.keySet().forEach(i -> acknowledged.merge(emails.get(i), 1, Integer::sum));
            second.acknowledgedAt.keySet().forEach(i -> acknowledged.merge(emails.get(retry.get(i)), 1, Integer::sum));
            passed = check(stack, scenario.workspaceId, acknowledged);
        } finally {
            stack.close();
            say("service log: " + stack.log);
            say(passed ? "PASS" : "FAIL");
            Runtime.getRuntime().halt(passed ? 0 : 1); // the in-process Kafka broker must not hold the JVM
        }
    }

    private static boolean check(ServiceProcess stack, String ws, Map<String, Integer> acknowledged) throws Exception {
        try (Connection db = stack.database()) {
            Map<String, Long> provisioned = ReplicaChecks.counts(db, "SELECT payload->>'memberKey', count(*) FROM events WHERE workspace_id = ? "
                    + "AND type = 'user.provisioned.v1' GROUP BY 1", ws);
            Map<String, Long> sessions = ReplicaChecks.counts(db, "SELECT substring(stream_id from length('member-' || ?) + 2), count(*) FROM events "
                    + "WHERE workspace_id = ? AND type = 'session.started.v1' GROUP BY 1", ws, ws);
            List<String> failures = new ArrayList<>();
            acknowledged.forEach((email, acks) -> {
                if (provisioned.getOrDefault(email, 0L) != 1) {
                    failures.add("acknowledged %s provisioned %d times".formatted(email, provisioned.getOrDefault(email, 0L)));
                }
                if (sessions.getOrDefault(email, 0L) < acks) {
                    failures.add("acknowledged %s: %d sessions for %d acknowledgements".formatted(email, sessions.getOrDefault(email, 0L), acks));
                }
            });
            provisioned.forEach((key, n) -> {
                if (n > 1) {
                    failures.add(key + " provisioned " + n + " times");
                }
            });
            Set<String> unacknowledgedButStored = new HashSet<>(provisioned.keySet());
            unacknowledgedButStored.removeAll(acknowledged.keySet());
            long deadline = System.currentTimeMillis() + 120_000;
            long pending;
            do {
                pending = ReplicaChecks.single(db, "SELECT count(*) FROM events e WHERE e.workspace_id = ? AND NOT EXISTS (SELECT 1 FROM processed_events p "
                        + "WHERE p.consumer = 'projection-members' AND p.event_id = e.event_id)", ws);
                Thread.sleep(200);
            } while (pending > 0 && System.currentTimeMillis() < deadline);
            long viewRows = ReplicaChecks.single(db, "SELECT count(*) FROM members_view WHERE workspace_id = ? AND origin <> 'PASSWORD'", ws);
            long viewDuplicates = ReplicaChecks.single(db, "SELECT count(*) FROM (SELECT member_key FROM members_view WHERE workspace_id = ? "
                    + "GROUP BY member_key HAVING count(*) > 1) d", ws);
            long indexDuplicates = ReplicaChecks.single(db, "SELECT count(*) FROM (SELECT member_key FROM member_index WHERE workspace_id = ? "
                    + "GROUP BY member_key HAVING count(*) > 1) d", ws);
            if (pending > 0) {
                failures.add(pending + " events of the workspace not applied by the members projection after 120 s");
            }
            if (viewRows != provisioned.size()) {
                failures.add("members_view has " + viewRows + " SSO members, the store " + provisioned.size());
            }
            if (viewDuplicates + indexDuplicates > 0) {
                failures.add("duplicate member keys: view " + viewDuplicates + ", index " + indexDuplicates);
            }
            say(("store: %d provisioned members (%d acknowledged users, %d committed but never acknowledged: the kill cut the answer); "
                    + "members_view %d rows; projection pending %d").formatted(provisioned.size(), acknowledged.size(),
                    unacknowledgedButStored.size(), viewRows, pending));
            failures.stream().limit(20).forEach(f -> say("FAIL: " + f));
            return failures.isEmpty();
        }
    }

    private static void say(String message) {
        System.out.println("[fault-kill] " + message);
    }
}
