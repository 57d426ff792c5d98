package dev.jitprov.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.CloudEventEnvelope;
import dev.jitprov.eventstore.EventsConfig;
import dev.jitprov.stack.TopicReader;
import dev.jitprov.support.Scenario;
import dev.jitprov.workspace.DomainEventTypes;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The downstream contract (docs/events.md): every event the service publishes for a workspace driven through its
 * life validates against the envelope schema and the schema of its type, and every registered type has a schema.
 */
@QuarkusTest
class EventContractTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Inject
    ObjectMapper json;
    @Inject
    EventsConfig events;

    @Test
    void everyRegisteredEventTypeHasASchemaAndEverySchemaIsARegisteredType() throws Exception {
        Set<String> registered = DomainEventTypes.all().stream().map(EventContractTest::typeOf).collect(Collectors.toCollection(TreeSet::new));
        for (String type : registered) {
            assertThat(EventSchemas.exists(type)).as("schema for %s", type).isTrue();
            assertThat(EventSchemas.schema(type).getSchemaNode().path("title").asText()).isEqualTo(type);
        }
        JsonNode envelopeTypes = EventSchemas.schema(EventSchemas.ENVELOPE).getSchemaNode().path("properties").path("type").path("enum");
        Set<String> enumerated = new TreeSet<>();
        envelopeTypes.forEach(t -> enumerated.add(t.asText()));
        assertThat(enumerated).isEqualTo(registered);
    }

    @Test
    void theSchemasRejectAMissingFieldAWrongEnumAndAnUnknownField() throws Exception {
        JsonNode valid = json.readTree("{\"reason\":\"ACCESS_REVOKED\",\"at\":\"2026-11-28T10:00:00Z\","
                + "\"actor\":{\"type\":\"ADMIN\",\"id\":\"ann@example.com\",\"display\":null}}");
        assertThat(EventSchemas.errors("user.deleted.v1", valid)).isEmpty();
        assertThat(EventSchemas.errors("user.deleted.v1", ((com.fasterxml.jackson.databind.node.ObjectNode) valid.deepCopy()).without("at"))).isNotEmpty();
        assertThat(EventSchemas.errors("user.deleted.v1", ((com.fasterxml.jackson.databind.node.ObjectNode) valid.deepCopy()).put("reason", "BORED"))).isNotEmpty();
        assertThat(EventSchemas.errors("user.deleted.v1", ((com.fasterxml.jackson.databind.node.ObjectNode) valid.deepCopy()).put("extra", 1))).isNotEmpty();
    }

    @Test
    void theSchemasAreServedAsStaticFiles() {
        given().get("/schemas/events/envelope.json").then().statusCode(200);
        given().get("/schemas/events/user.provisioned.v1.json").then().statusCode(200)
                .body("title", org.hamcrest.Matchers.equalTo("user.provisioned.v1"));
    }

    @Test
    void everyEventPublishedForAWorkspaceValidatesAgainstTheEnvelopeAndItsTypeSchema() {
        Scenario s = Workload.run("contract");

        List<ConsumerRecord<String, String>> records;
        try (TopicReader reader = new TopicReader(events.topic())) {
            records = reader.readUntil(all -> typesOf(ofWorkspace(all, s.workspaceId)).containsAll(Workload.TYPES), TIMEOUT);
        }
        List<ConsumerRecord<String, String>> mine = ofWorkspace(records, s.workspaceId);
        assertThat(typesOf(mine)).containsAll(Workload.TYPES);

        Map<String, Set<String>> failures = new TreeMap<>();
        for (ConsumerRecord<String, String> record : mine) {
            JsonNode envelope = read(record.value());
            String type = envelope.path("type").asText();
            Set<String> errors = new TreeSet<>(EventSchemas.errors(EventSchemas.ENVELOPE, envelope));
            errors.addAll(EventSchemas.errors(type, envelope.path("data")));
            if (!record.key().equals(envelope.path("subject").asText())) {
                errors.add("record key " + record.key() + " is not the subject " + envelope.path("subject").asText());
            }
            if (!type.equals(TopicReader.headers(record).get("ce_type"))) {
                errors.add("header ce_type is not " + type);
            }
            if (!errors.isEmpty()) {
                failures.merge(type + " " + record.value(), errors, (a, b) -> a);
            }
        }
        assertThat(failures).as("events that break the contract").isEmpty();
    }

    private JsonNode read(String value) {
        try {
            return json.readTree(value);
        } catch (Exception e) {
            throw new AssertionError("record value is not JSON: " + value, e);
        }
    }

    private List<ConsumerRecord<String, String>> ofWorkspace(List<ConsumerRecord<String, String>> records, String workspaceId) {
        return records.stream().filter(r -> workspaceId.equals(read(r.value()).path("workspace").asText())).toList();
    }

    private Set<String> typesOf(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> CloudEventEnvelope.parse(json, r.value()).type()).collect(Collectors.toSet());
    }

    private static String typeOf(Class<?> payload) {
        try {
            return (String) payload.getField("TYPE").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
