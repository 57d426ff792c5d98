package dev.jitprov.support;

import dev.jitprov.projection.MembersProjection;
import dev.jitprov.saml.Certificates;
import dev.jitprov.saml.SamlResponseBuilder;
import dev.jitprov.saml.SpSettings;
import dev.jitprov.saml.TestIdp;
import io.quarkus.arc.Arc;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * A workspace driven through the public API, as an operator, its owner admin and its IdP would: create it,
 * configure SSO with a test IdP (keys generated in the test), enable JIT, post signed responses to the ACS.
 */
public final class Scenario {

    public static final String OPERATOR_TOKEN = "test-operator-token";
    public static final String BASE_URL = "http://localhost:8081";
    /** How long a test waits for a projection (relay + Kafka + consumer) to show a change. */
    public static final Duration VIEW_TIMEOUT = Duration.ofSeconds(20);
    private static final Map<String, TestIdp> IDPS = new java.util.concurrent.ConcurrentHashMap<>();

    public final String workspaceId;
    public final String ownerEmail;
    public final String ownerPassword;
    public final String apiToken;
    public final TestIdp idp;

    private Scenario(String workspaceId, String ownerEmail, String ownerPassword, String apiToken, TestIdp idp) {
        this.workspaceId = workspaceId;
        this.ownerEmail = ownerEmail;
        this.ownerPassword = ownerPassword;
        this.apiToken = apiToken;
        this.idp = idp;
    }

    /** A new workspace whose owner holds an API token; no SSO yet. */
    public static Scenario newWorkspace(String name) {
        String ownerEmail = "owner-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String password = "correct horse battery staple";
        String id = given().auth().oauth2(OPERATOR_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("name", name, "owner", Map.of("email", ownerEmail, "password", password)))
                .post("/api/workspaces").then().statusCode(201).extract().path("id");
        String cookie = given().contentType(ContentType.JSON)
                .body(Map.of("workspace", id, "email", ownerEmail, "password", password))
                .post("/api/auth/password").then().statusCode(200).extract().cookie("jit_session");
        String token = given().cookie("jit_session", cookie).header("X-Requested-With", "jit-console").contentType(ContentType.JSON).body(Map.of("name", "tests"))
                .post("/api/workspaces/" + id + "/tokens").then().statusCode(201).extract().path("token");
        TestIdp idp = IDPS.computeIfAbsent("https://idp.example.test/" + name, entity -> TestIdp.create(entity, Clock.systemUTC()));
        return new Scenario(id, ownerEmail, password, token, idp);
    }

    /** A new workspace with SSO configured for {@link #idp} and active. */
    public static Scenario withSso(String name) {
        Scenario scenario = newWorkspace(name);
        scenario.configureSso(true, List.of(Certificates.toPem(scenario.idp.credentials().certificate())));
        return scenario;
    }

    /** A new workspace with SSO and JIT enabled with the given settings over the defaults (default role Analyst). */
    public static Scenario withJit(String name, Map<String, Object> jitSettings) {
        Scenario scenario = withSso(name);
        scenario.enableJit(jitSettings).then().statusCode(200);
        return scenario;
    }

    public RequestSpecification admin() {
        return given().auth().oauth2(apiToken).contentType(ContentType.JSON);
    }

    public void configureSso(boolean active, List<String> certificates) {
        admin().body(Map.of("idpEntityId", idp.entityId(), "certificates", certificates, "ssoUrl", "https://idp.example.test/sso",
                        "active", active))
                .put("/api/workspaces/" + workspaceId + "/sso").then().statusCode(200);
    }

    public Response enableJit(Map<String, Object> settings) {
        Map<String, Object> body = new HashMap<>(Map.of("method", "JIT", "defaultRole", "Analyst",
                "updateUserRole", false, "deleteAtSessionEnd", false));
        body.putAll(settings);
        return admin().body(body).put("/api/workspaces/" + workspaceId + "/provisioning");
    }

    public SpSettings sp() {
        return new SpSettings(BASE_URL + "/saml/" + workspaceId + "/metadata", BASE_URL + "/saml/" + workspaceId + "/acs");
    }

    /** A signed IdP-initiated response for this workspace: Okta shape, with only the attributes given. */
    public SamlResponseBuilder response(String nameId) {
        return idp.response().to(sp()).nameId(nameId);
    }

    /** A signed response for {@code nameId} with a {@code role} attribute holding {@code roles} (none: no attribute). */
    public String signedResponse(String nameId, String... roles) {
        SamlResponseBuilder builder = response(nameId).attribute("email", nameId);
        if (roles.length > 0) {
            builder.attribute("role", roles);
        }
        return builder.build();
    }

    public Response postAcs(String samlResponse) {
        return given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("SAMLResponse", samlResponse).formParam("RelayState", "/console")
                .post("/saml/" + workspaceId + "/acs");
    }

    /** Signs {@code nameId} in and returns the session cookie; fails unless the ACS redirects with a session. */
    public String signIn(String nameId, String... roles) {
        return signInWith(signedResponse(nameId, roles));
    }

    /** Signs in a response built by the caller; fails unless the ACS redirects with a session. */
    public String signInWith(String samlResponse) {
        Response response = postAcs(samlResponse);
        response.then().statusCode(303);
        return response.cookie("jit_session");
    }

    /** Invites {@code email} with {@code role} (works with JIT off), then signs it in with the same role. */
    public String signInAfterInvite(String email, String role) {
        admin().body(Map.of("email", email, "role", role)).post("/api/workspaces/" + workspaceId + "/members").then().statusCode(201);
        return signIn(email, role);
    }

    /**
     * The member as the Members API lists it, or null when not a member. The list is served from the membership
     * projection, which lags the store by the relay and consumer delay, so this first waits (up to
     * {@link #VIEW_TIMEOUT}) until the projection applied every event of this workspace committed so far: the
     * answer is then as current as a read of the store (role changes and revocations included).
     */
    public Map<String, Object> member(String email) {
        awaitMembersView();
        return findMember(email);
    }

    /** Waits until the membership projection has applied every event of this workspace committed so far. */
    public void awaitMembersView() {
        Pool pool = Arc.container().instance(Pool.class).get();
        await().atMost(VIEW_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> pool.preparedQuery(
                        "SELECT count(*) FROM events e WHERE e.workspace_id = $1 AND NOT EXISTS "
                                + "(SELECT 1 FROM processed_events p WHERE p.consumer = $2 AND p.event_id = e.event_id)")
                .execute(Tuple.of(workspaceId, "projection-" + MembersProjection.NAME))
                .await().indefinitely().iterator().next().getLong(0) == 0);
    }

    /** The member as listed now, or null (no waiting). {@code status} ACTIVE unless given. */
    public Map<String, Object> findMember(String email, String... status) {
        var request = admin().queryParam("query", email);
        if (status.length > 0) {
            request.queryParam("status", status[0]);
        }
        List<Map<String, Object>> items = request.get("/api/workspaces/" + workspaceId + "/members").then().statusCode(200).extract().path("items");
        return items.stream().filter(m -> email.equalsIgnoreCase((String) m.get("email"))).findFirst().orElse(null);
    }

    public Map<String, Object> session(String cookie) {
        return given().cookie("jit_session", cookie).get("/api/session").then().statusCode(200).extract().as(Map.class);
    }
}
