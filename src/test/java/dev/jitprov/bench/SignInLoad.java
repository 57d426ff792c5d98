package dev.jitprov.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP client side of the sign-in load: posts pre-signed responses to the ACS as a browser would
 * (form-encoded SAMLResponse + RelayState, no redirect following) and records, per request, its latency and its
 * outcome: {@code 303} for a sign-in, else {@code <status> <code>} with the code read from the problem+json body
 * (the client asks for JSON). Closed loop: a fixed number of requests in flight. Open loop: one request every
 * 1/rate s whatever the answers, latency measured from the intended send time (no coordinated omission).
 */
final class SignInLoad {

    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]+)\"");

    /** What one phase measured. */
    static final class Result {
        final ConcurrentLinkedQueue<Double> latenciesMs = new ConcurrentLinkedQueue<>();
        final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        /** Acknowledgement time (System.currentTimeMillis) of each 303, by index in the phase's list. */
        final Map<Integer, Long> acknowledgedAt = new ConcurrentHashMap<>();
        final AtomicInteger clientSaturated = new AtomicInteger();
        double seconds;
        int sent;

        double throughput() {
            return sent / seconds;
        }

        long acknowledged() {
            LongAdder ok = outcomes.get("303");
            return ok == null ? 0 : ok.sum();
        }

        String summary() {
            List<Double> l = List.copyOf(latenciesMs);
            return "%d requests in %.2f s = %.0f/s; latency p50 %.1f ms p95 %.1f ms p99 %.1f ms max %.1f ms; outcomes %s%s".formatted(
                    sent, seconds, throughput(), Stats.percentile(l, 50), Stats.percentile(l, 95), Stats.percentile(l, 99),
                    Stats.percentile(l, 100), new java.util.TreeMap<>(outcomes),
                    clientSaturated.get() > 0 ? "; client in-flight cap hit " + clientSaturated.get() + " times" : "");
        }
    }

    private final HttpClient http;
    private final URI acs;

    SignInLoad(String baseUrl, String workspaceId) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4, r -> {
                    Thread t = new Thread(r, "load-client");
                    t.setDaemon(true);
                    return t;
                }))
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        this.acs = URI.create(baseUrl + "/saml/" + workspaceId + "/acs");
    }

    CompletableFuture<String> post(String samlResponse) {
        String form = "SAMLResponse=" + URLEncoder.encode(samlResponse, StandardCharsets.UTF_8) + "&RelayState=%2Fconsole";
        HttpRequest request = HttpRequest.newBuilder(acs).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            if (error != null) {
                return "client " + rootCause(error).getClass().getSimpleName();
            }
            if (response.statusCode() == 303) {
                return "303";
            }
            Matcher m = CODE.matcher(response.body());
            return response.statusCode() + " " + (m.find() ? m.group(1) : "(no code)");
        });
    }

    /** Closed loop: {@code inFlight} requests at a time until every response was posted. */
    Result closedLoop(List<String> responses, int inFlight) throws InterruptedException {
        Result result = new Result();
        Semaphore slots = new Semaphore(inFlight);
        long start = System.nanoTime();
        for (int i = 0; i < responses.size(); i++) {
            slots.acquire();
            int index = i;
            long sentAt = System.nanoTime();
            post(responses.get(i)).whenComplete((outcome, e) -> {
                record(result, index, outcome, sentAt);
                slots.release();
            });
        }
        slots.acquire(inFlight);
        result.seconds = (System.nanoTime() - start) / 1e9;
        result.sent = responses.size();
        return result;
    }

    /** Open loop at {@code perSecond}; at most {@code maxInFlight} outstanding (beyond that the client waits, and says so). */
    Result openLoop(List<String> responses, double perSecond, int maxInFlight) throws InterruptedException {
        Result result = new Result();
        Semaphore slots = new Semaphore(maxInFlight);
        long start = System.nanoTime();
        for (int i = 0; i < responses.size(); i++) {
            long intended = start + (long) (i * 1e9 / perSecond);
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            if (!slots.tryAcquire()) {
                result.clientSaturated.incrementAndGet();
                slots.acquire();
            }
            int index = i;
            post(responses.get(i)).whenComplete((outcome, e) -> {
                record(result, index, outcome, intended);
                slots.release();
            });
        }
        slots.acquire(maxInFlight);
        result.seconds = (System.nanoTime() - start) / 1e9;
        result.sent = responses.size();
        return result;
    }

    private static void record(Result result, int index, String outcome, long from) {
        result.latenciesMs.add((System.nanoTime() - from) / 1e6);
        result.outcomes.computeIfAbsent(outcome == null ? "client error" : outcome, k -> new LongAdder()).increment();
        if ("303".equals(outcome)) {
            result.acknowledgedAt.put(index, System.currentTimeMillis());
        }
    }

    private static Throwable rootCause(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        return e;
    }
}
