package dev.jitprov.replica;

import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 22: a stopping replica logs nothing at WARN; only SmallRye's poll of a consumer it just closed, and a commit its
 * close woke up, are dropped.
 */
class ClosedConsumerPollAtShutdownTest {

    private static LogRecord record(String message, Throwable thrown) {
        LogRecord record = new LogRecord(Level.WARNING, message);
        record.setThrown(thrown);
        return record;
    }

    @Test
    void thePollOfAClosedConsumerIsDroppedOnlyWhileTheReplicaStops() {
        LogRecord closed = record("SRMSG18285: Failed to poll consumer client `%s` for channel `%s`, it will be re-attempted",
                new IllegalStateException("This consumer has already been closed."));

        assertThat(ClosedConsumerPollAtShutdown.dropped(closed, true)).isTrue();
        assertThat(ClosedConsumerPollAtShutdown.dropped(closed, false)).isFalse();
    }

    @Test
    void aCommitWokenUpByTheConsumersCloseIsDroppedOnlyWhileTheReplicaStops() {
        LogRecord woken = record("SRMSG18252: Failed to commit %s, it will be re-attempted", new WakeupException());

        assertThat(ClosedConsumerPollAtShutdown.dropped(woken, true)).isTrue();
        assertThat(ClosedConsumerPollAtShutdown.dropped(woken, false)).isFalse();
    }

    @Test
    void anyOtherPollFailureOrWarningStillShowsWhileStopping() {
        assertThat(ClosedConsumerPollAtShutdown.dropped(record("SRMSG18285: Failed to poll", new IllegalStateException("broker gone")), true))
                .isFalse();
        assertThat(ClosedConsumerPollAtShutdown.dropped(record("SRMSG18252: Failed to commit", new IllegalStateException("already been closed")), true))
                .isFalse();
        assertThat(ClosedConsumerPollAtShutdown.dropped(record("SRMSG18285: Failed to poll", null), true)).isFalse();
        assertThat(ClosedConsumerPollAtShutdown.dropped(record("SRMSG18252: Failed to commit", new org.apache.kafka.common.errors.TimeoutException("broker gone")), true))
                .isFalse();
    }
}
