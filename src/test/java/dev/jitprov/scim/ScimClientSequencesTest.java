package dev.jitprov.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.support.Db;
import dev.jitprov.support.EventLog;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18: the request sequences Okta and Microsoft Entra ID document for create, update, deactivate, group push and
 * delete, replayed from fixtures (src/test/resources/scim/*.json, each naming its source) against the real service.
 */
@QuarkusTest
class ScimClientSequencesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Pool pool;

    @Test
    @DisplayName("Issue 18: Okta's sequence (create, PUT update, Group Push with a mapped role, deactivate) works as Okta expects")
    void oktasSequence() throws Exception {
        ScimSetup scim = ScimSetup.enabled("scim-okta", Map.of("Test SCIMv2", "Manager"));
        replay(scim, "okta.json");
        EventLog events = new EventLog(pool);
        assertThat(events.member(scim.ws(), "test.user@okta.local")).extracting(EventLog.Entry::type).containsSubsequence(
                "user.provisioned.v1", "user.scim-profile-changed.v1", "user.scim-profile-changed.v1", "role.changed.v1",
                "role.changed.v1", "user.deactivated.v1");
        assertThat(events.ofType(scim.ws(), "scim.group-deleted.v1")).hasSize(1);
    }

    @Test
    @DisplayName("Issue 18: Entra ID's sequence (enterprise extension, capitalized ops, \"False\", member list removal, delete) works as Entra expects")
    void entrasSequence() throws Exception {
        ScimSetup scim = ScimSetup.enabled("scim-entra", Map.of("displayName", "Manager"));
        replay(scim, "entra.json");
        assertThat(new EventLog(pool).member(scim.ws(), "test_user_ab6490ee-1e48-479e-a20b-2d77186b5dd1")).last()
                .extracting(EventLog.Entry::payload).asString().contains("\"reason\":\"SCIM\"");
    }

    private void replay(ScimSetup scim, String fixture) throws Exception {
        JsonNode steps;
        try (InputStream in = getClass().getResourceAsStream("/scim/" + fixture)) {
            steps = JSON.readTree(in).path("steps");
        }
        Map<String, String> ids = new HashMap<>();
        int n = 0;
        for (JsonNode step : steps) {
            n++;
            String path = fill(step.path("path").asText(), ids);
            RequestSpecification request = scim.http();
            if (step.has("body")) {
                request.body(fill(step.path("body").toString(), ids));
            }
            Response response = request.urlEncodingEnabled(false).request(step.path("method").asText(), scim.base + path);
            String what = fixture + " step " + n + " " + step.path("method").asText() + " " + path + " -> " + response.asString();
            assertThat(response.statusCode()).as(what).isEqualTo(step.path("status").asInt());
            if (response.statusCode() >= 400 || response.statusCode() == 204) {
                continue;
            }
            JsonNode body = JSON.readTree(response.asString());
            if (step.has("save")) {
                ids.put(step.path("save").asText(), body.path("id").asText());
            }
            step.path("expect").fields().forEachRemaining(e -> assertThat(at(body, e.getKey()).asText()).as(what + " " + e.getKey())
                    .isEqualTo(fill(e.getValue().asText(), ids)));
            if (step.has("role")) {
                assertThat(Db.rows(pool, "SELECT role FROM member_index WHERE member_id = $1", UUID.fromString(ids.get("user")))
                        .get(0).getString("role")).as(what + " role").isEqualTo(step.path("role").asText());
            }
        }
    }

    private static String fill(String text, Map<String, String> ids) {
        String filled = text;
        for (Map.Entry<String, String> id : ids.entrySet()) {
            filled = filled.replace("{" + id.getKey() + "}", id.getValue());
        }
        return filled;
    }

    /** {@code a.b[0].c}; an extension URN is one name ({@code urn:…:User.department}). */
    private static JsonNode at(JsonNode node, String path) {
        String rest = path;
        JsonNode current = node;
        if (rest.startsWith("urn:")) {
            int dot = rest.lastIndexOf('.');
            current = current.path(rest.substring(0, dot));
            rest = rest.substring(dot + 1);
        }
        for (String part : rest.split("\\.")) {
            int bracket = part.indexOf('[');
            if (bracket < 0) {
                current = current.path(part);
            } else {
                current = current.path(part.substring(0, bracket)).path(Integer.parseInt(part.substring(bracket + 1, part.length() - 1)));
            }
        }
        return current;
    }
}
