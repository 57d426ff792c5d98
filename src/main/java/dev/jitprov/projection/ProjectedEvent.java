package dev.jitprov.projection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.CloudEventEnvelope;
import dev.jitprov.eventstore.StoredEvent;

import java.time.Instant;
import java.util.UUID;

/**
 * An event as a projection sees it, whether it came from Kafka (live) or from the store (rebuild): both paths
 * build the same value, so a projection cannot tell them apart and a rebuild gives the same rows.
 *
 * @param actor metadata actor ({@code idp:<entity>}, {@code admin:<key>}…), nullable
 */
public record ProjectedEvent(UUID eventId, String type, String streamId, String workspaceId, long position,
                             Instant occurredAt, String actor, JsonNode data) {

    public static ProjectedEvent of(CloudEventEnvelope envelope) {
        return new ProjectedEvent(envelope.id(), envelope.type(), envelope.subject(), envelope.workspace(),
                envelope.position(), envelope.time(), envelope.actor(), envelope.data());
    }

    public static ProjectedEvent of(ObjectMapper json, StoredEvent event) {
        try {
            return new ProjectedEvent(event.eventId(), event.type(), event.streamId(), event.workspaceId(),
                    event.position(), event.occurredAt(), event.metadata().actor(), json.readTree(event.payload()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("payload of event " + event.eventId() + " is not JSON", e);
        }
    }

    /** The member key of a {@code member-<ws>/<key>} stream, else null. */
    public String memberKey() {
        return dev.jitprov.provisioning.MemberKeys.keyOf(workspaceId, streamId);
    }
}
