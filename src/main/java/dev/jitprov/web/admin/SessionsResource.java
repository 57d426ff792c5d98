package dev.jitprov.web.admin;

import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.web.Authorization;

import dev.jitprov.web.ProblemException;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.GrantRules;
import dev.jitprov.provisioning.MemberCommand;
import dev.jitprov.provisioning.MemberDecider;
import dev.jitprov.provisioning.Permissions;
import dev.jitprov.provisioning.SessionEndReason;
import dev.jitprov.session.BrowserSessions;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Live sessions of a workspace and force logout (ends the session; a temporary member is then deleted, R12). */
@Path("/api/workspaces/{ws}/sessions")
public class SessionsResource {

    public record SessionView(UUID id, UUID memberId, String memberKey, String effectiveRole, Instant startedAt, Instant expiresAt) {
    }

    public record SessionList(List<SessionView> items, long total, int page, int size) {
    }

    private final Authorization authorization;
    private final BrowserSessions sessions;
    private final MemberStreams members;
    private final java.time.Clock clock;

    public SessionsResource(Authorization authorization, BrowserSessions sessions, MemberStreams members, java.time.Clock clock) {
        this.clock = clock;
        this.authorization = authorization;
        this.sessions = sessions;
        this.members = members;
    }

    @GET
    @Operation(summary = "Live sessions with their effective role")
    public Uni<SessionList> list(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorization.require(headers, ws, Permissions.TEAM_MANAGE).flatMap(caller -> sessions.listOf(ws, 1000))
                .map(listed -> {
                    List<SessionView> items = new ArrayList<>();
                    listed.forEach(session -> items.add(new SessionView(session.sessionId(), MemberKeys.memberId(ws, session.memberKey()),
                            session.memberKey(), session.effectiveRole(), session.startedAt(), session.expiresAt())));
                    return new SessionList(items, items.size(), 1, Math.max(1, items.size()));
                });
    }

    @DELETE
    @Path("/{sid}")
    @Operation(summary = "Force logout")
    public Uni<Response> forceLogout(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("sid") UUID sessionId) {
        return authorization.require(headers, ws, Permissions.TEAM_MANAGE).flatMap(caller -> sessions.byId(sessionId)
                .flatMap(found -> {
                    if (found.isEmpty() || !found.get().workspaceId().equals(ws)) {
                        throw ProblemException.notFound("session_not_found", "no live session " + sessionId + " in this workspace");
                    }
                    String target = found.get().memberKey();
                    MemberCommand end = new MemberCommand.EndSession(sessionId.toString(), SessionEndReason.FORCE_LOGOUT, Actor.admin(caller.memberKey()));
                    return members.decide(ws, target, MembersResource.metadata(ws, caller), ctx -> {
                        // G1: a member above the caller (its role holds permissions the caller lacks) is out of reach
                        if (!target.equals(caller.memberKey())) {
                            GrantRules.requireAboveTarget(caller.grantor(), MemberDecider.reachOf(ctx.workspace(), ctx.member()));
                        }
                        return new MemberStreams.Decision<Void>(MemberDecider.decide(ctx.workspace(), ctx.member(), end, ctx.otherActiveAdmins(),
                                clock.instant()), null);
                    });
                })
                .map(outcome -> Response.noContent().build()));
    }
}
