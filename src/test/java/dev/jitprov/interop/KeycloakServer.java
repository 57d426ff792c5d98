package dev.jitprov.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.support.Ports;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A real Keycloak 26.7.3 (its distribution from Maven Central, copied to target/keycloak by the build) in dev mode on
 * loopback, with an admin REST client: the IdP of the Single Logout interop test (issue 19). One per test JVM.
 */
final class KeycloakServer {

    static final String VERSION = "26.7.3";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KeycloakServer running;

    final int port;
    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    private KeycloakServer(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    static synchronized KeycloakServer start() throws Exception {
        if (running != null) {
            return running;
        }
        Path target = Paths.get("target", "keycloak");
        Path home = target.resolve("keycloak-" + VERSION);
        if (!Files.exists(home.resolve("bin/kc.sh"))) {
            unzip(target.resolve("keycloak-quarkus-dist-" + VERSION + ".zip"), target);
            Files.setPosixFilePermissions(home.resolve("bin/kc.sh"), EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        }
        int port = Ports.free();
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/kc.sh").toAbsolutePath().toString(), "start-dev",
                "--http-port=" + port, "--http-host=127.0.0.1", "--http-management-port=" + Ports.free())
                .redirectErrorStream(true).redirectOutput(target.resolve("keycloak.log").toFile());
        builder.environment().putAll(Map.of("KC_BOOTSTRAP_ADMIN_USERNAME", "admin", "KC_BOOTSTRAP_ADMIN_PASSWORD", "admin",
                "JAVA_OPTS_APPEND", "-Xmx768m"));
        Process process = builder.start();
        KeycloakServer server = new KeycloakServer(port, process);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(240));
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited: see target/keycloak/keycloak.log");
            }
            try {
                if (server.http.send(HttpRequest.newBuilder(URI.create(server.url("/realms/master"))).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Keycloak did not start in 240 s: see target/keycloak/keycloak.log");
            }
            Thread.sleep(500);
        }
        running = server;
        return server;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** An admin REST call with a fresh admin token; returns the status and the body. */
    HttpResponse<String> admin(String method, String path, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url("/admin" + path))).header("Authorization", "Bearer " + adminToken())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + response.body());
        }
        return response;
    }

    JsonNode adminJson(String path) throws Exception {
        return JSON.readTree(admin("GET", path, null).body());
    }

    String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private String adminToken() throws Exception {
        String form = "grant_type=password&client_id=admin-cli&username=admin&password=admin";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url("/realms/master/protocol/openid-connect/token")))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void unzip(Path zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                Path out = into.resolve(entry.getName()).normalize();
                if (!out.startsWith(into)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    // copies this entry only; the zip stream stays open for the next one
                    Files.copy(in, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
