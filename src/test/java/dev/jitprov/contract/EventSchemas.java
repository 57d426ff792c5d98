package dev.jitprov.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** The event JSON Schemas shipped in the jar (served at /schemas/events/&lt;type&gt;.json), loaded from the class path. */
final class EventSchemas {

    static final String LOCATION = "META-INF/resources/schemas/events/";
    static final String ENVELOPE = "envelope";

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

    private EventSchemas() {
    }

    static boolean exists(String name) {
        return EventSchemas.class.getClassLoader().getResource(LOCATION + name + ".json") != null;
    }

    static JsonSchema schema(String name) {
        return CACHE.computeIfAbsent(name, n -> {
            try (InputStream in = EventSchemas.class.getClassLoader().getResourceAsStream(LOCATION + n + ".json")) {
                if (in == null) {
                    throw new IllegalStateException("no schema " + LOCATION + n + ".json");
                }
                return FACTORY.getSchema(in, CONFIG);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Validation errors of {@code node} against schema {@code name}, as text (empty when valid). */
    static Set<String> errors(String name, JsonNode node) {
        Set<ValidationMessage> messages = schema(name).validate(node);
        return messages.stream().map(ValidationMessage::getMessage).collect(Collectors.toCollection(java.util.TreeSet::new));
    }
}
