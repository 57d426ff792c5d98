package dev.jitprov.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * deploy/ as a cluster would receive it: each overlay rendered by {@code kubectl kustomize} (.ci/run installs kubectl
 * from the distribution's packages), and the environment each Deployment gives its container, resolved from the
 * rendered ConfigMaps and Secrets. Secrets a cluster creates out of band (base/secret.example.yaml, CloudNativePG's
 * jit-db-app) are filled with test values of the right shape.
 */
final class RenderedManifests {

    static final Path DEPLOY = Path.of("deploy");
    static final List<String> OVERLAYS = List.of("dev", "prod");
    private static final YAMLMapper YAML = new YAMLMapper();

    /** Test values of the Secrets the overlays expect to exist; the two-factor key must be a real AES key. */
    static final Map<String, Map<String, String>> OUT_OF_BAND_SECRETS = Map.of(
            "jit-db-app", Map.of("username", "postgres", "password", "postgres"),
            "jit-provisioning-secrets", Map.of("operator-token", "boot-test-operator-token",
                    "two-factor-key", Base64.getEncoder().encodeToString("boot-test-only-key-boot-test-01!".getBytes(StandardCharsets.US_ASCII)),
                    "smtp-username", "boot-test", "smtp-password", "boot-test"));

    private RenderedManifests() {
    }

    static List<JsonNode> render(String overlay) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder("kubectl", "kustomize", DEPLOY.resolve("overlays").resolve(overlay).toString()).start();
        } catch (IOException notInstalled) {
            throw new IllegalStateException("kubectl is needed to render deploy/ (apt-get install -y kubernetes-client; .ci/run does it)",
                    notInstalled);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("kubectl kustomize " + overlay + " failed: " + err);
        }
        return documents(out);
    }

    static List<JsonNode> documents(String text) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && doc.size() > 0) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    static Optional<JsonNode> named(List<JsonNode> docs, String kind, String name) {
        return ofKind(docs, kind).stream().filter(d -> name.equals(name(d))).findFirst();
    }

    static String name(JsonNode doc) {
        return doc.path("metadata").path("name").asText();
    }

    /** The service's Deployments (one per role), not helpers such as the dev overlay's mail catcher. */
    static List<JsonNode> serviceDeployments(List<JsonNode> docs) {
        return ofKind(docs, "Deployment").stream()
                .filter(d -> "jit-provisioning".equals(d.path("metadata").path("labels").path("app.kubernetes.io/name").asText())).toList();
    }

    static JsonNode container(JsonNode deployment) {
        return deployment.path("spec").path("template").path("spec").path("containers").get(0);
    }

    /** The keys of a Secret: rendered in the overlay, or one a cluster creates out of band (test values). */
    static Optional<Map<String, String>> secret(List<JsonNode> docs, String name) {
        Optional<JsonNode> rendered = named(docs, "Secret", name);
        if (rendered.isPresent()) {
            Map<String, String> values = new LinkedHashMap<>();
            rendered.get().path("data").fields().forEachRemaining(e ->
                    values.put(e.getKey(), new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8)));
            rendered.get().path("stringData").fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
            return Optional.of(values);
        }
        return Optional.ofNullable(OUT_OF_BAND_SECRETS.get(name));
    }

    static Optional<Map<String, String>> configMap(List<JsonNode> docs, String name) {
        return named(docs, "ConfigMap", name).map(cm -> {
            Map<String, String> values = new LinkedHashMap<>();
            cm.path("data").fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
            return values;
        });
    }

    /**
     * The environment the container of {@code deployment} gets, as Kubernetes builds it: envFrom first, then env
     * (which wins). Fails on a reference to a ConfigMap, Secret or key that does not exist.
     */
    static Map<String, String> environment(List<JsonNode> docs, JsonNode deployment) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode container = container(deployment);
        for (JsonNode from : container.path("envFrom")) {
            String cm = from.path("configMapRef").path("name").asText(null);
            if (cm != null) {
                env.putAll(configMap(docs, cm).orElseThrow(() -> new AssertionError(name(deployment) + ": no ConfigMap " + cm)));
            }
            String secret = from.path("secretRef").path("name").asText(null);
            if (secret != null) {
                env.putAll(secret(docs, secret).orElseThrow(() -> new AssertionError(name(deployment) + ": no Secret " + secret)));
            }
        }
        for (JsonNode e : container.path("env")) {
            String variable = e.path("name").asText();
            if (e.has("value")) {
                env.put(variable, e.path("value").asText());
                continue;
            }
            JsonNode cmRef = e.path("valueFrom").path("configMapKeyRef");
            JsonNode secretRef = e.path("valueFrom").path("secretKeyRef");
            Map<String, String> source;
            JsonNode ref;
            if (!cmRef.isMissingNode()) {
                ref = cmRef;
                source = configMap(docs, cmRef.path("name").asText())
                        .orElseThrow(() -> new AssertionError(name(deployment) + ": " + variable + " names ConfigMap " + cmRef.path("name").asText()));
            } else if (!secretRef.isMissingNode()) {
                ref = secretRef;
                source = secret(docs, secretRef.path("name").asText())
                        .orElseThrow(() -> new AssertionError(name(deployment) + ": " + variable + " names Secret " + secretRef.path("name").asText()));
            } else {
                throw new AssertionError(name(deployment) + ": " + variable + " has no value");
            }
            String key = ref.path("key").asText();
            if (!source.containsKey(key)) {
                throw new AssertionError(name(deployment) + ": " + variable + " names key " + key + " of " + ref.path("name").asText()
                        + ", which has only " + source.keySet());
            }
            env.put(variable, source.get(key));
        }
        return env;
    }

    static String read(Path path) throws IOException {
        return Files.readString(path);
    }
}
