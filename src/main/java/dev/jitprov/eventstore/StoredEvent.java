package dev.jitprov.eventstore;

import java.time.Instant;
import java.util.UUID;

/**
 * An event as committed in the store.
 *
 * @param payload       JSON text of the payload record
 * @param position      global position (monotonic per commit order only within one transaction)
 * @param transactionId id of the writing transaction (xid8 as text); subscriptions order by (transactionId, position)
 */
public record StoredEvent(UUID eventId, String streamId, int version, String type, String workspaceId,
                          String payload, EventMetadata metadata, Instant occurredAt, long position,
                          String transactionId) {
}
