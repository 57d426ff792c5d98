package dev.jitprov.bench;

import dev.jitprov.support.Scenario;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 22, the short version of scripts/replicas.sh in {@code ./mvnw verify}: two packaged service processes (all
 * roles on each) on one PostgreSQL, one Kafka broker (KIP-848 groups, 6 s sessions as deploy/ sets them) and one SMTP
 * server. Races a signed Response and a first sign-in on both; stops one with SIGTERM (under 5 s, nothing at WARN or
 * ERROR, its partitions consumed by the other at once); restarts it and kills it with SIGKILL (the survivor takes its
 * partitions over: the members view is current within 15 s of the kill).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicaRacesIT {

    private static final int PAIRS = 20;

    private static ServiceProcess stack;
    private static ServiceProcess a;
    private static ServiceProcess b;
    private static final List<ServiceProcess> started = new ArrayList<>();
    private static Scenario scenario;

    @BeforeAll
    static void twoReplicas() throws Exception {
        stack = ServiceProcess.infrastructure("replica-races", List.of());
        a = ReplicaHarness.start(stack, "replica-a", started);
        b = ReplicaHarness.start(stack, "replica-b", started);
        RestAssured.port = a.port;
        scenario = Scenario.withJit("replica-races-" + UUID.randomUUID().toString().substring(0, 6), Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServiceProcess replica : started) {
            replica.close();
        }
        if (stack != null) {
            stack.close();
            stack.kafka.close();
        }
    }

    @Test
    @Order(1)
    void aResponseRacedToTwoReplicasIsAcceptedOnce() {
        assertThat(ReplicaChecks.sameResponseRacedIsAcceptedOnce(scenario, a, b, PAIRS)).isEmpty();
    }

    @Test
    @Order(2)
    void aUsersFirstSignInRacedOnTwoReplicasMakesOneMember() throws Exception {
        assertThat(ReplicaChecks.firstSignInRacedMakesOneMember(scenario, a, b, PAIRS)).isEmpty();
    }

    @Test
    @Order(3)
    void bothRelaysPublishEveryEventInPerKeyOrder() throws Exception {
        assertThat(ReplicaChecks.relaysPublishedEveryEventInOrder(stack, Duration.ofSeconds(60))).isEmpty();
    }

    @Test
    @Order(4)
    void aReplicaStoppedWithSigtermExitsWithinFiveSecondsLogsNoWarningAndHandsItsPartitionsOver() throws Exception {
        int linesBefore = ReplicaChecks.lines(b.log);
        Duration took = b.stop(Duration.ofSeconds(30));
        List<String> logged = ReplicaChecks.warningsAfter(b.log, linesBefore);
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(logged).isEmpty();
        // every partition is consumed by replica-a now: new members of every partition appear in the view promptly
        long stoppedAt = System.currentTimeMillis();
        List<String> emails = signInNewUsersOn(a, "after-stop", 12);
        awaitInMembersView(emails, Duration.ofSeconds(10));
        ReplicaChecks.say("after the graceful stop: %d new members in the view %d ms after the stop"
                .formatted(emails.size(), System.currentTimeMillis() - stoppedAt));
    }

    @Test
    @Order(5)
    void afterASigkillTheSurvivorTakesTheDeadReplicasPartitionsAndTheViewIsCurrentWithinFifteenSeconds() throws Exception {
        b.startService("replica-b");
        ReplicaChecks.awaitPartitionsOf(stack, "replica-b", ReplicaHarness.GROUPS, Duration.ofSeconds(30)); // it consumes again
        b.kill();
        long killedAt = System.currentTimeMillis();
        List<String> emails = signInNewUsersOn(a, "after-kill", 12);
        awaitInMembersView(emails, Duration.ofSeconds(15).minusMillis(System.currentTimeMillis() - killedAt));
        ReplicaChecks.say("after the SIGKILL: %d new members in the view %d ms after the kill"
                .formatted(emails.size(), System.currentTimeMillis() - killedAt));
    }

    /** Signs in new users through one replica (12 users: each of the 3 partitions gets some, by key hash). */
    private static List<String> signInNewUsersOn(ServiceProcess replica, String prefix, int count) {
        List<String> emails = Responses.emails(prefix + "-" + UUID.randomUUID().toString().substring(0, 6), count);
        List<String> signed = Responses.sign(scenario.idp, scenario.sp(), emails, Duration.ofMinutes(10));
        for (String response : signed) {
            assertThat(ReplicaChecks.postAcs(replica.port, scenario.workspaceId, response).join()).isEqualTo("303");
        }
        return emails;
    }

    private static void awaitInMembersView(List<String> emails, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
            try (Connection db = stack.database()) {
                return ReplicaChecks.single(db, "SELECT count(*) FROM members_view WHERE workspace_id = ? AND member_key = ANY(string_to_array(?, ','))",
                        scenario.workspaceId, String.join(",", emails)) == emails.size();
            }
        });
    }
}
