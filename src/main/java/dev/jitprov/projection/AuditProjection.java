package dev.jitprov.projection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.LoginRejected;
import dev.jitprov.provisioning.MemberEvent;
import dev.jitprov.provisioning.MemberEvent.OwnerCreated;
import dev.jitprov.provisioning.MemberEvent.RoleChangeSkipped;
import dev.jitprov.provisioning.MemberEvent.RoleChanged;
import dev.jitprov.provisioning.MemberEvent.SessionEnded;
import dev.jitprov.provisioning.MemberEvent.SessionStarted;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.provisioning.MemberEvent.UserInvited;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.RoleResolution;
import dev.jitprov.provisioning.WorkspaceEvent;
import dev.jitprov.provisioning.WorkspaceEvent.ApiTokenCreated;
import dev.jitprov.provisioning.WorkspaceEvent.ApiTokenRevoked;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningDisabled;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningEnabled;
import dev.jitprov.provisioning.WorkspaceEvent.ProvisioningUpdated;
import dev.jitprov.provisioning.WorkspaceEvent.RoleDefined;
import dev.jitprov.provisioning.WorkspaceEvent.RoleRemoved;
import dev.jitprov.provisioning.WorkspaceEvent.ScimDisabled;
import dev.jitprov.provisioning.WorkspaceEvent.ScimEnabled;
import dev.jitprov.provisioning.WorkspaceEvent.SecuritySettingsChanged;
import dev.jitprov.provisioning.WorkspaceEvent.SsoConfigured;
import dev.jitprov.provisioning.WorkspaceEvent.WorkspaceCreated;
import dev.jitprov.workspace.DomainEventTypes;
import dev.jitprov.eventstore.Writes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static dev.jitprov.eventstore.Writes.column;
import static dev.jitprov.projection.MembersProjection.utc;

/**
 * The audit log (R17): one entry per domain event, id = event id. Each entry names its actor (IdP, admin,
 * operator, system, user), the member it concerns with its e-mail (kept in {@code audit_members}, so entries
 * keep the identity of members deleted since), a one-line summary and the event's details: before/after of
 * configuration changes, the reason code of a rejected sign-in, the {@code role_missing}/{@code role_unknown}
 * note of a default-role fallback (R7). The mapping is listed in docs/events.md.
 */
@ApplicationScoped
public class AuditProjection implements Projection {

    public static final String NAME = "audit";

    /** The event types that become audit entries: every domain event type. */
    public static final Set<String> TYPES = DomainEventTypes.all().stream().map(AuditProjection::typeOf)
            .collect(Collectors.toUnmodifiableSet());

    /** The batch's entries, one array per column (a row per event; the ids are unique within a batch). */
    private static final String INSERT_ENTRIES = "INSERT INTO audit_log (id, position, workspace_id, occurred_at, type, actor_type, actor_id, "
            + "member_key, member_email, summary, details) SELECT id, position, workspace_id, occurred_at, type, actor_type, actor_id, "
            + "member_key, member_email, summary, details::jsonb FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::timestamptz[], "
            + "$5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[]) "
            + "AS e(id, position, workspace_id, occurred_at, type, actor_type, actor_id, member_key, member_email, summary, details) "
            + "ON CONFLICT (id) DO NOTHING";

    /** The e-mails the batch carries, the last one per member. */
    private static final String UPSERT_EMAILS = "INSERT INTO audit_members (workspace_id, member_key, email) "
            + "SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) "
            + "ON CONFLICT (workspace_id, member_key) DO UPDATE SET email = EXCLUDED.email";

    /** One audit entry, as written. */
    private record Entry(UUID id, long position, String workspaceId, OffsetDateTime occurredAt, String type,
                         String actorType, String actorId, String memberKey, String memberEmail, String summary, String details) {
    }

    private final ObjectMapper json;

    public AuditProjection(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> tables() {
        return List.of("audit_log", "audit_members");
    }

    @Override
    public Uni<Void> apply(SqlConnection conn, List<Decoded> events) {
        List<Decoded> audited = events.stream().filter(d -> d.payload() instanceof WorkspaceEvent
                || d.payload() instanceof MemberEvent || d.payload() instanceof LoginRejected).toList();
        if (audited.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return knownEmails(conn, audited).flatMap(emails -> {
            // The e-mail book as of each event: entries read it, creations update it (in memory, in order).
            Map<List<String>, String> carried = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>(audited.size());
            for (Decoded decoded : audited) {
                entries.add(entry(emails, carried, decoded.event(), decoded.payload()));
            }
            Writes writes = new Writes();
            if (!carried.isEmpty()) {
                List<Map.Entry<List<String>, String>> book = new ArrayList<>(carried.entrySet());
                writes.add(UPSERT_EMAILS, Tuple.of(
                        column(book, e -> e.getKey().get(0), String[]::new),
                        column(book, e -> e.getKey().get(1), String[]::new),
                        column(book, Map.Entry::getValue, String[]::new)));
            }
            writes.add(INSERT_ENTRIES, Tuple.tuple(List.of(
                    column(entries, Entry::id, UUID[]::new),
                    column(entries, Entry::position, Long[]::new),
                    column(entries, Entry::workspaceId, String[]::new),
                    column(entries, Entry::occurredAt, OffsetDateTime[]::new),
                    column(entries, Entry::type, String[]::new),
                    column(entries, Entry::actorType, String[]::new),
                    column(entries, Entry::actorId, String[]::new),
                    column(entries, Entry::memberKey, String[]::new),
                    column(entries, Entry::memberEmail, String[]::new),
                    column(entries, Entry::summary, String[]::new),
                    column(entries, Entry::details, String[]::new))));
            return writes.execute(conn);
        });
    }

    /**
     * The entry of one event; {@code emails} is the member e-mail book as of this event (updated by it), and
     * {@code carried} collects the e-mails the batch brings, to store.
     */
    private Entry entry(Map<List<String>, String> emails, Map<List<String>, String> carried, ProjectedEvent event, Object payload) {
        String ws = event.workspaceId();
        String key = keyOf(event, payload);
        String carriedEmail = emailCarriedBy(payload);
        String email;
        if (key == null) {
            email = null;
        } else if (carriedEmail != null) {
            emails.put(List.of(ws, key), carriedEmail);
            carried.put(List.of(ws, key), carriedEmail);
            email = carriedEmail;
        } else {
            email = emails.get(List.of(ws, key));
            if (email == null && payload instanceof LoginRejected r && r.nameId() != null && r.nameId().contains("@")) {
                // a rejected sign-in of someone never seen: the NameID is usually the e-mail
                email = r.nameId().strip();
            }
        }
        String[] actor = actorOf(event, payload);
        return new Entry(event.eventId(), event.position(), ws, utc(event.occurredAt()), event.type(), actor[0], actor[1],
                key, email, summaryOf(payload, key, email), detailsOf(event, payload).toString());
    }

    private static String keyOf(ProjectedEvent event, Object payload) {
        return payload instanceof LoginRejected r ? MemberKeys.normalize(r.nameId()) : event.memberKey();
    }

    /** The stored e-mails of the members the batch mentions without carrying an e-mail: one query per batch. */
    private static Uni<Map<List<String>, String>> knownEmails(SqlConnection conn, List<Decoded> audited) {
        Set<List<String>> wanted = new LinkedHashSet<>();
        for (Decoded decoded : audited) {
            String key = keyOf(decoded.event(), decoded.payload());
            if (key != null && emailCarriedBy(decoded.payload()) == null) {
                wanted.add(List.of(decoded.event().workspaceId(), key));
            }
        }
        Map<List<String>, String> emails = new HashMap<>();
        if (wanted.isEmpty()) {
            return Uni.createFrom().item(emails);
        }
        return conn.preparedQuery("SELECT m.workspace_id, m.member_key, m.email FROM audit_members m "
                        + "JOIN unnest($1::text[], $2::text[]) AS w(workspace_id, member_key) "
                        + "ON m.workspace_id = w.workspace_id AND m.member_key = w.member_key")
                .execute(Tuple.of(wanted.stream().map(k -> k.get(0)).toArray(String[]::new),
                        wanted.stream().map(k -> k.get(1)).toArray(String[]::new)))
                .map(rows -> {
                    rows.forEach(row -> emails.put(List.of(row.getString("workspace_id"), row.getString("member_key")), row.getString("email")));
                    return emails;
                });
    }

    private static String emailCarriedBy(Object payload) {
        if (payload instanceof UserProvisioned e) {
            return e.email();
        } else if (payload instanceof UserInvited e) {
            return e.email();
        } else if (payload instanceof OwnerCreated e) {
            return e.email();
        } else if (payload instanceof MemberEvent.ScimProfileChanged e && e.profile() != null && e.profile().email() != null
                && !e.profile().email().isBlank()) {
            return e.profile().email().strip();
        }
        return null;
    }

    /** {type, id}: from the event's {@link Actor}; a rejection has none, its metadata names the IdP (or anonymous). */
    private static String[] actorOf(ProjectedEvent event, Object payload) {
        Actor actor = payload instanceof WorkspaceEvent w ? w.actor() : payload instanceof MemberEvent m ? m.actor() : null;
        if (actor != null) {
            return new String[]{actor.type() == null ? null : actor.type().name(), actor.id()};
        }
        String meta = event.actor();
        if (meta == null) {
            return new String[]{null, null};
        }
        int colon = meta.indexOf(':');
        return colon < 0 ? new String[]{null, meta}
                : new String[]{meta.substring(0, colon).toUpperCase(java.util.Locale.ROOT), meta.substring(colon + 1)};
    }

    private ObjectNode detailsOf(ProjectedEvent event, Object payload) {
        // A shallow copy: only top-level fields are added or removed below, the event's own tree stays as it is.
        ObjectNode details = json.createObjectNode();
        if (event.data() != null && event.data().isObject()) {
            event.data().fields().forEachRemaining(field -> {
                if (!field.getKey().equals("actor") && !field.getKey().equals("at")) {
                    details.set(field.getKey(), field.getValue());
                }
            });
        }
        if (payload instanceof ProvisioningEnabled) {
            // R17 wants before and after: JIT can only be enabled from "nothing enabled" (R2)
            JsonNode after = details.remove("config");
            details.set("before", json.createObjectNode().put("method", "NONE"));
            details.set("after", after);
        } else if (payload instanceof ProvisioningDisabled) {
            details.set("after", json.createObjectNode().put("method", "NONE"));
        } else if (payload instanceof ProvisioningUpdated e) {
            details.set("changed", json.valueToTree(e.changedSettings()));
        }
        String resolution = payload instanceof UserProvisioned e ? e.roleResolution()
                : payload instanceof SessionStarted e ? e.roleResolution() : null;
        if (resolution != null && (resolution.equals(RoleResolution.ROLE_MISSING) || resolution.startsWith(RoleResolution.ROLE_UNKNOWN_PREFIX))) {
            details.put("note", resolution);
        }
        if (payload instanceof RoleChangeSkipped e) {
            details.put("note", e.reason());
        }
        return details;
    }

    static String summaryOf(Object payload, String key, String email) {
        String who = email != null ? email : key;
        if (payload instanceof WorkspaceCreated e) {
            return "Workspace '" + e.name() + "' created with owner " + e.ownerEmail();
        } else if (payload instanceof RoleDefined e) {
            return (e.builtIn() ? "Built-in role " : "Role ") + e.name() + " defined with " + String.join(", ", e.permissions());
        } else if (payload instanceof RoleRemoved e) {
            return "Role " + e.name() + " removed";
        } else if (payload instanceof SsoConfigured e) {
            return (e.before() == null ? "SSO configured" : "SSO configuration updated") + " for IdP " + e.after().idpEntityId()
                    + (e.after().active() ? " (active)" : " (inactive)");
        } else if (payload instanceof ProvisioningEnabled e) {
            return "JIT provisioning enabled with default role " + e.config().defaultRole();
        } else if (payload instanceof ProvisioningUpdated) {
            return "JIT provisioning configuration updated";
        } else if (payload instanceof ProvisioningDisabled) {
            return "JIT provisioning disabled";
        } else if (payload instanceof ScimEnabled e) {
            return "SCIM provisioning enabled" + (e.defaultRole() == null ? "" : " with default role " + e.defaultRole());
        } else if (payload instanceof WorkspaceEvent.ScimUpdated e) {
            return "SCIM provisioning updated: default role " + e.defaultRole() + ", " + e.roleMappings().size() + " group mapping(s)";
        } else if (payload instanceof WorkspaceEvent.ScimTokenCreated) {
            return "SCIM token created";
        } else if (payload instanceof WorkspaceEvent.ScimTokenRevoked e) {
            return "SCIM token revoked (" + e.reason() + ")";
        } else if (payload instanceof WorkspaceEvent.ScimGroupCreated e) {
            return "Group '" + e.displayName() + "' created by SCIM with " + e.memberIds().size() + " member(s)";
        } else if (payload instanceof WorkspaceEvent.ScimGroupChanged e) {
            return "Group '" + e.displayName() + "' changed by SCIM: " + e.added().size() + " member(s) added, " + e.removed().size() + " removed";
        } else if (payload instanceof WorkspaceEvent.ScimGroupDeleted e) {
            return "Group '" + e.displayName() + "' deleted by SCIM";
        } else if (payload instanceof MemberEvent.ScimProfileChanged) {
            return "Attributes of " + who + " written by SCIM";
        } else if (payload instanceof MemberEvent.UserDeactivated) {
            return "Member " + who + " deactivated by SCIM";
        } else if (payload instanceof MemberEvent.UserReactivated) {
            return "Member " + who + " reactivated by SCIM";
        } else if (payload instanceof ScimDisabled) {
            return "SCIM provisioning disabled";
        } else if (payload instanceof SecuritySettingsChanged) {
            return "Security settings changed";
        } else if (payload instanceof ApiTokenCreated e) {
            return "API token '" + e.name() + "' created, acting as " + e.actsAs();
        } else if (payload instanceof ApiTokenRevoked e) {
            return "API token '" + e.name() + "' revoked" + (e.reason() == null || ApiTokenRevoked.BY_ADMIN.equals(e.reason()) ? ""
                    : " (" + e.reason() + ")");
        } else if (payload instanceof UserProvisioned e) {
            return "Member " + who + " created by " + e.origin() + " with role " + e.role() + (e.temporary() ? " (temporary)" : "");
        } else if (payload instanceof UserInvited e) {
            return "Member " + who + " invited with role " + e.role();
        } else if (payload instanceof OwnerCreated e) {
            return "Owner " + who + " created with role " + e.role();
        } else if (payload instanceof RoleChanged e) {
            return "Role of " + who + " changed from " + e.from() + " to " + e.to() + " by " + e.source();
        } else if (payload instanceof RoleChangeSkipped e) {
            return "Role change of " + who + " to " + e.attempted() + " not applied (" + e.reason() + "), kept " + e.kept();
        } else if (payload instanceof SessionStarted e) {
            return "Session of " + who + " started with role " + e.effectiveRole() + " via " + e.via();
        } else if (payload instanceof SessionEnded e) {
            return "Session of " + who + " ended (" + e.reason() + ")";
        } else if (payload instanceof UserDeleted e) {
            return "Member " + who + " deleted (" + e.reason() + ")";
        } else if (payload instanceof MemberEvent.TwoFactorEnrolled e) {
            return "Two-factor authenticator enrolled by " + who + " (" + e.recoveryCodes() + " recovery codes issued)";
        } else if (payload instanceof MemberEvent.TwoFactorVerified e) {
            return "Second factor of " + who + " verified (" + e.method() + ")";
        } else if (payload instanceof MemberEvent.TwoFactorFailed e) {
            return "Second factor of " + who + " refused (" + e.reason() + ", " + e.failures() + " in a row)"
                    + (e.lockedUntil() == null ? "" : ", locked until " + e.lockedUntil());
        } else if (payload instanceof MemberEvent.RecoveryCodeUsed e) {
            return "Recovery code used by " + who + " (" + e.remaining() + " left)";
        } else if (payload instanceof MemberEvent.NotificationPreferenceChanged e) {
            return "New-member mails turned " + (e.newMemberMails() ? "on" : "off") + " by " + who + " for themselves";
        } else if (payload instanceof LoginRejected e) {
            return "Sign-in" + (who == null ? "" : " of " + who) + " rejected: " + e.code();
        }
        return payload.getClass().getSimpleName();
    }

    private static String typeOf(Class<?> record) {
        try {
            return (String) record.getField("TYPE").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(record.getName() + " has no TYPE", e);
        }
    }
}
