package dev.jitprov.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.saml.Certificates;
import dev.jitprov.saml.SpSettings;
import dev.jitprov.saml.TestIdp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * For the one-command local run: a demo workspace (created once, kept in .local-data) with SSO trusting a demo IdP
 * key generated at each start, JIT on, and a page that signs a demo user in through the real ACS.
 */
final class DemoWorkspace {

    static final String OPERATOR_TOKEN = "local-operator-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String publicBaseUrl;
    private final String operatorToken;
    private final Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    /** The local run's demo: the service at {@code baseUrl}, which is also its public base URL. */
    DemoWorkspace(String baseUrl, Path dataDir) {
        this(baseUrl, baseUrl, dataDir, OPERATOR_TOKEN);
    }

    /**
     * @param baseUrl       where to call the service
     * @param publicBaseUrl its jit.public.base-url (SAML URLs derive from it)
     */
    DemoWorkspace(String baseUrl, String publicBaseUrl, Path dataDir, String operatorToken) {
        this.baseUrl = baseUrl;
        this.publicBaseUrl = publicBaseUrl;
        this.operatorToken = operatorToken;
        this.dir = dataDir.resolve("demo");
    }

    /** The demo sign-in page written by {@link #prepare()}. */
    Path signInPage() {
        return dir.resolve("sign-in.html");
    }

    /** Sets up the demo and returns lines to print. */
    List<String> prepare() throws Exception {
        Files.createDirectories(dir);
        Path saved = dir.resolve("workspace.properties");
        Properties demo = new Properties();
        if (Files.exists(saved)) {
            try (var in = Files.newInputStream(saved)) {
                demo.load(in);
            }
        } else {
            String password = "demo-" + java.util.UUID.randomUUID();
            JsonNode created = call("POST", "/api/workspaces", operatorToken, Map.of("name", "Demo",
                    "owner", Map.of("email", "owner@demo.test", "password", password)), 201);
            demo.setProperty("id", created.path("id").asText());
            demo.setProperty("ownerEmail", "owner@demo.test");
            demo.setProperty("ownerPassword", password);
            try (var out = Files.newOutputStream(saved)) {
                demo.store(out, "demo workspace of the local stack");
            }
        }
        String ws = demo.getProperty("id");
        String session = passwordSession(ws, demo.getProperty("ownerEmail"), demo.getProperty("ownerPassword"));
        String token = call("POST", "/api/workspaces/" + ws + "/tokens", "cookie:" + session, Map.of("name", "local-stack"), 201)
                .path("token").asText();
        TestIdp idp = TestIdp.create("https://demo-idp.local/" + ws, Clock.systemUTC());
        call("PUT", "/api/workspaces/" + ws + "/sso", token, Map.of("idpEntityId", idp.entityId(),
                "certificates", List.of(Certificates.toPem(idp.credentials().certificate())), "active", true), 200);
        call("PUT", "/api/workspaces/" + ws + "/provisioning", token, Map.of("method", "JIT", "defaultRole", "Analyst",
                "updateUserRole", true, "deleteAtSessionEnd", false), 200);
        SpSettings sp = new SpSettings(publicBaseUrl + "/saml/" + ws + "/metadata", publicBaseUrl + "/saml/" + ws + "/acs");
        String response = idp.response().to(sp).nameId("demo.user@demo.test").attribute("email", "demo.user@demo.test")
                .attribute("role", "Marketer").notOnOrAfter(java.time.Instant.now().plus(Duration.ofHours(1)))
                .conditionsNotOnOrAfter(java.time.Instant.now().plus(Duration.ofHours(1))).build();
        Path page = signInPage();
        Files.writeString(page, """
                <!DOCTYPE html><html><body onload="document.forms[0].submit()">
                <form method="post" action="%s"><input type="hidden" name="SAMLResponse" value="%s">
                <input type="hidden" name="RelayState" value="/console"><noscript><button>Sign in</button></noscript></form>
                </body></html>""".formatted(sp.acsUrl(), response));
        return List.of(
                "demo workspace '" + ws + "': owner " + demo.getProperty("ownerEmail") + " / " + demo.getProperty("ownerPassword"),
                "API token for it (this run): " + token,
                "sign a demo user in through the ACS (one use, valid 1 hour): open file://" + page.toAbsolutePath());
    }

    private String passwordSession(String ws, String email, String password) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/auth/password"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("workspace", ws, "email", email, "password", password))))
                .build(), HttpResponse.BodyHandlers.ofString());
        return response.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("jit_session="))
                .map(c -> c.substring("jit_session=".length(), c.indexOf(';'))).findFirst()
                .orElseThrow(() -> new IllegalStateException("demo owner sign-in failed: " + response.statusCode() + " " + response.body()));
    }

    private JsonNode call(String method, String path, String credential, Object body, int expected) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (credential.startsWith("cookie:")) {
            // as the console does: cookie-authenticated changes carry the CSRF header
            request.header("Cookie", "jit_session=" + credential.substring("cookie:".length())).header("X-Requested-With", "jit-console");
        } else {
            request.header("Authorization", "Bearer " + credential);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Waits until the service answers ready. */
    void awaitReady(Process service, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && service.isAlive()) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the service did not become ready within " + timeout);
    }
}
