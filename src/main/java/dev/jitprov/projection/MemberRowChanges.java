package dev.jitprov.projection;

import dev.jitprov.provisioning.MemberEvent.OwnerCreated;
import dev.jitprov.provisioning.MemberEvent.RoleChanged;
import dev.jitprov.provisioning.MemberEvent.SessionStarted;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.provisioning.MemberEvent.UserInvited;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.MemberOrigin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch of events folded into one change per member row of {@code members_view}, so that the batch is written
 * with two set-based statements instead of one statement per event, with the same rows as applying the events
 * one at a time:
 * <ul>
 *   <li>a member created in the batch ({@code UserProvisioned}, {@code UserInvited}, {@code OwnerCreated}) gets a
 *       {@link Row}: a creation overwrites every column the row had, so the row after the batch is known in full
 *       (the creation, then the member's later events of the batch, applied here in memory);</li>
 *   <li>any other member gets a {@link Patch}: the last role set, the latest sign-in, the last deletion, each a
 *       column of its own, so they compose in any order with what the row holds (the UPDATE reads it).</li>
 * </ul>
 * Pure: no database, no framework.
 */
final class MemberRowChanges {

    /** The whole row after the batch (upserted). */
    static final class Row {
        final String workspaceId;
        final String memberKey;
        String email;
        String displayName;
        String role;
        MemberOrigin origin;
        boolean temporary;
        boolean deleted;
        Instant createdAt;
        Instant lastSignInAt;
        Instant deletedAt;
        long lastPosition;

        Row(String workspaceId, String memberKey) {
            this.workspaceId = workspaceId;
            this.memberKey = memberKey;
        }
    }

    /** The columns the batch changes in a row it did not create; null fields change nothing. */
    static final class Patch {
        final String workspaceId;
        final String memberKey;
        String role;
        Instant lastSignInAt;
        boolean deleted;
        Instant deletedAt;
        long lastPosition;

        Patch(String workspaceId, String memberKey) {
            this.workspaceId = workspaceId;
            this.memberKey = memberKey;
        }
    }

    private final Map<List<String>, Object> changes = new LinkedHashMap<>();

    /** Folds the events in their order. */
    static MemberRowChanges of(List<Projection.Decoded> events) {
        MemberRowChanges changes = new MemberRowChanges();
        for (Projection.Decoded decoded : events) {
            changes.add(decoded.event(), decoded.payload());
        }
        return changes;
    }

    List<Row> rows() {
        return changes.values().stream().filter(Row.class::isInstance).map(Row.class::cast).toList();
    }

    List<Patch> patches() {
        return changes.values().stream().filter(Patch.class::isInstance).map(Patch.class::cast).toList();
    }

    private void add(ProjectedEvent event, Object payload) {
        String ws = event.workspaceId();
        String key = event.memberKey();
        if (key == null) {
            return;
        }
        List<String> id = List.of(ws, key);
        if (payload instanceof UserProvisioned e) {
            create(id, event, e.email(), e.displayName(), e.role(), e.origin(), e.temporary(), e.at());
        } else if (payload instanceof UserInvited e) {
            create(id, event, e.email(), e.displayName(), e.role(), MemberOrigin.INVITE, false, e.at());
        } else if (payload instanceof OwnerCreated e) {
            create(id, event, e.email(), null, e.role(), MemberOrigin.PASSWORD, false, e.at());
        } else if (payload instanceof RoleChanged e) {
            Object change = changes.computeIfAbsent(id, ignored -> new Patch(ws, key));
            if (change instanceof Row row) {
                row.role = e.to();
                row.lastPosition = event.position();
            } else if (change instanceof Patch patch) {
                patch.role = e.to();
                patch.lastPosition = event.position();
            }
        } else if (payload instanceof SessionStarted e) {
            Object change = changes.computeIfAbsent(id, ignored -> new Patch(ws, key));
            // the latest start wins, as greatest() in SQL (a session started earlier but applied later)
            if (change instanceof Row row) {
                row.lastSignInAt = latest(row.lastSignInAt, e.startedAt());
                row.lastPosition = event.position();
            } else if (change instanceof Patch patch) {
                patch.lastSignInAt = latest(patch.lastSignInAt, e.startedAt());
                patch.lastPosition = event.position();
            }
        } else if (payload instanceof UserDeleted e) {
            Object change = changes.computeIfAbsent(id, ignored -> new Patch(ws, key));
            if (change instanceof Row row) {
                row.deleted = true;
                row.deletedAt = e.at();
                row.lastPosition = event.position();
            } else if (change instanceof Patch patch) {
                patch.deleted = true;
                patch.deletedAt = e.at();
                patch.lastPosition = event.position();
            }
        }
    }

    private void create(List<String> id, ProjectedEvent event, String email, String displayName, String role,
                        MemberOrigin origin, boolean temporary, Instant createdAt) {
        // whatever the batch did to the row before is overwritten, as the upsert overwrites it
        Row row = new Row(event.workspaceId(), event.memberKey());
        row.email = email;
        row.displayName = displayName;
        row.role = role;
        row.origin = origin;
        row.temporary = temporary;
        row.createdAt = createdAt;
        row.lastPosition = event.position();
        changes.put(id, row);
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}
