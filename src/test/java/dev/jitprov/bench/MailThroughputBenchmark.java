package dev.jitprov.bench;

import dev.jitprov.notification.MailSender;
import dev.jitprov.stack.TestStack;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Multi;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21's sender benchmark: admin mails per second from the outbox to the local SMTP server (GreenMail, as in the
 * local run), goal at least 200/s. Each round queues {@code bench.mails} (default 1,000) due new-member summaries
 * (20 members listed, the realistic large mail) and times until all are SENT, three ways in turn:
 *
 * <ul>
 *   <li><b>ours</b>: {@link MailSender#drain()} with the configured batch size and parallelism (batches back to back,
 *       {@code send-concurrency} mails in flight over pooled, kept-alive SMTP connections);</li>
 *   <li><b>previous</b>: the previous release's sender: one batch of 50 per one-second tick, the whole batch handed to
 *       the mailer at once;</li>
 *   <li><b>bare</b>: the same number of already rendered mails sent by the mailer alone, 8 in flight, no database:
 *       what SMTP allows here.</li>
 * </ul>
 * Prints each round and the medians, with the ratios ours/previous and ours/bare. The scheduled sender is off in this
 * profile so only the harness sends.
 *
 * <p>Run: {@code ./mvnw -Pbench test -Dtest=MailThroughputBenchmark} ({@code -Dbench.mails=1000 -Dbench.rounds=5}).
 */
@QuarkusTest
@TestProfile(MailThroughputBenchmark.SenderIdle.class)
@Tag("benchmark")
class MailThroughputBenchmark {

    public static class SenderIdle implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jit.notification.enabled", "false");
        }
    }

    @Inject
    Pool pool;
    @Inject
    MailSender sender;
    @Inject
    ReactiveMailer mailer;

    @Test
    void mailsPerSecondToTheLocalSmtpServer() throws Exception {
        int mails = Integer.getInteger("bench.mails", 1_000);
        int rounds = Integer.getInteger("bench.rounds", 5);
        List<Double> ours = new ArrayList<>();
        List<Double> previous = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        // warm-up: templates, connections, JIT
        timed(mails / 2, () -> sender.drain().await().indefinitely());
        for (int round = 1; round <= rounds; round++) {
            double o = timed(mails, () -> sender.drain().await().indefinitely());
            double p = timed(mails, this::previousRelease);
            double b = bare(mails);
            ours.add(o);
            previous.add(p);
            bare.add(b);
            Stats.print("round %d: ours %.0f mails/s, previous release %.0f/s, bare mailer %.0f/s".formatted(round, o, p, b));
        }
        double o = Stats.median(ours);
        double p = Stats.median(previous);
        double b = Stats.median(bare);
        Stats.print("median of %d rounds of %d mails: ours %.0f mails/s, previous release %.0f/s (ratio %.1f), bare mailer %.0f/s (ratio %.2f); goal >= 200/s"
                .formatted(rounds, mails, o, p, o / p, b, o / b));
        assertThat(TestStack.smtp().getReceivedMessages()).isNotEmpty();
    }

    /** Queues {@code mails} due summaries, runs {@code send} until they are all SENT; mails per second. */
    private double timed(int mails, Supplier<?> send) {
        String ws = "mail-bench-" + UUID.randomUUID().toString().substring(0, 8);
        JsonArray members = new JsonArray();
        for (int i = 0; i < 20; i++) {
            members.add(new JsonObject().put("email", "member-" + i + "@bench.example").put("role", "Analyst").put("temporary", false)
                    .put("at", "2026-12-01T08:00:00Z"));
        }
        JsonObject params = new JsonObject().put("workspace", ws).put("count", 120).put("members", members);
        pool.preparedQuery("INSERT INTO notification_outbox (event_id, recipient, workspace_id, kind, params, status, priority, next_attempt_at, created_at) "
                        + "SELECT gen_random_uuid(), 'admin-' || i || '@bench.example', $1, 'MEMBER_BATCH', $2, 'PENDING', 1, now() - interval '1 minute', now() "
                        + "FROM generate_series(1, $3) AS i")
                .execute(Tuple.of(ws, params, mails)).await().indefinitely();
        long start = System.nanoTime();
        while (pending(ws) > 0) {
            send.get();
        }
        return mails / ((System.nanoTime() - start) / 1e9);
    }

    /** The previous release: a batch of 50 per tick of one second, all of it handed to the mailer at once. */
    private Object previousRelease() {
        long tickStart = System.nanoTime();
        sender.sendBatch(50, 50).await().indefinitely();
        long left = 1_000_000_000L - (System.nanoTime() - tickStart);
        if (left > 0) {
            try {
                Thread.sleep(left / 1_000_000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return null;
    }

    private double bare(int mails) {
        String body = "x".repeat(2_000);
        long start = System.nanoTime();
        Multi.createFrom().range(0, mails)
                .onItem().transformToUni(i -> mailer.send(Mail.withText("bare-" + i + "@bench.example", "bare " + i, body)))
                .merge(8)
                .collect().last().await().indefinitely();
        return mails / ((System.nanoTime() - start) / 1e9);
    }

    private long pending(String ws) {
        return pool.preparedQuery("SELECT count(*) AS n FROM notification_outbox WHERE workspace_id = $1 AND status <> 'SENT'")
                .execute(Tuple.of(ws)).await().indefinitely().iterator().next().getLong("n");
    }
}
