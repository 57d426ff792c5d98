package dev.jitprov.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.expiry.Deadline;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.MemberOrigin;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Many temporary members at once, written as the service leaves them after a JIT sign-in and the deadline
 * consumer: the {@code user.provisioned.v1} event as version 1 of each member stream, the member index row and
 * the MEMBER deadline at created + TTL. Provisioning ten thousand members through the write path takes minutes;
 * tests and benchmarks of the expiry use this to start from the same rows in seconds.
 */
public final class BulkMembers {

    private BulkMembers() {
    }

    /** Members {@code temp-<i>@bench.example}, i from 0 to count-1. */
    public static void seedTemporary(Pool pool, ObjectMapper json, String ws, int count, Instant created, Duration ttl) {
        Actor idp = Actor.idp("https://idp.example.test/bulk");
        String meta = write(json, new EventMetadata(ws, "idp:https://idp.example.test/bulk", "bulk-" + UUID.randomUUID(), null));
        OffsetDateTime at = OffsetDateTime.ofInstant(created, ZoneOffset.UTC);
        OffsetDateTime due = OffsetDateTime.ofInstant(created.plus(ttl), ZoneOffset.UTC);
        int chunk = 5_000;
        for (int first = 0; first < count; first += chunk) {
            int size = Math.min(chunk, count - first);
            List<String> keys = new ArrayList<>(size);
            List<String> payloads = new ArrayList<>(size);
            for (int i = first; i < first + size; i++) {
                String key = key(i);
                keys.add(key);
                payloads.add(write(json, new UserProvisioned(key, key, "Temp " + i, "Analyst", MemberOrigin.JIT, true, "resolved", idp, created)));
            }
            String[] k = keys.toArray(String[]::new);
            pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO events (event_id, stream_id, version, type, workspace_id, payload, metadata, occurred_at) "
                                    + "SELECT gen_random_uuid(), $2 || k, 1, $3, $1, p::jsonb, $4::jsonb, $5 FROM unnest($6::text[], $7::text[]) AS x(k, p)")
                            .execute(Tuple.tuple(List.of(ws, MemberKeys.streamId(ws, ""), UserProvisioned.TYPE, meta, at, k, payloads.toArray(String[]::new))))
                            .flatMap(ignored -> conn.preparedQuery("INSERT INTO member_index (workspace_id, member_key, member_id, email, role, origin, temporary, created_at) "
                                            + "SELECT $1, k, id, k, 'Analyst', 'JIT', true, $2 FROM unnest($3::text[], $4::uuid[]) AS x(k, id)")
                                    .execute(Tuple.of(ws, at, k, keys.stream().map(key -> MemberKeys.memberId(ws, key)).toArray(UUID[]::new))))
                            .flatMap(ignored -> conn.preparedQuery("INSERT INTO expiry_deadlines (kind, workspace_id, member_key, target, due_at) "
                                            + "SELECT 'MEMBER', $1, k, $2, $3 FROM unnest($4::text[]) AS k")
                                    .execute(Tuple.of(ws, Deadline.MEMBER_TARGET, due, k))))
                    .await().indefinitely();
        }
    }

    /**
     * An onboarding wave: {@code count} members {@code wave-<i>@<ws>.example} created by JIT (not temporary), each as
     * version 1 of its stream plus its member index row, committed in chunks of {@code chunk} so the relay publishes
     * them while later chunks are still being written. {@code roleOf} gives member i's role.
     */
    public static void seedJitWave(Pool pool, ObjectMapper json, String ws, int count, int chunk, java.util.function.IntFunction<String> roleOf) {
        Actor idp = Actor.idp("https://idp.example.test/wave");
        String meta = write(json, new EventMetadata(ws, "idp:https://idp.example.test/wave", "wave-" + UUID.randomUUID(), null));
        for (int first = 0; first < count; first += chunk) {
            int size = Math.min(chunk, count - first);
            OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
            List<String> keys = new ArrayList<>(size);
            List<String> roles = new ArrayList<>(size);
            List<String> payloads = new ArrayList<>(size);
            for (int i = first; i < first + size; i++) {
                String key = "wave-" + i + "@" + ws + ".example";
                keys.add(key);
                roles.add(roleOf.apply(i));
                payloads.add(write(json, new UserProvisioned(key, key, "Wave " + i, roleOf.apply(i), MemberOrigin.JIT, false, "resolved", idp,
                        at.toInstant())));
            }
            String[] k = keys.toArray(String[]::new);
            pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO events (event_id, stream_id, version, type, workspace_id, payload, metadata, occurred_at) "
                                    + "SELECT gen_random_uuid(), $2 || k, 1, $3, $1, p::jsonb, $4::jsonb, $5 FROM unnest($6::text[], $7::text[]) AS x(k, p)")
                            .execute(Tuple.tuple(List.of(ws, MemberKeys.streamId(ws, ""), UserProvisioned.TYPE, meta, at, k, payloads.toArray(String[]::new))))
                            .flatMap(ignored -> conn.preparedQuery("INSERT INTO member_index (workspace_id, member_key, member_id, email, role, origin, temporary, created_at) "
                                            + "SELECT $1, k, id, k, r, 'JIT', false, $2 FROM unnest($3::text[], $4::uuid[], $5::text[]) AS x(k, id, r)")
                                    .execute(Tuple.of(ws, at, k, keys.stream().map(key -> MemberKeys.memberId(ws, key)).toArray(UUID[]::new),
                                            roles.toArray(String[]::new)))))
                    .await().indefinitely();
        }
    }

    public static String key(int i) {
        return "temp-" + i + "@bench.example";
    }

    private static String write(ObjectMapper json, Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
