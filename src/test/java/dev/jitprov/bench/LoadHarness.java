package dev.jitprov.bench;

import dev.jitprov.saml.TestIdp;
import dev.jitprov.support.Scenario;
import io.restassured.RestAssured;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Issue 10's load harness: the whole sign-in path of a running service, measured from outside its process.
 *
 * <p>Starts PostgreSQL, Kafka and SMTP in this JVM and the packaged service as a child process
 * ({@link ServiceProcess}, heap {@code -Dload.heap}), creates a JIT workspace through the API and pre-signs every
 * response (distinct users, plus repeated sign-ins of existing users), then:
 * <ol>
 *   <li>warm-up for {@code load.warmup}: the bare OpenSAML loop and HTTP sign-ins, alternating;</li>
 *   <li>the bare OpenSAML rate on 1 and 2 threads in this JVM (parse, unmarshal, both signatures verified; median
 *       of 3) while the service is idle: the baseline;</li>
 *   <li>closed loop: {@code load.users} new users then {@code load.repeats} repeated sign-ins, {@code load.concurrency}
 *       in flight; throughput, latency percentiles, outcomes by status and problem code, ratio to the baseline;</li>
 *   <li>open loop: {@code load.open} new users at {@code load.rate}/s (latency from the intended send time), while a
 *       JDBC poller reads members_view every 20 ms: view lag from each 303 to the member's row;</li>
 *   <li>the service's RSS (VmRSS, VmHWM from /proc), and the invariants: every acknowledged user provisioned once,
 *       nobody twice.</li>
 * </ol>
 * The client (HTTP, base64 of 7 KB bodies, latency bookkeeping) still shares the 2 cores with the service,
 * PostgreSQL and Kafka: the figures are a floor for the service alone.
 *
 * <p>Run: {@code scripts/load.sh} (packages the service, then runs this main; options as system properties, see the
 * script).
 */
public final class LoadHarness {

    private LoadHarness() {
    }

    public static void main(String[] args) throws Exception {
        int users = Integer.getInteger("load.users", 3000);
        int repeats = Integer.getInteger("load.repeats", 1000);
        int concurrency = Integer.getInteger("load.concurrency", 16);
        int rate = Integer.getInteger("load.rate", 500);
        int open = Integer.getInteger("load.open", 5000);
        Duration warmUp = Duration.parse(System.getProperty("load.warmup", "PT40S"));
        String heap = System.getProperty("load.heap", "192m");
        List<String> serviceArgs = ServiceProcess.imageOptions(heap, System.getProperty("load.pool", "20"));
        // The warm-up posts the same 600 responses again and again: replays, refused after their signature verified and
        // counted against the one address of this client (G10), which would then be turned away with 429 for a minute.
        serviceArgs.add("-Djit.saml.unverified.max-per-address=1000000");
        String extra = System.getProperty("load.serviceArgs", "");
        if (!extra.isBlank()) {
            serviceArgs.addAll(List.of(extra.trim().split("\\s+"))); // e.g. a JFR recording while tuning
        }
        boolean passed = false;
        try (ServiceProcess service = ServiceProcess.start("load", serviceArgs)) {
            RestAssured.port = service.port;
            Stats.print("service options: " + serviceArgs);
            Scenario scenario = Scenario.withJit("load-" + UUID.randomUUID().toString().substring(0, 6), Map.of());
            TestIdp idp = scenario.idp;
            String run = UUID.randomUUID().toString().substring(0, 6);
            long signStart = System.nanoTime();
            List<String> warm = Responses.sign(idp, scenario.sp(), Responses.emails("warm-" + run, 600), Duration.ofMinutes(30));
            List<String> bareSet = warm.subList(0, 300);
            List<String> newUsers = Responses.emails("new-" + run, users);
            List<String> closed = new ArrayList<>(Responses.sign(idp, scenario.sp(), newUsers, Duration.ofMinutes(30)));
            closed.addAll(Responses.sign(idp, scenario.sp(), newUsers.subList(0, Math.min(repeats, users)), Duration.ofMinutes(30)));
            List<String> openEmails = Responses.emails("open-" + run, open);
            List<String> openLoop = Responses.sign(idp, scenario.sp(), openEmails, Duration.ofMinutes(30));
            Stats.print("signed %d responses (%d bytes of XML each) in %.0f s".formatted(warm.size() + closed.size() + openLoop.size(),
                    Responses.xmlBytes(closed.get(0)), (System.nanoTime() - signStart) / 1e9));
            Stats.print("service RSS at start: " + service.rss());

            SignInLoad load = new SignInLoad("http://localhost:" + service.port, scenario.workspaceId);
            BareOpenSaml bare = new BareOpenSaml(idp.credentials().certificate());
            long warmUntil = System.nanoTime() + warmUp.toNanos();
            int cycles = 0;
            do {
                BareOpenSaml.rate(bareSet, 2, bare::validate);
                SignInLoad.Result w = load.closedLoop(warm, concurrency);
                if (cycles == 0) {
                    Stats.print("warm-up first HTTP pass: " + w.summary());
                }
                cycles++;
            } while (System.nanoTime() < warmUntil);
            awaitQuiet(service, scenario.workspaceId);
            Stats.print("warm-up: %d cycles in %s; service RSS %s".formatted(cycles, warmUp, service.rss()));

            List<Double> bare1 = new ArrayList<>();
            List<Double> bare2 = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                bare1.add(BareOpenSaml.rate(bareSet, 1, bare::validate));
                bare2.add(BareOpenSaml.rate(bareSet, 2, bare::validate));
            }
            double bareOne = Stats.median(bare1);
            double bareTwo = Stats.median(bare2);
            Stats.print("BASELINE bare OpenSAML (parse + unmarshal + 2 signature verifications), service idle: %.0f/s on 1 thread, %.0f/s on 2 threads (medians of 3)"
                    .formatted(bareOne, bareTwo));

            SignInLoad.Result closedResult = load.closedLoop(closed, concurrency);
            Stats.print("CLOSED LOOP (%d new users + %d repeated sign-ins, %d in flight): %s".formatted(users, closed.size() - users,
                    concurrency, closedResult.summary()));
            Stats.print("RATIO full sign-in %.0f/s vs bare OpenSAML %.0f/s (1 thread) = %.2f, vs %.0f/s (2 threads) = %.2f (goals: >= 0.60 and >= 1,000/s)"
                    .formatted(closedResult.throughput(), bareOne, closedResult.throughput() / bareOne, bareTwo, closedResult.throughput() / bareTwo));
            awaitQuiet(service, scenario.workspaceId);
            Stats.print("service RSS after the closed loop: " + service.rss());

            MembersViewLag viewLag = new MembersViewLag(service, scenario.workspaceId, "open-" + run + "-%");
            SignInLoad.Result openResult = load.openLoop(openLoop, rate, 512);
            Stats.print("OPEN LOOP (%d new users at %d/s): %s".formatted(open, rate, openResult.summary()));
            Stats.print(viewLag.summary(openResult, openEmails));
            Stats.print("SERVICE RSS after the load (separate process, -Xmx%s): %s (goal < 400 MB)".formatted(heap, service.rss()));

            Set<String> acknowledgedUsers = new HashSet<>();
            closedResult.acknowledgedAt.keySet().forEach(i -> acknowledgedUsers.add(newUsers.get(i % users)));
            openResult.acknowledgedAt.keySet().forEach(i -> acknowledgedUsers.add(openEmails.get(i)));
            Map<String, Long> provisioned = provisioned(service, scenario.workspaceId);
            long duplicates = provisioned.values().stream().filter(n -> n > 1).count();
            long missing = acknowledgedUsers.stream().filter(u -> !provisioned.containsKey(u)).count();
            Stats.print("INVARIANTS: %d users provisioned, %d acknowledged users of the timed phases, %d provisioned twice, %d acknowledged but missing"
                    .formatted(provisioned.size(), acknowledgedUsers.size(), duplicates, missing));
            passed = duplicates == 0 && missing == 0 && closedResult.acknowledged() > 0 && openResult.acknowledged() > 0;
        } catch (Throwable failure) {
            failure.printStackTrace();
        } finally {
            Stats.print(passed ? "DONE (invariants hold)" : "FAILED");
            Runtime.getRuntime().halt(passed ? 0 : 1); // the in-process Kafka broker must not hold the JVM
        }
    }

    /** Waits until the members projection has applied every event of the workspace (phases start from a quiet service). */
    private static void awaitQuiet(ServiceProcess service, String ws) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        try (Connection db = service.database(); PreparedStatement pending = db.prepareStatement(
                "SELECT count(*) FROM events e WHERE e.workspace_id = ? AND NOT EXISTS (SELECT 1 FROM processed_events p "
                        + "WHERE p.consumer = 'projection-members' AND p.event_id = e.event_id)")) {
            pending.setString(1, ws);
            while (System.currentTimeMillis() < deadline) {
                try (ResultSet rows = pending.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(200);
            }
        }
        Stats.print("(the members projection had not caught up after 180 s; going on)");
    }

    private static Map<String, Long> provisioned(ServiceProcess service, String ws) throws Exception {
        Map<String, Long> provisioned = new HashMap<>();
        try (Connection db = service.database(); PreparedStatement query = db.prepareStatement(
                "SELECT payload->>'memberKey', count(*) FROM events WHERE workspace_id = ? AND type = 'user.provisioned.v1' GROUP BY 1")) {
            query.setString(1, ws);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    provisioned.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return provisioned;
    }
}
