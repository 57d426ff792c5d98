package dev.jitprov.nativeimage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The project's native-image registrations, read back from the class path as native-image reads them. */
final class NativeRegistrations {

    static final String DIRECTORY = "src/main/resources/META-INF/native-image/dev.jitprov/jit-provisioning";
    static final String RESOURCE_DIRECTORY = "META-INF/native-image/dev.jitprov/jit-provisioning/";

    final Set<String> reflectiveClasses = new TreeSet<>();
    final Set<String> withConstructors = new TreeSet<>();
    final List<Pattern> resourcePatterns = new ArrayList<>();
    final Set<String> bundles = new TreeSet<>();

    static NativeRegistrations load() {
        ObjectMapper json = new ObjectMapper();
        NativeRegistrations registrations = new NativeRegistrations();
        for (JsonNode entry : read(json, "reflect-config.json")) {
            String name = entry.path("name").asText();
            registrations.reflectiveClasses.add(name);
            if (entry.path("allDeclaredConstructors").asBoolean() || entry.path("allPublicConstructors").asBoolean()) {
                registrations.withConstructors.add(name);
            }
        }
        JsonNode resources = read(json, "resource-config.json");
        resources.path("resources").path("includes")
                .forEach(include -> registrations.resourcePatterns.add(Pattern.compile(include.path("pattern").asText())));
        resources.path("bundles").forEach(bundle -> registrations.bundles.add(bundle.path("name").asText()));
        return registrations;
    }

    boolean coversResource(String path) {
        return resourcePatterns.stream().anyMatch(p -> p.matcher(path).matches());
    }

    private static JsonNode read(ObjectMapper json, String file) {
        try (InputStream in = SamlReflectionInventory.open(RESOURCE_DIRECTORY + file)) {
            return json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
