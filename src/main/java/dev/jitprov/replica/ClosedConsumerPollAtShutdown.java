package dev.jitprov.replica;

import io.quarkus.logging.LoggingFilter;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * SmallRye's poll loop can run once more after a stopping replica closed its Kafka consumer and then logs SRMSG18285
 * "Failed to poll … This consumer has already been closed" at WARN (seen about one stop in four under test). Nothing is
 * lost: the consumer left its group and its uncommitted records go to the next owner. Only that message, and only
 * while the replica stops ({@link BackgroundWork}), is dropped; the same message at any other time still shows.
 */
@LoggingFilter(name = "closed-consumer-poll-at-shutdown")
public final class ClosedConsumerPollAtShutdown implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        return !dropped(record, BackgroundWork.stoppingNow());
    }

    static boolean dropped(LogRecord record, boolean stopping) {
        Throwable thrown = record.getThrown();
        return stopping && record.getMessage() != null && record.getMessage().startsWith("SRMSG18285")
                && thrown != null && thrown.getMessage() != null && thrown.getMessage().contains("already been closed");
    }
}
