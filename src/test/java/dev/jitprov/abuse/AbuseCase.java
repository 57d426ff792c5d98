package dev.jitprov.abuse;

import dev.jitprov.support.EventLog;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * One attacker against every state-changing endpoint of the service (docs/security.md, threat model): each call is
 * made with a body the victim's owner could send, and must be refused as {@link #refusals()} says; afterwards the
 * victim's workspace holds no new event but those the attacker may cause to itself. An endpoint with no refusal
 * written down fails the suite: a new endpoint is not done until every attacker's case is.
 */
abstract class AbuseCase {

    /** What an attacker gets: the status and, when not null, the problem code. */
    record Refusal(int status, String code) {
    }

    static Refusal refused(int status, String code) {
        return new Refusal(status, code);
    }

    /** Every endpoint of the workspace's administration API (each needs an admin permission). */
    static final List<String> WORKSPACE_ADMIN = List.of(
            "POST /api/workspaces/{ws}/tokens", "DELETE /api/workspaces/{ws}/tokens/{id}",
            "PUT /api/workspaces/{ws}/sso", "POST /api/workspaces/{ws}/sso/metadata",
            "PUT /api/workspaces/{ws}/provisioning", "DELETE /api/workspaces/{ws}/provisioning",
            "PUT /api/workspaces/{ws}/security", "PUT /api/workspaces/{ws}/notifications",
            "POST /api/workspaces/{ws}/roles", "DELETE /api/workspaces/{ws}/roles/{name}",
            "POST /api/workspaces/{ws}/members", "PUT /api/workspaces/{ws}/members/{id}/role", "DELETE /api/workspaces/{ws}/members/{id}",
            "DELETE /api/workspaces/{ws}/sessions/{sid}", "POST /api/workspaces/{ws}/saml/inspect",
            "POST /api/workspaces/{ws}/provisioning/scim-token", "POST /api/workspaces/{ws}/sso/sp-keys/rotate");

    /** The SCIM service provider (issue 18): only the workspace's own live SCIM token opens it, no attacker holds one. */
    static final List<String> SCIM = List.of("POST /scim/v2/{ws}/Users", "PUT /scim/v2/{ws}/Users/{id}", "PATCH /scim/v2/{ws}/Users/{id}",
            "DELETE /scim/v2/{ws}/Users/{id}", "POST /scim/v2/{ws}/Groups", "PUT /scim/v2/{ws}/Groups/{id}",
            "PATCH /scim/v2/{ws}/Groups/{id}", "DELETE /scim/v2/{ws}/Groups/{id}");

    /**
     * What any member may do, to itself only (its own new-member mails, R16): refused like the administration API
     * to whoever is not a member of the workspace; a member's change is its own event and leaves the victim's alone.
     */
    static final List<String> MEMBER_SELF_SERVICE = List.of("PUT /api/workspaces/{ws}/notifications/me");

    /** The operator's endpoints (the operator token from configuration). */
    static final List<String> OPERATOR = List.of("POST /api/workspaces", "POST /api/operator/projections/{name}/rebuild");

    /** The second step of a sign-in, for an attacker with no session, a dead one, or an active one. */
    static final List<String> TWO_FACTOR_FORMS = List.of("POST /2fa/enroll", "POST /2fa/verify");
    static final List<String> TWO_FACTOR_API = List.of("POST /api/2fa/enroll", "POST /api/2fa/verify");

    /**
     * The endpoints anyone may call, as every attacker meets them: a forged response at the ACS, a guessed password,
     * a logout (of nothing, or of its own session).
     */
    static Map<String, Refusal> signInEndpoints() {
        Map<String, Refusal> map = new java.util.HashMap<>();
        map.put("POST /saml/{ws}/acs", refused(403, "invalid_signature"));
        map.put("POST /api/auth/password", refused(401, "invalid_credentials"));
        // issue 19: a LogoutRequest for the owner signed by a key the workspace does not trust ends nothing
        map.put("POST /saml/{ws}/slo", refused(403, "invalid_signature"));
        // asked for JSON (as every attack here is), a logout answers 200 {signedOut} instead of a redirect (issue 19)
        map.put("POST /logout", refused(200, null));
        return map;
    }

    /** Every refusal of an attacker: the administration API, the operator's endpoints, sign-in, the 2FA step. */
    static Map<String, Refusal> refusals(Refusal admin, Refusal operator, Refusal twoFactorForms, Refusal twoFactorApi) {
        Map<String, Refusal> map = all(WORKSPACE_ADMIN, admin);
        map.putAll(all(MEMBER_SELF_SERVICE, admin));
        map.putAll(all(OPERATOR, operator));
        map.putAll(all(SCIM, refused(401, null)));
        map.putAll(signInEndpoints());
        map.putAll(all(TWO_FACTOR_FORMS, twoFactorForms));
        map.putAll(all(TWO_FACTOR_API, twoFactorApi));
        return map;
    }

    /**
     * The refusals of a signed-in member of the victim's workspace with a lesser role: no permission for the
     * administration API; its active session has no second step to take (the forms send it home); its own session
     * it may end, and its own new-member mails are its own business (only its own: the victim's stay as they were).
     */
    static Map<String, Refusal> signedInMemberRefusals() {
        Map<String, Refusal> refusals = refusals(refused(403, "permission_required"), refused(401, "authentication_required"),
                refused(303, null), refused(409, "two_factor_not_pending"));
        refusals.putAll(all(MEMBER_SELF_SERVICE, refused(200, null)));
        return refusals;
    }

    /** What a signed-in member may add to its workspace by acting on itself: ending its session, its mail choice. */
    static final Set<String> ITS_OWN_SESSION_AND_MAILS = Set.of("session.ended.v1", "notification.preference-changed.v1");

    /** Requests with a session cookie, the console's CSRF header included (an attacker holding the cookie sends it too). */
    static RequestSpecification withSession(String cookie) {
        return io.restassured.RestAssured.given().cookie("jit_session", cookie).header("X-Requested-With", "jit-console");
    }

    static Map<String, Refusal> all(List<String> endpoints, Refusal refusal) {
        Map<String, Refusal> map = new java.util.HashMap<>();
        endpoints.forEach(e -> map.put(e, refusal));
        return map;
    }

    @Inject
    Pool pool;

    /** Sets up the victim and the attacker's credentials. */
    abstract Victim prepare();

    /** The attacker's request: its credentials and nothing else. */
    abstract RequestSpecification attacker();

    /** The refusal of each state-changing endpoint (key {@code "METHOD /path"}). */
    abstract Map<String, Refusal> refusals();

    /** Events the attacker may add to the victim's workspace by acting on its own session (none by default). */
    Set<String> ownEventTypes() {
        return Set.of();
    }

    @TestFactory
    Stream<DynamicTest> everyStateChangingEndpointIsRefused() {
        Victim victim = prepare();
        Map<String, Refusal> refusals = refusals();
        long before = eventsOf(victim).size();
        String stateBefore = stateOf(victim);
        List<DynamicTest> tests = new ArrayList<>();
        for (Endpoint endpoint : Endpoint.stateChanging()) {
            tests.add(DynamicTest.dynamicTest(endpoint.key(), () -> {
                Refusal expected = refusals.get(endpoint.key());
                if (expected == null) {
                    fail("no abuse case for " + endpoint.key() + " in " + getClass().getSimpleName()
                            + ": write down how this attacker is refused there");
                }
                Response response = victim.call(endpoint, attacker());
                assertThat(response.statusCode()).as("%s answered %s", endpoint, response.asString()).isEqualTo(expected.status());
                if (expected.code() != null) {
                    // problem+json carries it as "code"; the error page a browser gets shows it as text
                    String body = response.asString();
                    assertThat(body).as("%s", endpoint).contains(response.contentType().startsWith("text/html")
                            ? expected.code() : "\"code\":\"" + expected.code() + "\"");
                }
            }));
        }
        tests.add(DynamicTest.dynamicTest("the victim's workspace did not change", () -> {
            List<String> added = eventsOf(victim).subList((int) before, eventsOf(victim).size());
            assertThat(added).as("events the attacks added").allSatisfy(type -> assertThat(ownEventTypes()).contains(type));
            assertThat(stateOf(victim)).as("state kept beside the log").isEqualTo(stateBefore);
        }));
        return tests.stream();
    }

    /**
     * What the events do not show: members and their roles, tokens, passwords, confirmed authenticators, mail
     * preferences, and the owner's active sessions (a stolen first factor's pending one may end itself), as one
     * comparable text.
     */
    private String stateOf(Victim victim) {
        StringBuilder state = new StringBuilder();
        for (String sql : List.of(
                "SELECT member_key || ' ' || role || ' ' || created_at FROM member_index WHERE workspace_id = $1 ORDER BY 1",
                "SELECT id || ' ' || coalesce(revoked_at::text, 'live') FROM api_tokens WHERE workspace_id = $1 ORDER BY 1",
                "SELECT member_key || ' ' || password_hash FROM credentials WHERE workspace_id = $1 ORDER BY 1",
                "SELECT member_key || ' ' || coalesce(confirmed_at::text, '-') || ' ' || secret_ciphertext FROM two_factor_credentials "
                        + "WHERE workspace_id = $1 AND confirmed_at IS NOT NULL ORDER BY 1",
                "SELECT row_to_json(p)::text FROM notification_preferences p WHERE workspace_id = $1",
                "SELECT member_key || ' ' || new_member_mails FROM member_index WHERE workspace_id = $1 AND member_key = '"
                        + victim.scenario.ownerEmail.toLowerCase() + "'",
                "SELECT session_id::text FROM auth_sessions WHERE workspace_id = $1 AND NOT two_factor_pending AND member_key = '"
                        + victim.scenario.ownerEmail.toLowerCase() + "' ORDER BY 1")) {
            pool.preparedQuery(sql).execute(Tuple.of(victim.ws)).await().atMost(Duration.ofSeconds(10))
                    .forEach(row -> state.append(row.getString(0)).append('\n'));
            state.append("--\n");
        }
        return state.toString();
    }

    /** The victim workspace's event types in commit order. */
    private List<String> eventsOf(Victim victim) {
        List<String> types = new ArrayList<>();
        pool.preparedQuery("SELECT type FROM events WHERE workspace_id = $1 ORDER BY position").execute(Tuple.of(victim.ws))
                .await().atMost(Duration.ofSeconds(10)).forEach(row -> types.add(row.getString("type")));
        return types;
    }

    EventLog events() {
        return new EventLog(pool);
    }
}
