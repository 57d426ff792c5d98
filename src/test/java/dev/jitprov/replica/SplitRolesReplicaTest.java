package dev.jitprov.replica;

import dev.jitprov.support.Db;
import dev.jitprov.support.Mails;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica that runs some of the topic's consumers (here the projector and the notifier, not the expirer) consumes on
 * their own channels and consumer groups, not on the shared one of a replica that runs all of them (ADR 0016).
 */
@QuarkusTest
@TestProfile(SplitRolesReplicaTest.WithoutExpirer.class)
@DisplayName("Roles: a replica running some consumers uses their own channels")
class SplitRolesReplicaTest {

    /** The own groups start at the topic's earliest offset in this test run's broker: they skip, as applied, all before. */
    private static final Duration CATCH_UP = Duration.ofSeconds(120);

    public static class WithoutExpirer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jit.roles", "api,relay,projector,notifier");
        }
    }

    @Inject
    Pool pool;

    @Test
    void theProjectionsAndTheNotifierConsumeOnTheirOwnChannelsAndNoDeadlineIsRecorded() {
        org.eclipse.microprofile.config.Config config = ConfigProvider.getConfig();
        assertThat(config.getValue("mp.messaging.incoming.background-events.enabled", Boolean.class)).isFalse();
        assertThat(config.getValue("mp.messaging.incoming.projections.enabled", Boolean.class)).isTrue();
        assertThat(config.getValue("mp.messaging.incoming.notification-events.enabled", Boolean.class)).isTrue();
        assertThat(config.getValue("mp.messaging.incoming.expiry-events.enabled", Boolean.class)).isFalse();

        Scenario s = Scenario.withJit("split-roles-" + UUID.randomUUID().toString().substring(0, 6), Map.of());
        String newcomer = "split-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        s.signIn(newcomer);

        await().atMost(CATCH_UP).pollInterval(Duration.ofMillis(200)).until(() ->
                Db.count(pool, "SELECT count(*) FROM members_view WHERE workspace_id = $1 AND email = $2", s.workspaceId, newcomer) == 1);
        await().atMost(CATCH_UP).pollInterval(Duration.ofMillis(200)).until(() -> !Mails.to(s.ownerEmail, "New member " + newcomer).isEmpty());
        assertThat(Mails.to(s.ownerEmail, "New member " + newcomer)).hasSize(1);
        assertThat(Db.count(pool, "SELECT count(*) FROM expiry_deadlines WHERE workspace_id = $1", s.workspaceId))
                .as("no expirer on this replica: the session's deadline is left to a replica that runs one").isZero();
    }
}
