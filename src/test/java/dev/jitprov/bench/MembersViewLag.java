package dev.jitprov.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Members view lag as a reader of the view meets it: a JDBC poller reads members_view every 20 ms and notes when each
 * member's row first appears; the lag of a sign-in is that moment minus its 303's acknowledgement.
 */
final class MembersViewLag implements AutoCloseable {

    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread poller;

    /** Starts polling the rows of workspace {@code ws} whose e-mail is {@code LIKE emailPattern}. */
    MembersViewLag(ServiceProcess service, String ws, String emailPattern) {
        poller = new Thread(() -> poll(service, ws, emailPattern), "members-view-poller");
        poller.start();
    }

    /**
     * Waits (at most 120 s) until every acknowledged sign-in's member was seen, stops polling and returns the summary
     * line for {@code result}, whose request {@code i} signed in {@code emails.get(i)}.
     */
    String summary(SignInLoad.Result result, List<String> emails) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (seen.size() < result.acknowledged() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50); // a harness waiting on another process, not a test
        }
        close();
        List<Double> lags = new ArrayList<>();
        result.acknowledgedAt.forEach((index, ackAt) -> {
            Long at = seen.get(emails.get(index));
            lags.add(at == null ? Double.POSITIVE_INFINITY : Math.max(0, at - ackAt));
        });
        return "MEMBERS VIEW LAG (303 to row in members_view, 20 ms polling): p50 %.0f ms p95 %.0f ms p99 %.0f ms max %.0f ms over %d members (%d never seen in 120 s)"
                .formatted(Stats.percentile(lags, 50), Stats.percentile(lags, 95), Stats.percentile(lags, 99), Stats.percentile(lags, 100),
                        lags.size(), lags.stream().filter(d -> d.isInfinite()).count());
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        poller.join();
    }

    private void poll(ServiceProcess service, String ws, String emailPattern) {
        try (Connection db = service.database(); PreparedStatement query = db.prepareStatement(
                "SELECT email FROM members_view WHERE workspace_id = ? AND email LIKE ?")) {
            query.setString(1, ws);
            query.setString(2, emailPattern);
            while (!stop.get()) {
                long now = System.currentTimeMillis();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        seen.putIfAbsent(rows.getString(1), now);
                    }
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
