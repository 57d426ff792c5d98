package dev.jitprov.replica;

import io.quarkus.logging.LoggingFilter;
import org.apache.kafka.common.errors.WakeupException;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * SmallRye's poll loop can run once more after a stopping replica closed its Kafka consumer and then logs SRMSG18285
 * "Failed to poll … This consumer has already been closed" at WARN (seen about one stop in four under test); and a
 * commit in flight when SmallRye wakes the consumer up to close it fails with SRMSG18252 "Failed to commit … it will be
 * re-attempted" and a {@link WakeupException} (seen once in ReplicaRacesIT). Nothing is lost either way: the consumer
 * left its group and its uncommitted records go to the next owner, which skips what was applied (processed_events).
 * Only these two, and only while the replica stops ({@link BackgroundWork}), are dropped; at any other time they show.
 *
 * <p>Being the console's one filter, it also lowers SmallRye's start-up warning about consumers of channels the
 * replica's roles switch off to INFO ({@link ChannelsOffByRole}).
 */
@LoggingFilter(name = "closed-consumer-poll-at-shutdown")
public final class ClosedConsumerPollAtShutdown implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        ChannelsOffByRole.lowerIfExpected(record);
        return !dropped(record, BackgroundWork.stoppingNow());
    }

    static boolean dropped(LogRecord record, boolean stopping) {
        Throwable thrown = record.getThrown();
        if (!stopping || record.getMessage() == null || thrown == null) {
            return false;
        }
        return record.getMessage().startsWith("SRMSG18285") && thrown.getMessage() != null && thrown.getMessage().contains("already been closed")
                || record.getMessage().startsWith("SRMSG18252") && thrown instanceof WakeupException;
    }
}
