package dev.jitprov.eventstore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The CloudEvents 1.0 structured JSON envelope of an event on Kafka (docs/events.md). Extension attributes carry
 * what a consumer needs to dedupe and order: the stream version and the store position.
 */
public record CloudEventEnvelope(UUID id, String type, String source, String subject, Instant time,
                                 String workspace, int streamVersion, long position, String actor,
                                 String correlationId, String causationId, JsonNode data) {

    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

    public static String toJson(ObjectMapper json, StoredEvent event, String sourceBase) {
        ObjectNode node = json.createObjectNode();
        node.put("specversion", "1.0");
        node.put("id", event.eventId().toString());
        node.put("type", event.type());
        node.put("source", sourceBase + "/workspaces/" + event.workspaceId());
        node.put("subject", event.streamId());
        node.put("time", DateTimeFormatter.ISO_INSTANT.format(event.occurredAt()));
        node.put("datacontenttype", "application/json");
        node.put("dataschema", "urn:jit-provisioning:schema:" + event.type());
        node.put("workspace", event.workspaceId());
        node.put("streamversion", event.version());
        node.put("position", event.position());
        putIfPresent(node, "actor", event.metadata().actor());
        putIfPresent(node, "correlationid", event.metadata().correlationId());
        putIfPresent(node, "causationid", event.metadata().causationId());
        try {
            node.set("data", json.readTree(event.payload()));
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored payload of event " + event.eventId() + " is not JSON", e);
        }
    }

    public static CloudEventEnvelope parse(ObjectMapper json, String text) {
        try {
            JsonNode node = json.readTree(text);
            if (!"1.0".equals(node.path("specversion").asText())) {
                throw new IllegalArgumentException("not a CloudEvents 1.0 envelope");
            }
            return new CloudEventEnvelope(
                    UUID.fromString(node.path("id").asText()),
                    node.path("type").asText(),
                    node.path("source").asText(),
                    node.path("subject").asText(),
                    Instant.parse(node.path("time").asText()),
                    node.path("workspace").asText(),
                    node.path("streamversion").asInt(),
                    node.path("position").asLong(),
                    textOrNull(node, "actor"),
                    textOrNull(node, "correlationid"),
                    textOrNull(node, "causationid"),
                    node.path("data"));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("record value is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * A Kafka poll's records, parsed once for every consumer of the poll. A record that is not an envelope is handed
     * to {@code unreadable} (with the reason) and left out: there is nothing to dedupe it by, and stopping the channel
     * for it would stop every event behind it.
     */
    public static List<CloudEventEnvelope> parseAll(ObjectMapper json, List<String> records, Consumer<String> unreadable) {
        List<CloudEventEnvelope> envelopes = new ArrayList<>(records.size());
        for (String record : records) {
            try {
                envelopes.add(parse(json, record));
            } catch (RuntimeException e) {
                unreadable.accept(e.getMessage());
            }
        }
        return envelopes;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
