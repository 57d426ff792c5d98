package dev.jitprov.members;

import dev.jitprov.provisioning.MemberEvent;
import dev.jitprov.provisioning.MemberEvent.OwnerCreated;
import dev.jitprov.provisioning.MemberEvent.RoleChanged;
import dev.jitprov.provisioning.MemberEvent.SessionEnded;
import dev.jitprov.provisioning.MemberEvent.SessionStarted;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.provisioning.MemberEvent.UserInvited;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.MemberOrigin;
import dev.jitprov.provisioning.WorkspaceCommand;
import dev.jitprov.provisioning.WorkspaceEvent.ApiTokenRevoked;
import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.session.BrowserSessions;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The member's state kept beside the log (ADR 0006), written in the transaction that appends the member's events:
 * the member index (role, origin, temporary, own mail preference), credentials, live browser sessions, and the API
 * tokens that die with a deleted member. The one writer of these rows for member events.
 */
@ApplicationScoped
public class MemberStateBesideTheLog {

    private final BrowserSessions sessions;
    private final Workspaces workspaces;

    public MemberStateBesideTheLog(BrowserSessions sessions, Workspaces workspaces) {
        this.sessions = sessions;
        this.workspaces = workspaces;
    }

    /**
     * Applies the decision's events to the tables beside the log; opened sessions' cookie secrets go to {@code secrets}.
     * Each event's writes are queued on the connection at once, in the events' order (pipelined: one round trip for a
     * sign-in's). Only a deletion reads before it writes (its member's API tokens), and a deletion is always a
     * decision's last event.
     */
    Uni<Void> apply(SqlConnection conn, WorkspaceState workspace, String workspaceId, String memberKey,
                    List<MemberEvent> events, Map<String, String> secrets) {
        List<Uni<Void>> writes = new java.util.ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            MemberEvent event = events.get(i);
            if (event instanceof UserProvisioned e && i + 1 < events.size() && events.get(i + 1) instanceof MemberEvent.ScimProfileChanged p) {
                // a SCIM creation writes its row once, with the attributes the IdP sent
                writes.add(index(conn, workspaceId, memberKey, e.email(), e.displayName(), e.role(), e.origin(),
                        e.temporary(), e.at(), p.profile()));
                i++;
                continue;
            }
            writes.add(apply(conn, workspace, workspaceId, memberKey, event, secrets));
        }
        return switch (writes.size()) {
            case 0 -> Uni.createFrom().voidItem();
            case 1 -> writes.get(0);
            default -> Uni.join().all(writes).andFailFast().replaceWithVoid();
        };
    }

    private Uni<Void> apply(SqlConnection conn, WorkspaceState workspace, String ws, String key, MemberEvent event,
                                  Map<String, String> secrets) {
        if (event instanceof UserProvisioned e) {
            return index(conn, ws, key, e.email(), e.displayName(), e.role(), e.origin(), e.temporary(), e.at(), null);
        } else if (event instanceof UserInvited e) {
            return index(conn, ws, key, e.email(), e.displayName(), e.role(), MemberOrigin.INVITE, false, e.at(), null);
        } else if (event instanceof OwnerCreated e) {
            return index(conn, ws, key, e.email(), null, e.role(), MemberOrigin.PASSWORD, false, e.at(), null);
        } else if (event instanceof RoleChanged e) {
            return conn.preparedQuery("UPDATE member_index SET role = $3, updated_at = $4 WHERE workspace_id = $1 AND member_key = $2")
                    .execute(Tuple.of(ws, key, e.to(), utc(e.at()))).replaceWithVoid();
        } else if (event instanceof MemberEvent.ScimProfileChanged e) {
            // what GET /scim/v2/{ws}/Users returns and filters on (issue 18)
            dev.jitprov.provisioning.ScimProfile p = e.profile();
            return conn.preparedQuery("UPDATE member_index SET scim = $3::text::jsonb, external_id = $4, email = coalesce($5, email), "
                            + "display_name = coalesce($6, display_name), updated_at = $7 WHERE workspace_id = $1 AND member_key = $2")
                    .execute(Tuple.tuple(java.util.Arrays.asList(ws, key, ScimProfileJson.write(p), p.externalId(),
                            p.email() == null || p.email().isBlank() ? null : p.email().strip(), p.shownName(), utc(e.at()))))
                    .replaceWithVoid();
        } else if (event instanceof MemberEvent.UserDeactivated || event instanceof MemberEvent.UserReactivated) {
            // a deactivated member's API tokens stop working (ApiTokens.authenticate) and R10 no longer counts it
            return conn.preparedQuery("UPDATE member_index SET deactivated = $3, updated_at = $4 WHERE workspace_id = $1 AND member_key = $2")
                    .execute(Tuple.of(ws, key, event instanceof MemberEvent.UserDeactivated, utc(event.at()))).replaceWithVoid();
        } else if (event instanceof MemberEvent.NotificationPreferenceChanged e) {
            // read by the notifier when it picks the recipients of new-member mails (R16)
            return conn.preparedQuery("UPDATE member_index SET new_member_mails = $3 WHERE workspace_id = $1 AND member_key = $2")
                    .execute(Tuple.of(ws, key, e.newMemberMails())).replaceWithVoid();
        } else if (event instanceof SessionStarted e) {
            // the workspace this transaction decided with says whether the session waits for a second factor (R14)
            return sessions.open(conn, UUID.fromString(e.sessionId()), ws, key, e.effectiveRole(), e.startedAt(), e.expiresAt(),
                            workspace.security().twoFactorRequired())
                    .invoke(secret -> secrets.put(e.sessionId(), secret)).replaceWithVoid();
        } else if (event instanceof SessionEnded e) {
            return sessions.close(conn, UUID.fromString(e.sessionId()));
        } else if (event instanceof UserDeleted e) {
            // three independent deletes, sent together (one round trip)
            return Uni.combine().all().unis(sessions.closeAllOf(conn, ws, key),
                            conn.preparedQuery("DELETE FROM member_index WHERE workspace_id = $1 AND member_key = $2").execute(Tuple.of(ws, key)),
                            conn.preparedQuery("DELETE FROM credentials WHERE workspace_id = $1 AND member_key = $2").execute(Tuple.of(ws, key)))
                    .discardItems()
                    .flatMap(ignored -> revokeTokensOf(conn, ws, key, e));
        }
        return Uni.createFrom().voidItem();
    }

    /**
     * G3: a member's API tokens die with it, in the deletion's transaction, each revocation audited on the workspace
     * stream with the deletion's reason. Members rarely hold tokens, so the workspace stream is written only then;
     * if it moved meanwhile the whole member decision runs again (ConcurrencyConflictException).
     */
    private Uni<Void> revokeTokensOf(SqlConnection conn, String ws, String key, UserDeleted deleted) {
        String reason = ApiTokenRevoked.memberDeleted(deleted.reason());
        return conn.preparedQuery("UPDATE api_tokens SET revoked_at = $3, revoked_reason = $4 "
                        + "WHERE workspace_id = $1 AND member_key = $2 AND revoked_at IS NULL RETURNING id, name")
                .execute(Tuple.of(ws, key, OffsetDateTime.ofInstant(deleted.at(), ZoneOffset.UTC), reason))
                .flatMap(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (var row : rows) {
                        WorkspaceCommand.RevokeApiToken revoke = new WorkspaceCommand.RevokeApiToken(row.getUUID("id").toString(),
                                row.getString("name"), reason, deleted.actor());
                        chain = chain.flatMap(ignored -> workspaces.execute(conn, ws, revoke, UUID.randomUUID().toString()).replaceWithVoid());
                    }
                    return chain;
                });
    }

    private Uni<Void> index(SqlConnection conn, String ws, String key, String email, String displayName, String role,
                            MemberOrigin origin, boolean temporary, java.time.Instant at, dev.jitprov.provisioning.ScimProfile scim) {
        // a new life starts clean: mails on, active, no SCIM attributes of a previous life (only those of this creation)
        return conn.preparedQuery("INSERT INTO member_index (workspace_id, member_key, member_id, email, role, origin, temporary, created_at, "
                        + "display_name, updated_at, scim, external_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $10::text::jsonb, $11) "
                        + "ON CONFLICT (workspace_id, member_key) DO UPDATE SET "
                        + "email = EXCLUDED.email, role = EXCLUDED.role, origin = EXCLUDED.origin, temporary = EXCLUDED.temporary, created_at = EXCLUDED.created_at, "
                        + "new_member_mails = true, deactivated = false, display_name = EXCLUDED.display_name, external_id = EXCLUDED.external_id, "
                        + "scim = EXCLUDED.scim, updated_at = EXCLUDED.updated_at")
                .execute(Tuple.tuple(java.util.Arrays.asList(ws, key, MemberKeys.memberId(ws, key), email, role, origin.name(), temporary,
                        utc(at), displayName, scim == null ? null : ScimProfileJson.write(scim), scim == null ? null : scim.externalId())))
                .replaceWithVoid();
    }

    private static OffsetDateTime utc(java.time.Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
