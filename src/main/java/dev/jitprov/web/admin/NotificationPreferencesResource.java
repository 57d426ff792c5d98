package dev.jitprov.web.admin;

import dev.jitprov.notification.NewMemberMails;
import dev.jitprov.notification.NotificationPreferences;
import dev.jitprov.provisioning.Permissions;
import dev.jitprov.web.Authorization;
import dev.jitprov.web.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import org.eclipse.microprofile.openapi.annotations.Operation;

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
    private final NotificationPreferences preferences;

    public NotificationPreferencesResource(Authorization authorization, NotificationPreferences preferences) {
        this.authorization = authorization;
        this.preferences = preferences;
    }

    @GET
    @Operation(summary = "Notification preferences of the workspace's admins")
    public Uni<Preferences> get(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                .flatMap(caller -> preferences.ofWorkspace(ws)).map(Preferences::new);
    }

    @PUT
    @Operation(summary = "New-member mails as they happen, coalesced per admin (IMMEDIATE), or as a daily digest (DAILY_DIGEST)")
    public Uni<Preferences> put(@Context HttpHeaders headers, @PathParam("ws") String ws, Preferences request) {
        if (request == null || request.newMemberMails() == null) {
            throw ProblemException.badRequest("new_member_mails_required", "'newMemberMails' is required: IMMEDIATE or DAILY_DIGEST");
        }
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                .flatMap(caller -> preferences.chooseForWorkspace(ws, request.newMemberMails(), caller.memberKey()))
                .replaceWith(request);
    }

    @GET
    @Path("/me")
    @Operation(summary = "The caller's own mail preferences (any member of the workspace)")
    public Uni<MyPreferences> mine(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorization.require(headers, ws, null).flatMap(caller -> preferences.ofMember(ws, caller.memberKey())).map(MyPreferences::new);
    }

    @PUT
    @Path("/me")
    @Operation(summary = "Turn the caller's own new-member mails off (false) or on (true); configuration mails always come")
    public Uni<MyPreferences> putMine(@Context HttpHeaders headers, @PathParam("ws") String ws, MyPreferences request) {
        if (request == null || request.receiveNewMemberMails() == null) {
            throw ProblemException.badRequest("receive_new_member_mails_required", "'receiveNewMemberMails' is required: true or false");
        }
        return authorization.require(headers, ws, null)
                .flatMap(caller -> preferences.chooseForMember(ws, caller.memberKey(), request.receiveNewMemberMails()))
                .map(MyPreferences::new);
    }
}
