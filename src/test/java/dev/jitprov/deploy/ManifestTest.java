package dev.jitprov.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jitprov.replica.ReplicaRole;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every manifest under deploy/ (base and all overlays) parses and agrees with the application: Deployments have
 * probes, resources and a non-root, read-only security context; ports, image and topic match application.properties;
 * every environment variable is one the application reads; no Secret value is in the repository. When kubectl is on
 * the PATH the rendered overlays ({@code kubectl kustomize}) are checked the same way.
 */
class ManifestTest {

    private static final Path DEPLOY = Path.of("deploy");
    private static Properties application;
    private static String applicationText;
    private static Map<Path, List<JsonNode>> files;

    @BeforeAll
    static void load() throws IOException {
        applicationText = Files.readString(Path.of("src/main/resources/application.properties"));
        application = new Properties();
        application.load(new StringReader(applicationText));
        files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(DEPLOY)) {
            for (Path path : paths.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).toList()) {
                files.put(path, documents(Files.readString(path)));
            }
        }
    }

    @Test
    void everyFileParsesAndTheBaseAndBothOverlaysHaveAKustomization() {
        assertThat(files).containsKeys(DEPLOY.resolve("base/kustomization.yaml"),
                DEPLOY.resolve("overlays/dev/kustomization.yaml"), DEPLOY.resolve("overlays/prod/kustomization.yaml"));
        files.forEach((path, docs) -> assertThat(docs).as("%s", path).isNotEmpty()
                .allSatisfy(doc -> assertThat(doc.path("kind").asText()).as("kind in %s", path).isNotBlank()));
    }

    @Test
    void everyKustomizationNamesFilesThatExist() {
        files.forEach((path, docs) -> docs.stream().filter(d -> "Kustomization".equals(d.path("kind").asText())).forEach(k -> {
            List<String> referenced = new ArrayList<>();
            k.path("resources").forEach(r -> referenced.add(r.asText()));
            k.path("patches").forEach(p -> referenced.add(p.path("path").asText()));
            for (String name : referenced) {
                assertThat(Files.exists(path.getParent().resolve(name).normalize())).as("%s in %s", name, path).isTrue();
            }
        }));
    }

    @Test
    void theBaseHasOneDeploymentPerRoleEachSelectingItsRole() {
        Map<String, JsonNode> byRole = new TreeMap<>();
        for (JsonNode deployment : fullDeployments(all())) {
            JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
            String roles = envValue(container, "JIT_ROLES");
            assertThat(roles).as("JIT_ROLES of %s", name(deployment)).isNotNull();
            byRole.put(roles, deployment);
        }
        Set<String> expected = Stream.of(ReplicaRole.values()).map(ReplicaRole::configName).collect(Collectors.toCollection(TreeSet::new));
        assertThat(byRole.keySet()).isEqualTo(expected);
    }

    @Test
    void everyDeploymentHasProbesResourcesAndANonRootReadOnlySecurityContext() {
        List<JsonNode> deployments = fullDeployments(all());
        assertThat(deployments).hasSize(ReplicaRole.values().length);
        deployments.forEach(ManifestTest::checkDeployment);
    }

    @Test
    void overlayPatchesOfDeploymentsKeepRequestsAndLimitsTogetherAndNeverWeakenSecurity() {
        for (JsonNode patch : all().stream().filter(d -> "Deployment".equals(d.path("kind").asText()))
                .filter(d -> d.path("spec").path("selector").isMissingNode()).toList()) {
            for (JsonNode container : patch.path("spec").path("template").path("spec").path("containers")) {
                JsonNode resources = container.path("resources");
                if (!resources.isMissingNode()) {
                    assertThat(resources.has("requests") && resources.has("limits")).as("resources of patch %s", name(patch)).isTrue();
                }
                assertThat(container.path("securityContext").path("runAsNonRoot").asBoolean(true)).isTrue();
                assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean(true)).isTrue();
            }
        }
    }

    @Test
    void theTopicAgreesWithTheApplication() {
        String topic = application.getProperty("jit.events.topic");
        List<JsonNode> topics = all().stream().filter(d -> "KafkaTopic".equals(d.path("kind").asText())).toList();
        assertThat(topics).isNotEmpty();
        for (JsonNode t : topics) {
            assertThat(t.path("metadata").path("name").asText()).isEqualTo(topic);
            if (t.path("spec").has("topicName")) {
                assertThat(t.path("spec").path("topicName").asText()).isEqualTo(topic);
            }
        }
        JsonNode base = topics.stream().filter(t -> t.path("spec").has("partitions") && t.path("spec").has("replicas")
                && t.path("spec").path("replicas").asInt() == 3).findFirst().orElseThrow();
        assertThat(base.path("spec").path("config").path("min.insync.replicas").asInt()).isEqualTo(2);
        assertThat(base.path("spec").path("config").has("retention.ms")).isTrue();
        assertThat(base.path("metadata").path("labels").path("strimzi.io/cluster").asText())
                .isEqualTo(all().stream().filter(d -> "Kafka".equals(d.path("kind").asText())).findFirst().orElseThrow()
                        .path("metadata").path("name").asText());
    }

    @Test
    void everyEnvironmentVariableIsOneTheApplicationReadsAndEveryConfigMapKeyExists() {
        Set<String> configMapKeys = new TreeSet<>();
        all().stream().filter(d -> "ConfigMap".equals(d.path("kind").asText()))
                .forEach(cm -> cm.path("data").fieldNames().forEachRemaining(configMapKeys::add));
        for (JsonNode deployment : fullDeployments(all())) {
            for (JsonNode env : container(deployment).path("env")) {
                String name = env.path("name").asText();
                assertThat(readByApplication(name)).as("env %s of %s is read by application.properties", name, name(deployment)).isTrue();
                JsonNode cmRef = env.path("valueFrom").path("configMapKeyRef");
                if (!cmRef.isMissingNode()) {
                    assertThat(configMapKeys).contains(cmRef.path("key").asText());
                }
                JsonNode secretRef = env.path("valueFrom").path("secretKeyRef");
                if (!secretRef.isMissingNode()) {
                    assertThat(secretRef.path("name").asText()).isIn("jit-provisioning-secrets", "jit-db-app");
                }
            }
        }
        for (String key : configMapKeys) {
            assertThat(readByApplication(key)).as("ConfigMap key %s", key).isTrue();
        }
    }

    @Test
    void noSecretValueIsPartOfAnyKustomization() {
        files.forEach((path, docs) -> docs.stream().filter(d -> "Kustomization".equals(d.path("kind").asText())).forEach(k ->
                k.path("resources").forEach(r -> {
                    Path resource = path.getParent().resolve(r.asText()).normalize();
                    if (files.containsKey(resource)) {
                        assertThat(files.get(resource)).as("%s", resource).noneMatch(d -> "Secret".equals(d.path("kind").asText()));
                    }
                })));
        List<JsonNode> examples = files.get(DEPLOY.resolve("base/secret.example.yaml"));
        assertThat(examples).isNotNull();
        examples.forEach(secret -> secret.path("stringData").forEach(v -> assertThat(v.asText()).contains("REPLACE-ME")));
    }

    /**
     * The Ingress routes the application's own paths and not {@code /q/health} or {@code /q/metrics}: those stay
     * on the pods' port for probes and Prometheus (SPEC §5 keeps them at {@code /q/...}), never public. Every
     * first path segment the application serves (JAX-RS roots in src/main/java, static directories) is routed.
     */
    @Test
    void theIngressRoutesEveryApplicationPathAndNoHealthOrMetrics() throws IOException {
        JsonNode ingress = all().stream().filter(d -> "Ingress".equals(d.path("kind").asText())).findFirst().orElseThrow();
        Map<String, String> routes = new TreeMap<>();
        ingress.path("spec").path("rules").forEach(rule -> rule.path("http").path("paths")
                .forEach(p -> routes.put(p.path("path").asText(), p.path("pathType").asText())));
        assertThat(routes).as("no catch-all route").doesNotContainEntry("/", "Prefix");
        assertThat(routes.keySet().stream().filter(r -> r.startsWith("/q"))).as("only the API description under /q")
                .containsExactly("/q/openapi");
        assertThat(routes).containsEntry("/q/openapi", "Exact");

        Set<String> segments = new TreeSet<>();
        Pattern path = Pattern.compile("@Path\\(\"([^\"]*)\"\\)");
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(source);
                Matcher declaration = Pattern.compile("(?m)^(public |final |abstract )*class ").matcher(text);
                int classAt = declaration.find() ? declaration.start() : text.length();
                Matcher m = path.matcher(text);
                String root = null;
                while (m.find()) {
                    if (m.start() < classAt) {
                        root = m.group(1);
                    } else if ("/".equals(root)) {
                        segments.add(firstSegment(m.group(1)));   // a "/" resource: its methods carry absolute paths
                    }
                }
                if (root != null && !"/".equals(root)) {
                    segments.add(firstSegment(root));
                }
            }
        }
        try (Stream<Path> statics = Files.list(Path.of("src/main/resources/META-INF/resources"))) {
            statics.filter(Files::isDirectory).forEach(d -> segments.add(d.getFileName().toString()));
        }
        assertThat(segments).contains("api", "saml", "console", "schemas");
        for (String segment : segments) {
            assertThat(routes).as("Ingress route for /%s", segment).containsKey("/" + segment);
        }
    }

    private static String firstSegment(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        int slash = trimmed.indexOf('/');
        return slash < 0 ? trimmed : trimmed.substring(0, slash);
    }

    @Test
    void theServiceIngressAutoscalerAndDisruptionBudgetsPointAtExistingWorkloads() {
        Set<String> deployments = fullDeployments(all()).stream().map(ManifestTest::name).collect(Collectors.toSet());
        Set<String> components = fullDeployments(all()).stream()
                .map(d -> d.path("spec").path("selector").path("matchLabels").path("app.kubernetes.io/component").asText())
                .collect(Collectors.toSet());
        for (JsonNode doc : all()) {
            switch (doc.path("kind").asText()) {
                case "HorizontalPodAutoscaler" -> {
                    if (doc.path("spec").has("scaleTargetRef")) {
                        assertThat(deployments).contains(doc.path("spec").path("scaleTargetRef").path("name").asText());
                    }
                }
                case "PodDisruptionBudget" -> assertThat(components)
                        .contains(doc.path("spec").path("selector").path("matchLabels").path("app.kubernetes.io/component").asText());
                case "Service" -> {
                    if (!"jit-provisioning".equals(doc.path("spec").path("selector").path("app.kubernetes.io/name").asText())) {
                        continue; // an overlay's helper (the dev mail catcher): RenderedManifestsTest checks its selector
                    }
                    assertThat(components).contains(doc.path("spec").path("selector").path("app.kubernetes.io/component").asText());
                    doc.path("spec").path("ports").forEach(p -> assertThat(p.path("targetPort").asText()).isEqualTo("http"));
                }
                default -> {
                }
            }
        }
    }

    @Test
    void renderedOverlaysPassTheSameChecksWhenKubectlIsAvailable() throws Exception {
        for (String overlay : List.of("dev", "prod")) {
            String rendered = kustomize(DEPLOY.resolve("overlays").resolve(overlay));
            if (rendered == null) {
                System.out.println("kubectl not on PATH: rendered overlays not checked (the source files are)");
                return;
            }
            List<JsonNode> docs = documents(rendered);
            List<JsonNode> deployments = fullDeployments(docs);
            assertThat(deployments).as("overlay %s", overlay).hasSize(ReplicaRole.values().length);
            deployments.forEach(ManifestTest::checkDeployment);
            // only the dev overlay brings a Secret, generated from its throw-away development values
            assertThat(docs.stream().filter(d -> "Secret".equals(d.path("kind").asText())).map(ManifestTest::name))
                    .as("Secrets rendered by %s", overlay).isSubsetOf(overlay.equals("dev") ? List.of("jit-provisioning-secrets") : List.of());
            assertThat(docs.stream().filter(d -> "KafkaTopic".equals(d.path("kind").asText())).findFirst().orElseThrow()
                    .path("spec").path("topicName").asText()).isEqualTo(application.getProperty("jit.events.topic"));
        }
    }

    private static void checkDeployment(JsonNode deployment) {
        String name = name(deployment);
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as("runAsNonRoot of %s", name).isTrue();
        assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        JsonNode c = container(deployment);
        assertThat(c.path("image").asText()).as("image of %s", name).contains(application.getProperty("quarkus.application.name"));
        assertThat(probePath(c, "livenessProbe")).as("liveness of %s", name).isEqualTo("/q/health/live");
        assertThat(probePath(c, "readinessProbe")).as("readiness of %s", name).isEqualTo("/q/health/ready");
        assertThat(probePath(c, "startupProbe")).as("startup of %s", name).isEqualTo("/q/health/started");
        for (String kind : List.of("requests", "limits")) {
            assertThat(c.path("resources").path(kind).has("memory")).as("%s memory of %s", kind, name).isTrue();
        }
        assertThat(c.path("resources").path("requests").has("cpu")).as("cpu request of %s", name).isTrue();
        JsonNode security = c.path("securityContext");
        assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as("allowPrivilegeEscalation of %s", name).isFalse();
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as("readOnlyRootFilesystem of %s", name).isTrue();
        assertThat(security.path("capabilities").path("drop").toString()).contains("ALL");
        assertThat(c.path("volumeMounts").toString()).contains("/tmp");
        int httpPort = Integer.parseInt(application.getProperty("quarkus.http.port"));
        JsonNode port = c.path("ports").get(0);
        assertThat(port.path("containerPort").asInt()).as("port of %s", name).isEqualTo(httpPort);
        assertThat(port.path("name").asText()).isEqualTo("http");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            JsonNode probePort = c.path(probe).path("httpGet").path("port");
            assertThat(probePort.isInt() ? probePort.asInt() == httpPort : "http".equals(probePort.asText())).as("%s port of %s", probe, name).isTrue();
        }
    }

    /** A name is read when application.properties references ${NAME} or it is the MicroProfile env form of a key. */
    private static boolean readByApplication(String env) {
        Matcher refs = Pattern.compile("\\$\\{([A-Z0-9_]+)[:}]").matcher(applicationText);
        while (refs.find()) {
            if (refs.group(1).equals(env)) {
                return true;
            }
        }
        return application.stringPropertyNames().stream()
                .anyMatch(key -> key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT).equals(env));
    }

    private static String probePath(JsonNode container, String probe) {
        return container.path(probe).path("httpGet").path("path").asText(null);
    }

    private static JsonNode container(JsonNode deployment) {
        JsonNode containers = deployment.path("spec").path("template").path("spec").path("containers");
        assertThat(containers.size()).as("containers of %s", name(deployment)).isEqualTo(1);
        return containers.get(0);
    }

    private static String envValue(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (name.equals(env.path("name").asText())) {
                return env.path("value").asText(null);
            }
        }
        return null;
    }

    private static String name(JsonNode doc) {
        return doc.path("metadata").path("name").asText();
    }

    private static List<JsonNode> all() {
        return files.values().stream().flatMap(List::stream).toList();
    }

    /**
     * The service's complete Deployments (with a selector); overlay patches are partial and checked separately, and
     * helpers of an overlay (the dev mail catcher) are not the service.
     */
    private static List<JsonNode> fullDeployments(List<JsonNode> docs) {
        return docs.stream().filter(d -> "Deployment".equals(d.path("kind").asText()))
                .filter(d -> !d.path("spec").path("selector").isMissingNode())
                .filter(d -> "jit-provisioning".equals(d.path("spec").path("selector").path("matchLabels").path("app.kubernetes.io/name").asText()))
                .toList();
    }

    private static List<JsonNode> documents(String text) throws IOException {
        return RenderedManifests.documents(text);
    }

    private static String kustomize(Path overlay) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder("kubectl", "kustomize", overlay.toString()).redirectErrorStream(false).start();
        } catch (IOException notInstalled) {
            return null;
        }
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("kubectl kustomize %s", overlay).isZero();
        return out;
    }
}
