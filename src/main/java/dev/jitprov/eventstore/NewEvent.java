package dev.jitprov.eventstore;

import java.time.Instant;
import java.util.UUID;

/** An event about to be appended: a registered payload record and its metadata. */
public record NewEvent(UUID eventId, Object payload, EventMetadata metadata, Instant occurredAt) {

    public NewEvent {
        if (payload == null) {
            throw new IllegalArgumentException("an event needs a payload");
        }
    }

    public static NewEvent of(Object payload, EventMetadata metadata, Instant occurredAt) {
        return new NewEvent(UUID.randomUUID(), payload, metadata, occurredAt);
    }
}
