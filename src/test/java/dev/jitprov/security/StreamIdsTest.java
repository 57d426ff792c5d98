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

    /** Appends {@code key}'s invitation of workspace {@code ws} to a stream written with the pre-V7 id. */
    private void appendWithOldId(String oldId, int expectedVersion, String ws, String key) {
        MemberEvent.UserInvited invited = new MemberEvent.UserInvited(key, key, null, "Analyst", Actor.admin("owner@example.com"), Instant.now());
        store.append(oldId, expectedVersion, List.of(new NewEvent(UUID.randomUUID(), invited,
                new EventMetadata(ws, "admin:owner@example.com", UUID.randomUUID().toString(), null), invited.at()))).await().atMost(WAIT);
    }

    /** Writes old ids (the check V7 adds refuses them since), then runs V7's rewrite as Flyway did. */
    private void migrateStreamsWrittenBy(Runnable oldRelease) throws IOException {
        pool.query("ALTER TABLE events DROP CONSTRAINT events_member_stream_id").execute().await().atMost(WAIT);
        try {
            oldRelease.run();
            for (String statement : migrationOfStreamIds()) {
                pool.query(statement).execute().await().atMost(WAIT);
            }
        } finally {
            pool.query("ALTER TABLE events ADD CONSTRAINT events_member_stream_id CHECK (stream_id NOT LIKE 'member-%' OR strpos(stream_id, '/') > 0)")
                    .execute().await().atMost(WAIT);
        }
    }

    @Test
    void g7_anAppendWithTheOldIdIsRefused_soAReplicaOfThePreviousReleaseCannotForkAStream() {
        String ws = workspace("g7refuse" + UUID.randomUUID().toString().substring(0, 6));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> appendWithOldId("member-" + ws + "-late@example.com", 0, ws, "late@example.com"))
                .hasMessageContaining("events_member_stream_id");
    }

    @Test
    void g7_aStreamTwoWorkspacesSharedIsSplitWithGaplessVersions_andBothMembersKeepWorking() throws IOException {
        String a = workspace("g7c" + UUID.randomUUID().toString().substring(0, 6));
        String ab = workspace(a + "-b");
        String shared = "member-" + a + "-b-c@example.com";
        migrateStreamsWrittenBy(() -> {
            appendWithOldId(shared, 0, ab, "c@example.com");
            appendWithOldId(shared, 1, a, "b-c@example.com");
        });

        assertThat(events.member(ab, "c@example.com")).extracting(EventLog.Entry::version).containsExactly(1);
        assertThat(events.member(a, "b-c@example.com")).extracting(EventLog.Entry::version).containsExactly(1);
        Grantor owner = new Grantor("owner@example.com", Permissions.ALL);
        for (String[] member : List.of(new String[]{ab, "c@example.com"}, new String[]{a, "b-c@example.com"})) {
            members.execute(member[0], member[1], new EventMetadata(member[0], "admin:owner@example.com", UUID.randomUUID().toString(), null),
                    new MemberCommand.ChangeRole("Marketer", Actor.admin("owner@example.com"), owner)).await().atMost(WAIT);
            assertThat(events.member(member[0], member[1])).extracting(EventLog.Entry::type).containsExactly("user.invited.v1", "role.changed.v1");
        }
    }

    @Test
    void g7_theMigrationMovesAStreamWrittenWithTheOldIdToTheNewOne_andItKeepsWorking() throws IOException {
        String ws = workspace("g7old" + UUID.randomUUID().toString().substring(0, 6));
        String key = "old-timer@example.com";
        String oldId = "member-" + ws + "-" + key;
        migrateStreamsWrittenBy(() -> {
            appendWithOldId(oldId, 0, ws, key);
            assertThat(members.peek(ws, key).await().atMost(WAIT).member().isMember()).as("before the migration").isFalse();
        });

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
            return List.of(part.split(";\\s*")).stream()
                    .map(st -> st.lines().filter(line -> !line.strip().startsWith("--")).collect(java.util.stream.Collectors.joining("\n")).strip())
                    .filter(st -> !st.isEmpty()).toList();
        }
    }
}
