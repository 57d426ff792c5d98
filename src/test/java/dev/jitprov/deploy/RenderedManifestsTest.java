package dev.jitprov.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.jitprov.deploy.RenderedManifests.container;
import static dev.jitprov.deploy.RenderedManifests.environment;
import static dev.jitprov.deploy.RenderedManifests.name;
import static dev.jitprov.deploy.RenderedManifests.named;
import static dev.jitprov.deploy.RenderedManifests.ofKind;
import static dev.jitprov.deploy.RenderedManifests.serviceDeployments;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every overlay of deploy/, rendered as {@code kubectl apply -k} would send it, checked offline the way the cluster
 * and its operators would check it: Strimzi and CloudNativePG objects against those operators' CRD schemas (copies in
 * src/test/resources/k8s-crds, unknown fields refused), core kinds against the typed Kubernetes models (fabric8, no
 * unknown field), then the cross-references a cluster only finds at run time.
 */
class RenderedManifestsTest {

    /** The highest RSS measured for a replica (docs/benchmarks.md: 333–390 MB): requests must cover it. */
    private static final long MEASURED_RSS_BYTES = 390L * 1000 * 1000;
    private static final Map<String, List<JsonNode>> RENDERED = new LinkedHashMap<>();
    private static final ObjectMapper STRICT = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static final Map<String, String> CRDS = Map.of(
            "kafka.strimzi.io/v1:Kafka", "strimzi-1.2.0-040-Crd-kafka.yaml",
            "kafka.strimzi.io/v1:KafkaTopic", "strimzi-1.2.0-043-Crd-kafkatopic.yaml",
            "kafka.strimzi.io/v1:KafkaNodePool", "strimzi-1.2.0-045-Crd-kafkanodepool.yaml",
            "postgresql.cnpg.io/v1:Cluster", "cnpg-1.28.4-clusters.yaml");
    private static final Map<String, String> MODELS = Map.ofEntries(
            Map.entry("v1:Namespace", "io.fabric8.kubernetes.api.model.Namespace"),
            Map.entry("v1:ConfigMap", "io.fabric8.kubernetes.api.model.ConfigMap"),
            Map.entry("v1:Secret", "io.fabric8.kubernetes.api.model.Secret"),
            Map.entry("v1:Service", "io.fabric8.kubernetes.api.model.Service"),
            Map.entry("v1:ServiceAccount", "io.fabric8.kubernetes.api.model.ServiceAccount"),
            Map.entry("apps/v1:Deployment", "io.fabric8.kubernetes.api.model.apps.Deployment"),
            Map.entry("networking.k8s.io/v1:Ingress", "io.fabric8.kubernetes.api.model.networking.v1.Ingress"),
            Map.entry("networking.k8s.io/v1:NetworkPolicy", "io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy"),
            Map.entry("autoscaling/v2:HorizontalPodAutoscaler", "io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler"),
            Map.entry("policy/v1:PodDisruptionBudget", "io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget"),
            Map.entry("monitoring.coreos.com/v1:PodMonitor", "io.fabric8.openshift.api.model.monitoring.v1.PodMonitor"));
    private static String applicationText;

    @BeforeAll
    static void render() throws Exception {
        for (String overlay : RenderedManifests.OVERLAYS) {
            RENDERED.put(overlay, RenderedManifests.render(overlay));
        }
        applicationText = Files.readString(Path.of("src/main/resources/application.properties"));
    }

    @Test
    void everyStrimziAndCloudNativePgObjectIsValidAgainstItsOperatorsSchema_unknownFieldsRefused() throws Exception {
        Map<String, JsonSchema> schemas = new LinkedHashMap<>();
        for (var entry : CRDS.entrySet()) {
            schemas.put(entry.getKey(), strictSchema(entry.getValue(), entry.getKey().substring(entry.getKey().indexOf('/') + 1,
                    entry.getKey().indexOf(':'))));
        }
        RENDERED.forEach((overlay, docs) -> docs.stream().filter(d -> d.path("apiVersion").asText().contains(".strimzi.io/")
                || d.path("apiVersion").asText().contains(".cnpg.io/")).forEach(doc -> {
            String key = doc.path("apiVersion").asText() + ":" + doc.path("kind").asText();
            assertThat(schemas).as("%s %s: served by the operator versions in k8s-crds", overlay, key).containsKey(key);
            Set<ValidationMessage> errors = schemas.get(key).validate(doc);
            assertThat(errors).as("%s %s %s", overlay, key, name(doc)).isEmpty();
        }));
    }

    @Test
    void aMisspeltFieldIsRefusedByTheSchemaCheck() throws Exception {
        JsonSchema kafka = strictSchema(CRDS.get("kafka.strimzi.io/v1:Kafka"), "v1");
        JsonNode doc = named(RENDERED.get("prod"), "Kafka", "jit-kafka").orElseThrow().deepCopy();
        ((ObjectNode) doc.path("spec").path("kafka")).put("verison", "4.2.1");
        assertThat(kafka.validate(doc)).isNotEmpty();
    }

    @Test
    void everyCoreObjectBindsToItsTypedKubernetesModel_withNoUnknownField() {
        RENDERED.forEach((overlay, docs) -> docs.stream().filter(d -> !d.path("apiVersion").asText().contains(".strimzi.io/")
                && !d.path("apiVersion").asText().contains(".cnpg.io/")).forEach(doc -> {
            String key = doc.path("apiVersion").asText() + ":" + doc.path("kind").asText();
            assertThat(MODELS).as("%s %s: a typed model checks it", overlay, key).containsKey(key);
            try {
                Object bound = STRICT.treeToValue(doc, Class.forName(MODELS.get(key)));
                List<String> unknown = new ArrayList<>();
                unknownFields(bound, key + " " + name(doc), unknown, new IdentityHashMap<>());
                assertThat(unknown).as("%s: fields the model does not know", overlay).isEmpty();
            } catch (Exception e) {
                throw new AssertionError(overlay + " " + key + " " + name(doc) + ": " + e.getMessage(), e);
            }
        }));
    }

    @Test
    void aMisspeltCoreFieldIsRefusedByTheModelCheck() throws Exception {
        JsonNode deployment = named(RENDERED.get("prod"), "Deployment", "jit-relay").orElseThrow().deepCopy();
        ((ObjectNode) deployment.path("spec")).put("replica", 3);
        List<String> unknown = new ArrayList<>();
        unknownFields(STRICT.treeToValue(deployment, Class.forName(MODELS.get("apps/v1:Deployment"))), "relay", unknown, new IdentityHashMap<>());
        assertThat(unknown).singleElement().asString().contains("replica");
    }

    @Test
    void theKafkaVersionIsOneTheStrimziReleaseSupports() throws Exception {
        List<JsonNode> versions;
        try (InputStream in = getClass().getResourceAsStream("/k8s-crds/strimzi-1.2.0-kafka-versions.yaml")) {
            versions = new ArrayList<>();
            new YAMLMapper().readTree(in).forEach(versions::add);
        }
        Set<String> supported = new TreeSet<>();
        versions.stream().filter(v -> v.path("supported").asBoolean()).forEach(v -> supported.add(v.path("version").asText()));
        RENDERED.forEach((overlay, docs) -> assertThat(supported).as(overlay)
                .contains(named(docs, "Kafka", "jit-kafka").orElseThrow().path("spec").path("kafka").path("version").asText()));
    }

    @Test
    void everyDeploymentGetsEveryVariableTheApplicationRequires_andEveryReferenceResolves() throws IOException {
        Properties application = new Properties();
        application.load(new StringReader(applicationText));
        Set<String> required = new TreeSet<>();
        for (String key : application.stringPropertyNames()) {
            if (key.startsWith("%")) {
                continue;
            }
            Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(application.getProperty(key));
            while (m.find()) {
                required.add(m.group(1));
            }
        }
        assertThat(required).contains("JIT_OPERATOR_TOKEN", "JIT_TWO_FACTOR_KEY");
        RENDERED.forEach((overlay, docs) -> {
            assertThat(serviceDeployments(docs)).as(overlay).hasSize(5);
            for (JsonNode deployment : serviceDeployments(docs)) {
                Map<String, String> env = environment(docs, deployment); // fails on a dangling reference
                assertThat(env).as("%s %s", overlay, name(deployment)).containsKeys(required.toArray(String[]::new));
            }
        });
    }

    @Test
    void selectorsMatchTheirPods_andProbesUsePortsAndPathsThatExist() {
        RENDERED.forEach((overlay, docs) -> {
            List<JsonNode> deployments = ofKind(docs, "Deployment");
            for (JsonNode d : deployments) {
                assertThat(labels(d.path("spec").path("template"))).as("%s %s selector", overlay, name(d))
                        .containsAllEntriesOf(map(d.path("spec").path("selector").path("matchLabels")));
                for (JsonNode c : d.path("spec").path("template").path("spec").path("containers")) {
                    Set<String> ports = new TreeSet<>();
                    c.path("ports").forEach(p -> ports.add(p.path("name").asText()));
                    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                        JsonNode get = c.path(probe).path("httpGet");
                        if (!get.isMissingNode()) {
                            assertThat(ports).as("%s %s %s port", overlay, name(d), probe).contains(get.path("port").asText());
                        }
                    }
                }
            }
            for (JsonNode d : serviceDeployments(docs)) {
                JsonNode c = container(d);
                assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/started");
                assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
                assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
            }
            for (JsonNode s : ofKind(docs, "Service")) {
                Map<String, String> selector = map(s.path("spec").path("selector"));
                JsonNode target = deployments.stream().filter(d -> labels(d.path("spec").path("template")).entrySet().containsAll(selector.entrySet()))
                        .findFirst().orElseThrow(() -> new AssertionError(overlay + " Service " + name(s) + " selects no pod"));
                Set<String> ports = new TreeSet<>();
                container(target).path("ports").forEach(p -> ports.add(p.path("name").asText()));
                s.path("spec").path("ports").forEach(p -> assertThat(ports).as("%s Service %s targetPort", overlay, name(s))
                        .contains(p.path("targetPort").asText()));
            }
            for (String kind : List.of("PodDisruptionBudget", "PodMonitor")) {
                for (JsonNode o : ofKind(docs, kind)) {
                    Map<String, String> selector = map(o.path("spec").path("selector").path("matchLabels"));
                    // CloudNativePG labels its instance pods cnpg.io/cluster=<Cluster name>
                    boolean database = selector.containsKey("cnpg.io/cluster")
                            && named(docs, "Cluster", selector.get("cnpg.io/cluster")).isPresent();
                    assertThat(database || deployments.stream().anyMatch(d -> labels(d.path("spec").path("template")).entrySet().containsAll(selector.entrySet())))
                            .as("%s %s %s selects pods", overlay, kind, name(o)).isTrue();
                }
            }
            for (JsonNode hpa : ofKind(docs, "HorizontalPodAutoscaler")) {
                String target = hpa.path("spec").path("scaleTargetRef").path("name").asText();
                JsonNode deployment = named(docs, "Deployment", target).orElseThrow(() -> new AssertionError(overlay + " HPA targets " + target));
                assertThat(deployment.path("spec").has("replicas")).as("%s: %s sets replicas under an HPA", overlay, target).isFalse();
            }
            for (JsonNode ingress : ofKind(docs, "Ingress")) {
                ingress.path("spec").path("rules").forEach(rule -> rule.path("http").path("paths").forEach(p ->
                        assertThat(named(docs, "Service", p.path("backend").path("service").path("name").asText())).as(overlay).isPresent()));
            }
        });
    }

    /** Ports of the pods PodMonitors scrape: the service's "http" and CloudNativePG's instance "metrics" port. */
    private static final Map<String, Integer> SCRAPED_PORTS = Map.of("http", 8080, "metrics", 9187);

    @Test
    void everyPodMonitorsPodsAcceptTheScraperThroughTheirNetworkPolicies() {
        RENDERED.forEach((overlay, docs) -> ofKind(docs, "PodMonitor").forEach(monitor -> {
            Map<String, String> pods = map(monitor.path("spec").path("selector").path("matchLabels"));
            for (JsonNode endpoint : monitor.path("spec").path("podMetricsEndpoints")) {
                int port = SCRAPED_PORTS.get(endpoint.path("port").asText());
                List<JsonNode> policies = ofKind(docs, "NetworkPolicy").stream()
                        .filter(p -> pods.entrySet().containsAll(map(p.path("spec").path("podSelector").path("matchLabels")).entrySet()))
                        .filter(p -> p.path("spec").path("policyTypes").toString().contains("Ingress")).toList();
                boolean open = policies.isEmpty() || policies.stream().anyMatch(p -> allowsFromNamespace(p, "monitoring", port));
                assertThat(open).as("%s: pods of PodMonitor %s accept port %d from namespace monitoring", overlay, name(monitor), port).isTrue();
            }
        }));
    }

    private static boolean allowsFromNamespace(JsonNode policy, String namespace, int port) {
        for (JsonNode rule : policy.path("spec").path("ingress")) {
            boolean from = false;
            for (JsonNode peer : rule.path("from")) {
                from |= namespace.equals(peer.path("namespaceSelector").path("matchLabels").path("kubernetes.io/metadata.name").asText());
            }
            boolean onPort = rule.path("ports").isEmpty();
            for (JsonNode p : rule.path("ports")) {
                onPort |= p.path("port").asInt() == port;
            }
            if (from && onPort) {
                return true;
            }
        }
        return false;
    }

    @Test
    void noPlaceholderReachesADeployment() {
        RENDERED.forEach((overlay, docs) -> serviceDeployments(docs).forEach(d -> environment(docs, d).forEach((variable, value) ->
                assertThat(value).as("%s %s %s", overlay, name(d), variable).doesNotContain("REPLACE-ME"))));
    }

    @Test
    void everyObjectLivesInTheOverlaysNamespace_whichTheOverlayCreates() {
        RENDERED.forEach((overlay, docs) -> {
            String namespace = ofKind(docs, "Namespace").stream().map(RenderedManifests::name).findFirst()
                    .orElseThrow(() -> new AssertionError(overlay + " creates no Namespace"));
            docs.stream().filter(d -> !"Namespace".equals(d.path("kind").asText())).forEach(d ->
                    assertThat(d.path("metadata").path("namespace").asText()).as("%s %s %s", overlay, d.path("kind").asText(), name(d))
                            .isEqualTo(namespace));
        });
    }

    /**
     * PostgreSQL connections at the HPA's maximum: every Deployment at its most pods (maxReplicas, or replicas, plus
     * the rolling update's surge) times its pool plus Flyway's, within max_connections less the reserved ones.
     */
    @Test
    void theDatabaseConnectionBudgetHoldsAtTheHpaMaximum() {
        int flyway = Integer.parseInt(property("quarkus.datasource.jdbc.max-size"));
        RENDERED.forEach((overlay, docs) -> {
            JsonNode cluster = named(docs, "Cluster", "jit-db").orElseThrow();
            int max = cluster.path("spec").path("postgresql").path("parameters").path("max_connections").asInt();
            int reserved = cluster.path("spec").path("postgresql").path("parameters").path("superuser_reserved_connections").asInt(3);
            long needed = 0;
            for (JsonNode d : serviceDeployments(docs)) {
                int pods = ofKind(docs, "HorizontalPodAutoscaler").stream()
                        .filter(h -> h.path("spec").path("scaleTargetRef").path("name").asText().equals(name(d)))
                        .map(h -> h.path("spec").path("maxReplicas").asInt()).findFirst()
                        .orElse(d.path("spec").path("replicas").asInt(1));
                int surge = d.path("spec").path("strategy").path("rollingUpdate").path("maxSurge").asInt(1);
                int pool = Integer.parseInt(environment(docs, d).get("DB_POOL_SIZE"));
                needed += (long) (pods + surge) * (pool + flyway);
            }
            assertThat(needed).as("%s: connections at the HPA maximum vs max_connections %d - %d reserved", overlay, max, reserved)
                    .isLessThanOrEqualTo(max - reserved);
        });
    }

    @Test
    void memoryRequestsCoverTheMeasuredRss() {
        RENDERED.forEach((overlay, docs) -> serviceDeployments(docs).forEach(d -> {
            long requested = bytes(container(d).path("resources").path("requests").path("memory").asText());
            assertThat(requested).as("%s %s memory request", overlay, name(d)).isGreaterThanOrEqualTo(MEASURED_RSS_BYTES);
        }));
    }

    @Test
    void productionMailUsesStartTlsWithCredentials_andTheIngressGetsItsCertificateFromCertManager() {
        List<JsonNode> prod = RENDERED.get("prod");
        for (JsonNode d : serviceDeployments(prod)) {
            Map<String, String> env = environment(prod, d);
            assertThat(env).as(name(d)).containsEntry("SMTP_START_TLS", "REQUIRED").containsKeys("SMTP_USERNAME", "SMTP_PASSWORD");
        }
        assertThat(applicationText).contains("quarkus.mailer.start-tls=${SMTP_START_TLS:", "quarkus.mailer.username=${SMTP_USERNAME:",
                "quarkus.mailer.password=${SMTP_PASSWORD:");
        RENDERED.forEach((overlay, docs) -> ofKind(docs, "Ingress").forEach(i -> {
            assertThat(i.path("metadata").path("annotations").path("cert-manager.io/cluster-issuer").asText()).as(overlay).isNotBlank();
            assertThat(i.path("spec").path("tls").get(0).path("hosts").get(0).asText())
                    .isEqualTo(i.path("spec").path("rules").get(0).path("host").asText());
        }));
    }

    @Test
    void theDevOverlayIsConsistent_itsHostItsMailCatcherItsSecret() {
        List<JsonNode> dev = RENDERED.get("dev");
        JsonNode api = named(dev, "Deployment", "jit-api").orElseThrow();
        Map<String, String> env = environment(dev, api);
        String host = named(dev, "Ingress", "jit-api").orElseThrow().path("spec").path("rules").get(0).path("host").asText();
        assertThat(env.get("PUBLIC_BASE_URL")).isEqualTo("https://" + host);
        JsonNode mail = named(dev, "Service", env.get("SMTP_HOST")).orElseThrow(() -> new AssertionError("dev mails to " + env.get("SMTP_HOST")
                + ", which the overlay does not deploy"));
        assertThat(mail.path("spec").path("ports").findValuesAsText("port")).contains(env.get("SMTP_PORT"));
        assertThat(named(dev, "Secret", "jit-provisioning-secrets")).as("dev brings its own secrets").isPresent();
        assertThat(env).containsEntry("SMTP_START_TLS", "DISABLED");
    }

    @Test
    void proxyForwardingTrustsConfiguredProxiesOnly() {
        RENDERED.forEach((overlay, docs) -> serviceDeployments(docs).forEach(d ->
                assertThat(environment(docs, d).get("JIT_FIREWALL_TRUSTED_PROXIES")).as("%s %s", overlay, name(d)).isNotBlank()));
        assertThat(applicationText).contains("jit.firewall.trusted-proxies=${JIT_FIREWALL_TRUSTED_PROXIES:")
                .contains("quarkus.http.proxy.proxy-address-forwarding=false");
    }

    // ---- helpers ----

    /** The CRD's schema for {@code version}, with every object that lists properties closed to other ones. */
    private static JsonSchema strictSchema(String file, String version) throws IOException {
        JsonNode crd;
        try (InputStream in = RenderedManifestsTest.class.getResourceAsStream("/k8s-crds/" + file)) {
            crd = new YAMLMapper().readTree(in);
        }
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (version.equals(v.path("name").asText())) {
                JsonNode schema = v.path("schema").path("openAPIV3Schema").deepCopy();
                close(schema);
                return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
            }
        }
        throw new AssertionError(file + " serves no version " + version);
    }

    private static void close(JsonNode schema) {
        if (schema instanceof ObjectNode o) {
            if (o.has("properties") && !o.has("additionalProperties") && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
                o.put("additionalProperties", false);
            }
            o.forEach(RenderedManifestsTest::close);
        } else if (schema.isArray()) {
            schema.forEach(RenderedManifestsTest::close);
        }
    }

    /** Fields fabric8 kept in an additionalProperties map: ones its model does not know. */
    private static void unknownFields(Object o, String path, List<String> unknown, IdentityHashMap<Object, Boolean> seen) throws Exception {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object item : c) {
                unknownFields(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), unknown, seen);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = getter.invoke(o);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                unknownFields(value, path + "." + getter.getName().substring(3), unknown, seen);
            }
        }
    }

    private static Map<String, String> labels(JsonNode template) {
        return map(template.path("metadata").path("labels"));
    }

    private static Map<String, String> map(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static String property(String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "=(.*)$").matcher(applicationText);
        assertThat(m.find()).as(key).isTrue();
        return m.group(1).trim();
    }

    private static long bytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|k|M|G)?").matcher(quantity);
        assertThat(m.matches()).as(quantity).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "" : m.group(2)) {
            case "Ki" -> n * 1024;
            case "Mi" -> n * 1024 * 1024;
            case "Gi" -> n * 1024 * 1024 * 1024;
            case "k" -> n * 1000;
            case "M" -> n * 1000 * 1000;
            case "G" -> n * 1000 * 1000 * 1000;
            default -> n;
        };
    }
}
