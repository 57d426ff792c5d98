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
 *   <li>a member created in the batch ({@code UserProvisioned}, {@code UserInvited}, {@code OwnerCreated}) is a
 *       {@link Change#created created} change: a creation overwrites every column the row had, so the row after the
 *       batch is known in full (the creation, then the member's later events of the batch, applied here in memory);</li>
 *   <li>any other member's change is a patch: the last role set, the latest sign-in, the last deletion, each a
 *       column of its own (null or false: unchanged), so they compose in any order with what the row holds (the
 *       UPDATE reads it).</li>
 * </ul>
 * Pure: no database, no framework.
 */
final class MemberRowChanges {

    /** One member's change: the whole row when {@link #created}, else only the columns the batch set. */
    static final class Change {
        final String workspaceId;
        final String memberKey;
        /** A creation in the batch: every field is the row's; else a patch of role, sign-in and deletion. */
        final boolean created;
        String email;
        String displayName;
        MemberOrigin origin;
        boolean temporary;
        Instant createdAt;
        String role;
        Instant lastSignInAt;
        boolean deleted;
        Instant deletedAt;
        /** Set by SCIM (issue 18); null in a patch: unchanged. */
        Boolean deactivated;
        long lastPosition;

        Change(String workspaceId, String memberKey, boolean created) {
            this.workspaceId = workspaceId;
            this.memberKey = memberKey;
            this.created = created;
        }
    }

    private final Map<List<String>, Change> changes = new LinkedHashMap<>();

    /** Folds the events in their order. */
    static MemberRowChanges of(List<Projection.Decoded> events) {
        MemberRowChanges changes = new MemberRowChanges();
        for (Projection.Decoded decoded : events) {
            changes.add(decoded.event(), decoded.payload());
        }
        return changes;
    }

    /** The members the batch created: whole rows, to upsert. */
    List<Change> rows() {
        return changes.values().stream().filter(c -> c.created).toList();
    }

    /** The other members the batch touched: patches, to update. */
    List<Change> patches() {
        return changes.values().stream().filter(c -> !c.created).toList();
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
            Change change = changeOf(id, event);
            change.role = e.to();
            change.lastPosition = event.position();
        } else if (payload instanceof SessionStarted e) {
            Change change = changeOf(id, event);
            // the latest start wins, as greatest() in SQL (a session started earlier but applied later)
            change.lastSignInAt = latest(change.lastSignInAt, e.startedAt());
            change.lastPosition = event.position();
        } else if (payload instanceof dev.jitprov.provisioning.MemberEvent.ScimProfileChanged e) {
            Change change = changeOf(id, event);
            dev.jitprov.provisioning.ScimProfile p = e.profile();
            if (p.email() != null && !p.email().isBlank()) {
                change.email = p.email().strip();
            }
            if (p.shownName() != null) {
                change.displayName = p.shownName();
            }
            change.lastPosition = event.position();
        } else if (payload instanceof dev.jitprov.provisioning.MemberEvent.UserDeactivated
                || payload instanceof dev.jitprov.provisioning.MemberEvent.UserReactivated) {
            Change change = changeOf(id, event);
            change.deactivated = payload instanceof dev.jitprov.provisioning.MemberEvent.UserDeactivated;
            change.lastPosition = event.position();
        } else if (payload instanceof UserDeleted e) {
            Change change = changeOf(id, event);
            change.deleted = true;
            change.deletedAt = e.at();
            change.lastPosition = event.position();
        }
    }

    /** The member's change so far, a new patch when the batch had none. */
    private Change changeOf(List<String> id, ProjectedEvent event) {
        return changes.computeIfAbsent(id, ignored -> new Change(event.workspaceId(), event.memberKey(), false));
    }

    private void create(List<String> id, ProjectedEvent event, String email, String displayName, String role,
                        MemberOrigin origin, boolean temporary, Instant createdAt) {
        // whatever the batch did to the row before is overwritten, as the upsert overwrites it
        Change row = new Change(event.workspaceId(), event.memberKey(), true);
        row.email = email;
        row.displayName = displayName;
        row.role = role;
        row.origin = origin;
        row.temporary = temporary;
        row.createdAt = createdAt;
        row.deactivated = false;
        row.lastPosition = event.position();
        changes.put(id, row);
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}
