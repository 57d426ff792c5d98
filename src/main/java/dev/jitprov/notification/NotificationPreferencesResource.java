package dev.jitprov.notification;

import dev.jitprov.admin.Authorization;
import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.http.ProblemException;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberCommand;
import dev.jitprov.provisioning.Permissions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Admins choose per workspace whether new-member mails come coalesced as they happen or as a daily digest (R16), and
 * each member chooses for itself whether it gets them at all ({@code /me}, audited as
 * {@code notification.preference-changed.v1}). Configuration and security mails cannot be turned off.
 */
@Path("/api/workspaces/{ws}/notifications")
public class NotificationPreferencesResource {

    public record Preferences(NewMemberMails newMemberMails) {
    }

    /** The caller's own choice: {@code receiveNewMemberMails} false means no mail about members created by JIT. */
    public record MyPreferences(Boolean receiveNewMemberMails) {
    }

    private final Authorization authorization;
    private final Pool pool;
    private final Clock clock;
    private final MemberStreams members;

    public NotificationPreferencesResource(Authorization authorization, Pool pool, Clock clock, MemberStreams members) {
        this.authorization = authorization;
        this.pool = pool;
        this.clock = clock;
        this.members = members;
    }

    @GET
    @Path("/me")
    @Operation(summary = "The caller's own mail preferences (any member of the workspace)")
    public Uni<MyPreferences> mine(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorization.require(headers, ws, null).flatMap(caller -> readMine(ws, caller.memberKey()));
    }

    @PUT
    @Path("/me")
    @Operation(summary = "Turn the caller's own new-member mails off (false) or on (true); configuration mails always come")
    public Uni<MyPreferences> putMine(@Context HttpHeaders headers, @PathParam("ws") String ws, MyPreferences request) {
        if (request == null || request.receiveNewMemberMails() == null) {
            throw ProblemException.badRequest("receive_new_member_mails_required", "'receiveNewMemberMails' is required: true or false");
        }
        return authorization.require(headers, ws, null).flatMap(caller -> members.execute(ws, caller.memberKey(),
                        new EventMetadata(ws, "user:" + caller.memberKey(), UUID.randomUUID().toString(), null),
                        new MemberCommand.ChooseNewMemberMails(request.receiveNewMemberMails(), Actor.user(caller.memberKey())))
                .map(outcome -> new MyPreferences(outcome.after().newMemberMails())));
    }

    private Uni<MyPreferences> readMine(String ws, String memberKey) {
        return pool.preparedQuery("SELECT new_member_mails FROM member_index WHERE workspace_id = $1 AND member_key = $2")
                .execute(Tuple.of(ws, memberKey))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("member_not_found", "the caller is no longer a member of this workspace");
                    }
                    return new MyPreferences(rows.iterator().next().getBoolean("new_member_mails"));
                });
    }

    @GET
    @Operation(summary = "Notification preferences of the workspace's admins")
    public Uni<Preferences> get(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE).flatMap(caller -> read(ws));
    }

    @PUT
    @Operation(summary = "New-member mails as they happen, coalesced per admin (IMMEDIATE), or as a daily digest (DAILY_DIGEST)")
    public Uni<Preferences> put(@Context HttpHeaders headers, @PathParam("ws") String ws, Preferences request) {
        if (request == null || request.newMemberMails() == null) {
            throw ProblemException.badRequest("new_member_mails_required", "'newMemberMails' is required: IMMEDIATE or DAILY_DIGEST");
        }
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE).flatMap(caller -> pool.preparedQuery(
                        "INSERT INTO notification_preferences (workspace_id, new_member_mails, updated_by, updated_at) VALUES ($1, $2, $3, $4) "
                                + "ON CONFLICT (workspace_id) DO UPDATE SET new_member_mails = EXCLUDED.new_member_mails, "
                                + "updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at")
                .execute(Tuple.of(ws, request.newMemberMails().name(), caller.memberKey(),
                        OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)))
                .replaceWith(request));
    }

    private Uni<Preferences> read(String ws) {
        return pool.preparedQuery("SELECT new_member_mails FROM notification_preferences WHERE workspace_id = $1").execute(Tuple.of(ws))
                .map(rows -> new Preferences(rows.size() == 0 ? NewMemberMails.IMMEDIATE
                        : NewMemberMails.valueOf(rows.iterator().next().getString("new_member_mails"))));
    }
}
