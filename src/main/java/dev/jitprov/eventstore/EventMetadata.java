package dev.jitprov.eventstore;

/**
 * Who and what caused an event. Stored beside the payload and carried on the Kafka envelope.
 *
 * @param workspaceId   tenant the event belongs to (also the partitioning prefix of its stream)
 * @param actor         who caused it, e.g. {@code idp:https://idp.example.com}, {@code admin:alice@example.com}, {@code system:expiry}
 * @param correlationId the request or job that led to it (shared by all events of one sign-in)
 * @param causationId   the event or command it reacts to, if any
 */
public record EventMetadata(String workspaceId, String actor, String correlationId, String causationId) {

    public EventMetadata {
        if (workspaceId == null || workspaceId.isBlank()) {
            throw new IllegalArgumentException("event metadata needs a workspace id");
        }
    }
}
