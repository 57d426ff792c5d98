package dev.jitprov.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local run starts the service with the JVM a pod runs (issue 20: the local run's RSS is the one measured against
 * the 400 MB goal): the container image's memory options and its heap share of the Deployment's memory limit.
 */
class LocalJvmOptionsTest {

    private static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile.jvm");

    @Test
    void theLocalRunHasEveryJvmOptionOfTheContainerImage() throws Exception {
        List<String> imageOptions = Arrays.stream(env("JAVA_OPTS_APPEND").split("\\s+"))
                .filter(option -> option.startsWith("-XX:") || option.startsWith("-Xss") || option.startsWith("-Xmx"))
                .toList();

        assertThat(imageOptions).as("the image's JVM options").isNotEmpty();
        assertThat(LocalStack.SERVICE_JVM_OPTIONS).containsAll(imageOptions);
    }

    @Test
    void theLocalRunsHeapIsTheImagesShareOfTheDeploymentsMemoryLimit() throws Exception {
        JsonNode deployment = new YAMLMapper().readTree(Files.readString(Path.of("deploy/base/deployment-api.yaml")));
        String limit = deployment.at("/spec/template/spec/containers/0/resources/limits/memory").asText();

        assertThat(limit).endsWith("Mi");
        assertThat(LocalStack.SERVICE_JVM_OPTIONS).contains(
                "-XX:MaxRAM=" + limit.replace("Mi", "m"),
                "-XX:MaxRAMPercentage=" + env("JAVA_MAX_MEM_RATIO"));
    }

    @Test
    void theLocalRunHasTheImagesMallocArenas() throws Exception {
        assertThat(LocalStack.SERVICE_ENVIRONMENT).containsEntry("MALLOC_ARENA_MAX", env("MALLOC_ARENA_MAX"));
    }

    private static String env(String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^ENV " + name + "=\"?([^\"\\n]*)\"?$").matcher(Files.readString(DOCKERFILE));
        assertThat(m.find()).as(name + " in " + DOCKERFILE).isTrue();
        return m.group(1).trim();
    }
}
