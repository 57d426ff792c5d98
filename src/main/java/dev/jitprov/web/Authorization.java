package dev.jitprov.web;

import dev.jitprov.provisioning.Role;
import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.session.ApiTokens;
import dev.jitprov.session.BrowserSessions;
import dev.jitprov.session.SessionConfig;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Set;

/**
 * R4 on every administration endpoint: 401 without credentials, 403 for another workspace or without the
 * permission, checked before anything is read or changed.
 */
@ApplicationScoped
public class Authorization {

    private static final String BEARER = "Bearer ";
    /** A session that still waits for its second factor (R14) authenticates nothing. */
    public static final String TWO_FACTOR_REQUIRED = "two_factor_required";

    private final BrowserSessions sessions;
    private final Workspaces workspaces;
    private final ApiTokens tokens;
    private final SessionConfig sessionConfig;
    private final AdminConfig config;
    private final Clock clock;

    public Authorization(BrowserSessions sessions, Workspaces workspaces, ApiTokens tokens, SessionConfig sessionConfig,
                         AdminConfig config, Clock clock) {
        this.sessions = sessions;
        this.workspaces = workspaces;
        this.tokens = tokens;
        this.sessionConfig = sessionConfig;
        this.config = config;
        this.clock = clock;
    }

    /** The caller, who must belong to {@code workspaceId} and hold {@code permission}. */
    public Uni<Caller> require(HttpHeaders headers, String workspaceId, String permission) {
        return authenticate(headers).map(caller -> {
            if (!caller.workspaceId().equals(workspaceId)) {
                throw ProblemException.forbidden("wrong_workspace", "these credentials belong to another workspace");
            }
            if (permission != null && !caller.holds(permission)) {
                throw ProblemException.forbidden("permission_required", "this needs the permission '" + permission + "'");
            }
            return caller;
        });
    }

    public Uni<Caller> authenticate(HttpHeaders headers) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.startsWith(BEARER)) {
            return byToken(authorization.substring(BEARER.length()).trim());
        }
        Cookie cookie = headers.getCookies().get(sessionConfig.cookieName());
        if (cookie != null) {
            return bySession(cookie.getValue());
        }
        return Uni.createFrom().failure(ProblemException.unauthorized("authentication_required",
                "sign in, or send 'Authorization: Bearer <api token>'"));
    }

    /** The operator's bearer token (from configuration), compared in constant time. */
    public void requireOperator(HttpHeaders headers) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.startsWith(BEARER)) {
            throw ProblemException.unauthorized("authentication_required", "send 'Authorization: Bearer <operator token>'");
        }
        String expected = config.operatorToken().orElseThrow(() ->
                ProblemException.forbidden("operator_disabled", "no operator token is configured (jit.admin.operator-token)"));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8))) {
            throw ProblemException.forbidden("invalid_operator_token", "the operator token is not valid");
        }
    }

    /** A live session that authenticates (its second factor done) and the permissions of its effective role. */
    public record ActiveSession(BrowserSessions.LiveSession session, Set<String> permissions) {
    }

    /**
     * What a session cookie authenticates, for the administration API and for {@code /api/session} alike:
     * {@code 401 session_invalid} when it ended or expired, {@code 401 two_factor_required} while it waits for its
     * second factor (R14).
     */
    public Uni<ActiveSession> activeSession(String secret) {
        return sessions.find(secret, clock.instant()).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().failure(ProblemException.unauthorized("session_invalid",
                        "the session has ended or expired; sign in again"));
            }
            BrowserSessions.LiveSession session = found.get();
            if (session.twoFactorPending()) {
                return Uni.createFrom().failure(ProblemException.unauthorized(TWO_FACTOR_REQUIRED,
                        "complete two-factor authentication first (/2fa in a browser, /api/2fa for API clients)"));
            }
            return workspaces.require(session.workspaceId()).map(ws -> new ActiveSession(session, permissionsOf(ws, session.effectiveRole())));
        });
    }

    private Uni<Caller> bySession(String secret) {
        return activeSession(secret).map(active -> new Caller(active.session().workspaceId(), active.session().memberKey(),
                active.session().effectiveRole(), active.permissions(), active.session().sessionId(), false));
    }

    private Uni<Caller> byToken(String token) {
        return tokens.authenticate(token).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().failure(ProblemException.unauthorized("invalid_token",
                        "the API token is unknown, revoked, or its owner is no longer a member"));
            }
            ApiTokens.Owner owner = found.get();
            return workspaces.require(owner.workspaceId()).map(state ->
                    new Caller(owner.workspaceId(), owner.memberKey(), owner.role(), permissionsOf(state, owner.role()), null, true));
        });
    }

    static Set<String> permissionsOf(WorkspaceState ws, String roleName) {
        return ws.role(roleName).map(Role::permissions).orElse(Set.of());
    }
}
