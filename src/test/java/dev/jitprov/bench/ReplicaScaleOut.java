package dev.jitprov.bench;

import dev.jitprov.support.Scenario;
import io.restassured.RestAssured;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 22's scale-out figure: first sign-ins per second through 1, 2 and 3 API replicas ({@code jit.roles=api}, no
 * consumers) beside one background replica (relay, projector, notifier, expirer), all on this 2-core machine with
 * PostgreSQL, Kafka and SMTP; closed loop, 16 in flight, spread round-robin over the API replicas; the same run's
 * one-replica figure is the baseline of the ratios. Also prints the PostgreSQL connections each replica holds
 * (pg_stat_activity by application_name). On 2 cores the curve shows contention, not capacity: every replica
 * competes for the same cores with PostgreSQL and Kafka. Run: {@code REPLICAS_MODE=scale scripts/replicas.sh}.
 */
final class ReplicaScaleOut {

    private ReplicaScaleOut() {
    }

    public static void main(String[] args) throws Exception {
        int perStep = Integer.getInteger("replicas.scale-sign-ins", 1000);
        int rounds = Integer.getInteger("replicas.scale-rounds", 2);
        boolean passed = false;
        ServiceProcess stack = ServiceProcess.infrastructure("scale", List.of());
        List<ServiceProcess> started = new ArrayList<>();
        try {
            List<String> background = ServiceProcess.imageOptions("256m", "20");
            background.add("-Djit.roles=relay,projector,notifier,expirer");
            ServiceProcess worker = stack.replica("background", background);
            started.add(worker);
            worker.startService("background");
            List<ServiceProcess> apis = new ArrayList<>();
            RestAssured.port = worker.port;
            Scenario scenario = Scenario.withJit("scale-" + UUID.randomUUID().toString().substring(0, 6), Map.of());
            double baseline = Double.NaN;
            for (int n = 1; n <= 3; n++) {
                ServiceProcess api = stack.replica("api-" + n, apiOptions());
                started.add(api);
                api.startService("api-" + n);
                apis.add(api);
                List<Double> rates = new ArrayList<>();
                for (int round = 0; round <= rounds; round++) { // round 0 warms the new replica up
                    List<String> signed = Responses.sign(scenario.idp, scenario.sp(),
                            Responses.emails("scale-" + n + "-" + round + "-" + UUID.randomUUID().toString().substring(0, 4), perStep),
                            Duration.ofMinutes(30));
                    double rate = closedLoop(apis, scenario.workspaceId, signed, 16);
                    if (round > 0) {
                        rates.add(rate);
                    }
                }
                double median = Stats.median(rates);
                if (n == 1) {
                    baseline = median;
                }
                Stats.print("API replicas %d: %.0f first sign-ins/s (median of %d rounds %s) = %.2f x one replica; PostgreSQL connections %s"
                        .formatted(n, median, rounds, rates.stream().map(r -> String.valueOf(Math.round(r))).toList(), median / baseline,
                                connections(stack)));
            }
            passed = true;
        } catch (Throwable e) {
            e.printStackTrace();
        } finally {
            for (ServiceProcess replica : started) {
                replica.close();
            }
            stack.close();
            Stats.print(passed ? "DONE" : "FAILED");
            Runtime.getRuntime().halt(passed ? 0 : 1);
        }
    }

    /** An API-only replica: no relay loop, no consumer, no scheduled background job. */
    private static List<String> apiOptions() {
        List<String> options = ServiceProcess.imageOptions("256m", "20");
        options.add("-Djit.roles=api");
        for (String channel : ReplicaHarness.CHANNELS) {
            options.add("-Dmp.messaging.incoming." + channel + ".enabled=false");
        }
        return options;
    }

    private static double closedLoop(List<ServiceProcess> apis, String ws, List<String> signed, int inFlight) throws InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        AtomicInteger accepted = new AtomicInteger();
        long start = System.nanoTime();
        for (int i = 0; i < signed.size(); i++) {
            slots.acquire();
            ReplicaChecks.postAcs(apis.get(i % apis.size()).port, ws, signed.get(i)).whenComplete((outcome, e) -> {
                if ("303".equals(outcome)) {
                    accepted.incrementAndGet();
                }
                slots.release();
            });
        }
        slots.acquire(inFlight);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (accepted.get() != signed.size()) {
            throw new IllegalStateException((signed.size() - accepted.get()) + " sign-ins refused or failed");
        }
        return signed.size() / seconds;
    }

    private static Map<String, Long> connections(ServiceProcess stack) throws Exception {
        try (Connection db = stack.database()) {
            return new TreeMap<>(ReplicaChecks.counts(db, "SELECT application_name, count(*) FROM pg_stat_activity "
                    + "WHERE backend_type = 'client backend' AND application_name <> ? GROUP BY 1", "PostgreSQL JDBC Driver"));
        }
    }
}
