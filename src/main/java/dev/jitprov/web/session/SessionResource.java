package dev.jitprov.web.session;

import dev.jitprov.session.BrowserSessions;
import dev.jitprov.session.CookieFactory;
import dev.jitprov.session.SessionConfig;

import dev.jitprov.web.Authorization;
import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.web.ProblemException;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberCommand;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.SessionEndReason;
import dev.jitprov.security.Firewall;
import dev.jitprov.security.PasswordSignIn;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Password sign-in (break-glass owners), logout, and session introspection for downstream services. */
@Path("/")
public class SessionResource {

    public record PasswordRequest(String workspace, String email, String password) {
    }

    /** Password accepted, but the workspace enforces 2FA (R14): the cookie's session is pending until a code. */
    public record TwoFactorChallenge(String status, UUID sessionId, String workspace, String page, String api) {
    }

    public record SessionView(UUID sessionId, String workspace, UUID memberId, String memberKey, String effectiveRole,
                              Set<String> permissions, Instant expiresAt) {
    }

    private final PasswordSignIn passwordSignIn;
    private final MemberStreams members;
    private final BrowserSessions sessions;
    private final CookieFactory cookies;
    private final SessionConfig config;
    private final Authorization authorization;
    private final Clock clock;
    private final Firewall firewall;
    private final dev.jitprov.saml.SingleLogout singleLogout;

    public SessionResource(PasswordSignIn passwordSignIn, MemberStreams members, BrowserSessions sessions, CookieFactory cookies,
                           SessionConfig config, Authorization authorization, Clock clock, Firewall firewall,
                           dev.jitprov.saml.SingleLogout singleLogout) {
        this.singleLogout = singleLogout;
        this.passwordSignIn = passwordSignIn;
        this.authorization = authorization;
        this.members = members;
        this.sessions = sessions;
        this.cookies = cookies;
        this.config = config;
        this.clock = clock;
        this.firewall = firewall;
    }

    @POST
    @Path("/api/auth/password")
    @Operation(summary = "Password sign-in of a workspace owner (break-glass)")
    public Uni<Response> password(@Context HttpServerRequest http, PasswordRequest request) {
        if (request == null || request.workspace() == null || request.email() == null || request.password() == null) {
            throw ProblemException.badRequest("credentials_required", "send {workspace, email, password}");
        }
        return passwordSignIn.signIn(request.workspace(), request.email(), request.password(), firewall.clientAddress(http)).map(signedIn -> {
            if (signedIn.twoFactorPending()) {
                return Response.accepted(new TwoFactorChallenge("two_factor_required", signedIn.sessionId(), signedIn.workspaceId(), "/2fa", "/api/2fa"))
                        .cookie(cookies.session(signedIn.cookieSecret())).header("Cache-Control", "no-store").build();
            }
            return Response.ok(new SessionView(signedIn.sessionId(), signedIn.workspaceId(), MemberKeys.memberId(signedIn.workspaceId(), signedIn.memberKey()),
                            signedIn.memberKey(), signedIn.effectiveRole(), Set.of(), signedIn.expiresAt()))
                    .cookie(cookies.session(signedIn.cookieSecret())).header("Cache-Control", "no-store").build();
        });
    }

    @POST
    @Path("/logout")
    @Operation(summary = "End the current session (a temporary member is then deleted, R12)")
    public Uni<Response> logout(@Context HttpHeaders headers) {
        Cookie cookie = headers.getCookies().get(config.cookieName());
        // the console asks for JSON ({idpLogout}) and navigates itself: its CSP (form-action 'self') would stop a
        // redirect to the IdP after a form post
        boolean json = headers.getAcceptableMediaTypes().stream().anyMatch(t -> t.isCompatible(jakarta.ws.rs.core.MediaType.APPLICATION_JSON_TYPE)
                && !t.isWildcardType());
        Response home = json
                ? Response.ok(Map.of("signedOut", true), jakarta.ws.rs.core.MediaType.APPLICATION_JSON_TYPE).cookie(cookies.clearSession())
                        .header("Cache-Control", "no-store").build()
                : Response.seeOther(URI.create("/")).cookie(cookies.clearSession()).header("Cache-Control", "no-store").build();
        if (cookie == null) {
            return Uni.createFrom().item(home);
        }
        // the local session ends first, whatever the IdP does next (issue 19: SP-initiated Single Logout)
        return sessions.findToEnd(cookie.getValue(), clock.instant()).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(home);
            }
            var session = found.get();
            return members.execute(session.workspaceId(), session.memberKey(),
                            new EventMetadata(session.workspaceId(), "user:" + session.memberKey(), UUID.randomUUID().toString(), null),
                            new MemberCommand.EndSession(session.sessionId().toString(), SessionEndReason.LOGOUT, Actor.user(session.memberKey())))
                    .flatMap(ended -> singleLogout.fromSp(session.workspaceId(), session.sessionId()))
                    .map(toIdp -> toIdp.map(sp -> (json
                                    ? Response.ok(Map.of("signedOut", true, "idpLogout", sp.location()), jakarta.ws.rs.core.MediaType.APPLICATION_JSON_TYPE)
                                    : Response.seeOther(URI.create(sp.location())))
                                    .cookie(cookies.clearSession(), logoutRequestCookie(session.workspaceId(), sp.requestId()))
                                    .header("Cache-Control", "no-store").build())
                            .orElse(home));
        });
    }

    /** The ID of the LogoutRequest sent to the IdP, which its LogoutResponse must answer (cross-site: SameSite=None when secure). */
    private NewCookie logoutRequestCookie(String ws, String requestId) {
        return new NewCookie.Builder(LOGOUT_REQUEST_COOKIE).value(requestId).path("/saml/" + ws + "/slo").maxAge(600).httpOnly(true)
                .secure(cookies.secure()).sameSite(cookies.secure() ? NewCookie.SameSite.NONE : NewCookie.SameSite.LAX).build();
    }

    /** The cookie holding the SP's pending LogoutRequest ID (issue 19). */
    public static final String LOGOUT_REQUEST_COOKIE = "jit_logout_request";

    @GET
    @Path("/api/session")
    @Operation(summary = "Session introspection: member, workspace, effective role, permissions, expiry (session cookie only)")
    public Uni<SessionView> current(@Context HttpHeaders headers) {
        // G2: this answers for the session cookie alone; an Authorization header is never consulted here, so a
        // token's permissions can never be reported for a cookie's member.
        Cookie cookie = headers.getCookies().get(config.cookieName());
        if (cookie == null) {
            throw ProblemException.unauthorized("authentication_required", "no session cookie");
        }
        return authorization.activeSession(cookie.getValue()).map(active -> {
            BrowserSessions.LiveSession s = active.session();
            return new SessionView(s.sessionId(), s.workspaceId(), MemberKeys.memberId(s.workspaceId(), s.memberKey()), s.memberKey(),
                    s.effectiveRole(), active.permissions(), s.expiresAt());
        });
    }

}
