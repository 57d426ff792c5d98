package dev.jitprov.notification;

import dev.jitprov.admin.Authorization;
import dev.jitprov.http.ProblemException;
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

/** Admins choose per workspace whether new-member mails come at once or as a daily digest (R16). */
@Path("/api/workspaces/{ws}/notifications")
public class NotificationPreferencesResource {

    public record Preferences(NewMemberMails newMemberMails) {
    }

    private final Authorization authorization;
    private final Pool pool;
    private final Clock clock;

    public NotificationPreferencesResource(Authorization authorization, Pool pool, Clock clock) {
        this.authorization = authorization;
        this.pool = pool;
        this.clock = clock;
    }

    @GET
    @Operation(summary = "Notification preferences of the workspace's admins")
    public Uni<Preferences> get(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE).flatMap(caller -> read(ws));
    }

    @PUT
    @Operation(summary = "New-member mails at once (IMMEDIATE) or as a daily digest (DAILY_DIGEST)")
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
