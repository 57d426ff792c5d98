package dev.jitprov.projection;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.EventStore;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5, R17: the membership view and the audit log write a batch set-based (folded per member, one statement
 * per table), so a batch must give the same rows as its events applied one at a time, whatever the history:
 * creation, IdP and admin role changes, sign-ins, logout, deletion, and a new life of the same member afterwards
 * (all of it inside one batch here).
 */
@QuarkusTest
@DisplayName("Projections: a batch gives the rows of its events applied one at a time")
class BatchEqualsOneAtATimeTest {

    @Inject
    ProjectionConsumers consumers;
    @Inject
    MembersProjection members;
    @Inject
    SessionsProjection sessions;
    @Inject
    AuditProjection audit;
    @Inject
    EventStore store;
    @Inject
    ObjectMapper json;
    @Inject
    Pool pool;

    @Test
    void r17_aWholeHistoryInOneBatchEqualsItsEventsOneByOneAndTheLiveView() {
        Scenario scenario = Scenario.withJit("batch-fold", Map.of("deleteAtSessionEnd", false));
        String ws = scenario.workspaceId;
        String cookie = scenario.signIn("fay@example.com", "Analyst");
        scenario.signIn("fay@example.com", "Marketer");                     // role changed by the IdP
        scenario.signIn("gus@example.com", "Analyst");
        String gus = (String) scenario.member("gus@example.com").get("id");
        scenario.admin().body(Map.of("role", "Manager")).put("/api/workspaces/" + ws + "/members/" + gus + "/role").then().statusCode(200);
        scenario.admin().delete("/api/workspaces/" + ws + "/members/" + gus).then().statusCode(204);
        scenario.signIn("gus@example.com", "Marketer");                     // a new life in the same stream
        scenario.signIn("gus@example.com", "Analyst");
        String invited = scenario.admin().body(Map.of("email", "hal@example.com", "role", "Analyst"))
                .post("/api/workspaces/" + ws + "/members").then().statusCode(201).extract().path("id");
        scenario.admin().delete("/api/workspaces/" + ws + "/members/" + invited).then().statusCode(204);
        given().redirects().follow(false).cookie("jit_session", cookie).post("/logout").then().statusCode(303);
        Views.awaitAuditCaughtUp(pool, ws);
        Views.awaitMembersAndSessionsCaughtUp(pool, ws);
        List<String> records = Views.envelopes(pool, store, json, ws);
        Map<Projection, List<String>> live = Map.of(members, Views.members(pool, ws), sessions, Views.sessions(pool, ws),
                audit, Views.audit(pool, ws));
        BiFunction<Projection, String, List<String>> rows = (projection, workspace) -> projection == members
                ? Views.members(pool, workspace) : projection == sessions ? Views.sessions(pool, workspace) : Views.audit(pool, workspace);

        for (Projection projection : List.of(members, sessions, audit)) {
            Views.forget(pool, projection, ws);
            consumers.consume(projection, records).await().indefinitely();
            List<String> asOneBatch = rows.apply(projection, ws);

            Views.forget(pool, projection, ws);
            for (String record : records) {
                consumers.consume(projection, List.of(record)).await().indefinitely();
            }
            List<String> oneAtATime = rows.apply(projection, ws);

            assertThat(asOneBatch).as(projection.name() + ": one batch vs one at a time").isEqualTo(oneAtATime);
            assertThat(asOneBatch).as(projection.name() + ": one batch vs the live view").isEqualTo(live.get(projection));
        }
        assertThat(Views.members(pool, ws)).as("gus lives again, hal stays deleted").anySatisfy(row -> assertThat(row)
                .contains("\"member_key\":\"gus@example.com\"").contains("\"status\":\"ACTIVE\""))
                .anySatisfy(row -> assertThat(row).contains("\"member_key\":\"hal@example.com\"").contains("\"status\":\"DELETED\""));
    }
}
