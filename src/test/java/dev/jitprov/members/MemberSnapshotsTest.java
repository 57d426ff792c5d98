package dev.jitprov.members;

import dev.jitprov.eventstore.EventStore;
import dev.jitprov.provisioning.MemberDecider;
import dev.jitprov.provisioning.MemberEvent;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.MemberOrigin;
import dev.jitprov.provisioning.MemberState;
import dev.jitprov.provisioning.ScimProfile;
import dev.jitprov.support.Db;
import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20: a member decision reads the stream's snapshot and at most {@code jit.members.snapshot-after} events after
 * it, however long the member's history, and decides on exactly the state the whole stream folds to. Driven through
 * real signed sign-ins at the ACS (each appends a session to the member's stream).
 */
@QuarkusTest
class MemberSnapshotsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    Pool pool;
    @Inject
    EventStore store;
    @Inject
    MemberSnapshots snapshots;
    @Inject
    MembersConfig config;

    @Test
    void a_long_history_is_read_from_its_snapshot_and_folds_to_the_same_member_as_the_whole_stream() {
        Scenario s = Scenario.withJit("snapshots", Map.of());
        String streamId = MemberKeys.streamId(s.workspaceId, MemberKeys.normalize("long.history@example.com"));
        int signIns = 2 * config.snapshotAfter() + 3;
        for (int i = 0; i < signIns; i++) {
            s.signIn("long.history@example.com");
        }

        int streamVersion = (int) Db.count(pool, "SELECT max(version) FROM events WHERE stream_id = $1", streamId);
        assertThat(streamVersion).isGreaterThanOrEqualTo(signIns + 1); // provisioned, then a session per sign-in
        Row snapshot = snapshot(streamId);
        assertThat(snapshot.getString("fold")).isEqualTo(MemberSnapshots.FOLD);
        assertThat(streamVersion - snapshot.getInteger("version")).as("events on top of the snapshot")
                .isLessThan(config.snapshotAfter());

        MemberSnapshots.Loaded loaded = snapshots.load(pool, streamId).await().atMost(WAIT);
        assertThat(loaded.eventsSinceSnapshot()).isEqualTo(streamVersion - snapshot.getInteger("version"));
        assertThat(loaded.member()).isEqualTo(wholeStream(streamId));
        assertThat(loaded.member().sessions()).isNotEmpty();
    }

    @Test
    void a_snapshot_of_another_fold_or_one_that_does_not_decode_is_ignored_and_written_again() {
        Scenario s = Scenario.withJit("snapshots-stale", Map.of());
        String streamId = MemberKeys.streamId(s.workspaceId, MemberKeys.normalize("stale@example.com"));
        for (int i = 0; i < config.snapshotAfter() + 1; i++) {
            s.signIn("stale@example.com");
        }
        assertThat(snapshot(streamId)).isNotNull();

        // a release with another fold: its snapshot is not read
        Db.count(pool, "WITH u AS (UPDATE stream_snapshots SET fold = 'an-older-fold', state = '{\"exists\": false}' "
                + "WHERE stream_id = $1 RETURNING 1) SELECT count(*) FROM u", streamId);
        assertThat(snapshots.load(pool, streamId).await().atMost(WAIT).member()).isEqualTo(wholeStream(streamId));

        // this fold's snapshot, but damaged: folded from the first event instead, and the next decision writes it again
        Db.count(pool, "WITH u AS (UPDATE stream_snapshots SET fold = $2, state = '{\"exists\": tru' "
                + "WHERE stream_id = $1 RETURNING 1) SELECT count(*) FROM u", streamId, MemberSnapshots.FOLD);
        assertThat(snapshots.load(pool, streamId).await().atMost(WAIT).member()).isEqualTo(wholeStream(streamId));
        s.signIn("stale@example.com");
        Row rewritten = snapshot(streamId);
        assertThat(rewritten.getString("state")).startsWith("{");
        assertThat(snapshots.read(streamId, rewritten.getString("state"))).isEqualTo(wholeStream(streamId));
    }

    @Test
    void every_field_of_the_member_survives_the_snapshot() {
        Map<String, MemberState.ActiveSession> sessions = new LinkedHashMap<>();
        Instant at = Instant.parse("2026-12-02T10:15:30.123456789Z");
        sessions.put("s-2", new MemberState.ActiveSession("s-2", "viewer", at, at.plusSeconds(3600)));
        sessions.put("s-1", new MemberState.ActiveSession("s-1", "admin", at.minusSeconds(60), null));
        MemberState rich = new MemberState(true, true, "ada@example.com", "ada@example.com", "Ada L", "editor",
                MemberOrigin.SCIM, true, at.minusSeconds(86_400), at, sessions, false, true,
                new ScimProfile("Ada@Example.com", "ext-1", "Ada", "Lovelace", "Ada L", "ada@example.com", "editor",
                        "{\"title\":\"Countess\"}"), 42);

        MemberState read = snapshots.read("member-x/ada", snapshots.write(rich));

        assertThat(read).isEqualTo(rich);
        assertThat(List.copyOf(read.sessions().keySet())).containsExactly("s-2", "s-1"); // start order kept
        assertThat(snapshots.read("member-x/new", snapshots.write(MemberState.initial()))).isEqualTo(MemberState.initial());
    }

    private Row snapshot(String streamId) {
        List<Row> rows = Db.rows(pool, "SELECT version, fold, state FROM stream_snapshots WHERE stream_id = $1", streamId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private MemberState wholeStream(String streamId) {
        return MemberDecider.DECIDER.fold(store.decodeAll(store.readStream(pool, streamId, 0).await().atMost(WAIT), MemberEvent.class));
    }
}
