package dev.jitprov.security;

import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.eventstore.EventStore;
import dev.jitprov.eventstore.NewEvent;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.Grantor;
import dev.jitprov.provisioning.MemberCommand;
import dev.jitprov.provisioning.MemberEvent;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.Permissions;
import dev.jitprov.provisioning.WorkspaceCommand;
import dev.jitprov.support.EventLog;
import dev.jitprov.workspace.Workspaces;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/security.md G7: member streams of different workspaces can never be the same stream, old ones included. */
@QuarkusTest
class StreamIdsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Actor OPERATOR = Actor.operator("operator");

    @Inject
    Pool pool;
    @Inject
    Workspaces workspaces;
    @Inject
    MemberStreams members;
    @Inject
    EventStore store;
    EventLog events;

    @BeforeEach
    void setUp() {
        events = new EventLog(pool);
    }

    private String workspace(String id) {
        workspaces.execute(id, new WorkspaceCommand.CreateWorkspace(id, id, "owner@example.com", OPERATOR), UUID.randomUUID().toString())
                .await().atMost(WAIT);
        return id;
    }

    private void invite(String ws, String key) {
        Grantor owner = new Grantor("owner@example.com", Permissions.ALL);
        members.execute(ws, key, new EventMetadata(ws, "operator:operator", UUID.randomUUID().toString(), null),
                new MemberCommand.InviteMember(key, key, null, "Analyst", Actor.admin("owner@example.com"), owner)).await().atMost(WAIT);
    }

    @Test
    void g7_workspaceABWithKeyCAndWorkspaceAWithKeyBCAreTwoStreams() {
        String a = workspace("g7" + UUID.randomUUID().toString().substring(0, 6));
        String ab = workspace(a + "-b");

        invite(ab, "c@example.com");
        invite(a, "b-c@example.com");

        assertThat(MemberKeys.streamId(ab, "c@example.com")).isNotEqualTo(MemberKeys.streamId(a, "b-c@example.com"));
        assertThat(events.member(ab, "c@example.com")).singleElement().satisfies(e -> assertThat(e.version()).isEqualTo(1));
        assertThat(events.member(a, "b-c@example.com")).singleElement().satisfies(e -> assertThat(e.version()).isEqualTo(1));
        assertThat(members.peek(ab, "c@example.com").await().atMost(WAIT).member().isMember()).isTrue();
        assertThat(members.peek(a, "b-c@example.com").await().atMost(WAIT).member().isMember()).isTrue();
    }

    @Test
    void g7_theMigrationMovesAStreamWrittenWithTheOldIdToTheNewOne_andItKeepsWorking() throws IOException {
        String ws = workspace("g7old" + UUID.randomUUID().toString().substring(0, 6));
        String key = "old-timer@example.com";
        String oldId = "member-" + ws + "-" + key;
        MemberEvent.UserInvited invited = new MemberEvent.UserInvited(key, key, null, "Analyst", Actor.admin("owner@example.com"), Instant.now());
        store.append(oldId, 0, List.of(new NewEvent(UUID.randomUUID(), invited,
                new EventMetadata(ws, "admin:owner@example.com", UUID.randomUUID().toString(), null), invited.at()))).await().atMost(WAIT);
        assertThat(members.peek(ws, key).await().atMost(WAIT).member().isMember()).as("before the migration").isFalse();

        for (String statement : migrationOfStreamIds()) {
            pool.query(statement).execute().await().atMost(WAIT);
        }

        assertThat(events.stream(oldId)).isEmpty();
        assertThat(events.member(ws, key)).extracting(EventLog.Entry::type).containsExactly("user.invited.v1");
        assertThat(members.peek(ws, key).await().atMost(WAIT).member().storedRole()).isEqualTo("Analyst");
        // the moved stream takes the next event at the next version
        members.execute(ws, key, new EventMetadata(ws, "admin:owner@example.com", UUID.randomUUID().toString(), null),
                new MemberCommand.RevokeAccess(Actor.admin("owner@example.com"), new Grantor("owner@example.com", Permissions.ALL)))
                .await().atMost(WAIT);
        assertThat(events.member(ws, key)).extracting(EventLog.Entry::type).containsExactly("user.invited.v1", "user.deleted.v1");
    }

    /** The G7 statements of V7__hardening.sql, as Flyway ran them (trigger off, update, trigger on). */
    private static List<String> migrationOfStreamIds() throws IOException {
        try (InputStream in = StreamIdsTest.class.getResourceAsStream("/db/migration/V7__hardening.sql")) {
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String part = sql.substring(sql.indexOf("ALTER TABLE events DISABLE TRIGGER"),
                    sql.indexOf("ENABLE TRIGGER events_append_only;") + "ENABLE TRIGGER events_append_only;".length());
            return List.of(part.split(";\\s*")).stream().map(String::strip).filter(st -> !st.isEmpty()).toList();
        }
    }
}
