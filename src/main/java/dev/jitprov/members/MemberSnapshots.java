package dev.jitprov.members;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.EventStore;
import dev.jitprov.provisioning.MemberDecider;
import dev.jitprov.provisioning.MemberEvent;
import dev.jitprov.provisioning.MemberOrigin;
import dev.jitprov.provisioning.MemberState;
import dev.jitprov.provisioning.ScimProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Member streams read from a snapshot (issue 20): every sign-in appends to its member's stream (a session started, later
 * ended), so folding the whole stream made a member's 500th sign-in read and decode a thousand events. A decision now
 * reads the stream's snapshot and the events after it, and writes a new snapshot, in the transaction of its append,
 * once {@link MembersConfig#snapshotAfter()} events lie on top of the last one: at most that many events are read.
 *
 * <p>A snapshot is derived data: it is used only when it was written by the same fold ({@link #FOLD}, a fingerprint of
 * the classes that define {@link MemberState} and its evolution), so a release that changes the fold ignores older
 * snapshots and writes new ones as members sign in; a snapshot that does not decode is ignored the same way (logged).
 */
@ApplicationScoped
public class MemberSnapshots {

    private static final Logger LOG = Logger.getLogger(MemberSnapshots.class);

    /**
     * Fingerprint of the fold: the class files of the state, of what it holds and of the events (with their nested
     * classes); its evolve is in MemberState. Any change to them, even a recompile that changes the bytes, only costs
     * every member one whole-stream fold.
     */
    static final String FOLD = fingerprint(MemberState.class, MemberState.ActiveSession.class, ScimProfile.class,
            MemberOrigin.class, MemberDecider.class, MemberEvent.class);

    /** The member folded from its snapshot and the events after it, and how many events it folded on top of the snapshot. */
    record Loaded(MemberState member, int eventsSinceSnapshot) {
    }

    private final EventStore store;
    private final ObjectMapper json;
    private final MembersConfig config;

    public MemberSnapshots(EventStore store, ObjectMapper json, MembersConfig config) {
        this.store = store;
        // a snapshot written by the same fold has exactly the state's fields; this only keeps a stray field harmless
        this.json = json.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.config = config;
    }

    /** The member from the stream's snapshot and the events after it (one statement: locked or not). */
    Uni<Loaded> load(SqlClient client, String streamId) {
        return store.readFromSnapshot(client, streamId, FOLD).flatMap(read -> fold(client, streamId, read));
    }

    /**
     * Writes {@code after} as the stream's snapshot when the decision leaves {@link MembersConfig#snapshotAfter()}
     * events or more on top of the last snapshot; otherwise nothing. In the decision's transaction, behind its append.
     */
    Uni<Void> saveIfDue(SqlClient client, String streamId, Loaded before, MemberState after, int appended) {
        int onTop = before.eventsSinceSnapshot() + appended;
        if (config.snapshotAfter() <= 0 || onTop < config.snapshotAfter()) {
            return Uni.createFrom().voidItem();
        }
        return store.saveSnapshot(client, streamId, after.version(), FOLD, write(after));
    }

    private Uni<Loaded> fold(SqlClient client, String streamId, EventStore.FromSnapshot read) {
        MemberState start = MemberState.initial();
        if (read.snapshotState() != null) {
            MemberState snapshot = read(streamId, read.snapshotState());
            if (snapshot == null || snapshot.version() != read.snapshotVersion()) {
                // not usable: fold the whole stream (one more read); counted as due, so a decision writes a good one
                return store.readStream(client, streamId, 0).map(events -> {
                    List<MemberEvent> all = store.decodeAll(events, MemberEvent.class);
                    return new Loaded(MemberDecider.DECIDER.fold(all), Math.max(all.size(), config.snapshotAfter()));
                });
            }
            start = snapshot;
        }
        List<MemberEvent> events = store.decodeAll(read.events(), MemberEvent.class);
        return Uni.createFrom().item(new Loaded(MemberDecider.DECIDER.fold(start, events), events.size()));
    }

    String write(MemberState state) {
        try {
            return json.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("member state does not serialize to JSON", e);
        }
    }

    /** The snapshot's state, or null (logged) when it does not decode. */
    MemberState read(String streamId, String state) {
        try {
            return json.readValue(state, MemberState.class);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("stream %s: its snapshot does not decode, folding the whole stream instead: %s", streamId, e.getMessage());
            return null;
        }
    }

    private static String fingerprint(Class<?>... classes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<Class<?>> all = new ArrayList<>();
            for (Class<?> type : classes) {
                all.add(type);
                // the events' records too: how a stored event decodes is part of the fold
                all.addAll(Arrays.stream(type.getDeclaredClasses()).sorted(Comparator.comparing(Class::getName)).toList());
            }
            for (Class<?> type : all) {
                String resource = type.getName().substring(type.getPackageName().length() + 1) + ".class";
                try (InputStream in = type.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException("class file of " + type.getName() + " not found");
                    }
                    sha.update(in.readAllBytes());
                }
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
