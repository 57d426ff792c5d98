package dev.jitprov.session;

import dev.jitprov.admin.Authorization;
import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.http.ProblemException;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberCommand;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.SessionEndReason;
import dev.jitprov.provisioning.SignInDecider;
import dev.jitprov.provisioning.SignInOutcome;
import dev.jitprov.security.Firewall;
import dev.jitprov.workspace.Workspaces;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Password sign-in (break-glass owners), logout, and session introspection for downstream services. */
@Path("/")
public class SessionResource {

    /** A bcrypt hash of a random string: wrong e-mails cost as much as wrong passwords (no user enumeration by timing). */
    private static final String DUMMY_HASH = BcryptUtil.bcryptHash(UUID.randomUUID().toString());

    public record PasswordRequest(String workspace, String email, String password) {
    }

    /** Password accepted, but the workspace enforces 2FA (R14): the cookie's session is pending until a code. */
    public record TwoFactorChallenge(String status, UUID sessionId, String workspace, String page, String api) {
    }

    public record SessionView(UUID sessionId, String workspace, UUID memberId, String memberKey, String effectiveRole,
                              Set<String> permissions, Instant expiresAt) {
    }

    private final Pool pool;
    private final Workspaces workspaces;
    private final MemberStreams members;
    private final BrowserSessions sessions;
    private final CookieFactory cookies;
    private final SessionConfig config;
    private final PasswordThrottle throttle;
    private final Authorization authorization;
    private final Clock clock;
    private final Firewall firewall;

    public SessionResource(Pool pool, Workspaces workspaces, MemberStreams members, BrowserSessions sessions, CookieFactory cookies,
                           SessionConfig config, PasswordThrottle throttle, Authorization authorization, Clock clock, Firewall firewall) {
        this.authorization = authorization;
        this.pool = pool;
        this.workspaces = workspaces;
        this.members = members;
        this.sessions = sessions;
        this.cookies = cookies;
        this.config = config;
        this.throttle = throttle;
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
        String ws = request.workspace();
        String key = MemberKeys.normalize(request.email());
        String clientAddress = firewall.clientAddress(http);
        String accountKey = PasswordThrottle.accountKey(ws, key);
        String addressKey = PasswordThrottle.addressKey(clientAddress);
        return workspaces.require(ws)
                // G5: the attempt is counted before anything else; a locked account or address is refused before the
                // firewall writes an event or any bcrypt is spent, the same whether the e-mail is known or not.
                .flatMap(state -> throttle.reserve(accountKey, addressKey, clock.instant()).map(reservation -> {
                    if (reservation instanceof PasswordThrottle.Locked locked) {
                        throw ProblemException.tooManyRequests("too_many_attempts", "too many failed sign-ins: try again in "
                                + ProblemException.wholeSeconds(locked.retryAfter()) + " seconds", locked.retryAfter());
                    }
                    return state;
                }))
                // R15: the firewall before the password is even checked.
                .flatMap(state -> firewall.admit(state, clientAddress, "password").map(refusal -> {
                    if (refusal.isPresent()) {
                        throw ProblemException.forbidden(refusal.get().code(), refusal.get().message());
                    }
                    return state;
                }))
                .flatMap(state -> pool.preparedQuery("SELECT password_hash FROM credentials WHERE workspace_id = $1 AND member_key = $2")
                        .execute(Tuple.of(ws, key)))
                .flatMap(rows -> {
                    String hash = rows.size() == 0 ? DUMMY_HASH : rows.iterator().next().getString("password_hash");
                    boolean known = rows.size() > 0;
                    throttle.checked();
                    return Uni.createFrom().item(() -> BcryptUtil.matches(request.password(), hash) && known)
                            .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
                })
                // a wrong password stays counted (the reservation); a right one undoes it
                .flatMap(valid -> valid ? throttle.succeeded(accountKey, addressKey).replaceWith(true) : Uni.createFrom().item(false))
                .flatMap(valid -> {
                    if (!valid) {
                        throw ProblemException.unauthorized("invalid_credentials", "unknown e-mail or wrong password");
                    }
                    UUID sessionId = UUID.randomUUID();
                    EventMetadata metadata = new EventMetadata(ws, "user:" + key, UUID.randomUUID().toString(), null);
                    return members.decide(ws, key, metadata, ctx -> {
                        SignInOutcome outcome = SignInDecider.decidePasswordSignIn(ctx.member(), sessionId.toString(), clock.instant(),
                                config.lifetime(), Actor.user(key));
                        return new MemberStreams.Decision<>(outcome instanceof SignInOutcome.Accepted a ? a.events() : List.of(), outcome);
                    }).flatMap(outcome -> {
                        if (!(outcome.result() instanceof SignInOutcome.Accepted accepted)) {
                            throw ProblemException.unauthorized("invalid_credentials", "unknown e-mail or wrong password");
                        }
                        String secret = outcome.sessionSecrets().get(sessionId.toString());
                        return sessions.byId(sessionId).map(session -> {
                            if (session.isPresent() && session.get().twoFactorPending()) {
                                return Response.accepted(new TwoFactorChallenge("two_factor_required", sessionId, ws, "/2fa", "/api/2fa"))
                                        .cookie(cookies.session(secret)).header("Cache-Control", "no-store").build();
                            }
                            return Response.ok(new SessionView(sessionId, ws, MemberStreams.memberId(ws, key), key, accepted.effectiveRole(),
                                        Set.of(), clock.instant().plus(config.lifetime())))
                                .cookie(cookies.session(secret)).header("Cache-Control", "no-store").build();
                        });
                    });
                });
    }

    @POST
    @Path("/logout")
    @Operation(summary = "End the current session (a temporary member is then deleted, R12)")
    public Uni<Response> logout(@Context HttpHeaders headers) {
        Cookie cookie = headers.getCookies().get(config.cookieName());
        Uni<Void> ended = cookie == null ? Uni.createFrom().voidItem() : sessions.findToEnd(cookie.getValue(), clock.instant())
                .flatMap(found -> found.isEmpty() ? Uni.createFrom().voidItem() : members.execute(found.get().workspaceId(), found.get().memberKey(),
                        new EventMetadata(found.get().workspaceId(), "user:" + found.get().memberKey(), UUID.randomUUID().toString(), null),
                        new MemberCommand.EndSession(found.get().sessionId().toString(), SessionEndReason.LOGOUT, Actor.user(found.get().memberKey())))
                        .replaceWithVoid());
        return ended.map(ignored -> Response.seeOther(URI.create("/")).cookie(cookies.clearSession()).header("Cache-Control", "no-store").build());
    }

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
            return new SessionView(s.sessionId(), s.workspaceId(), MemberStreams.memberId(s.workspaceId(), s.memberKey()), s.memberKey(),
                    s.effectiveRole(), active.permissions(), s.expiresAt());
        });
    }

}
