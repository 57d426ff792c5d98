package dev.jitprov.web.console;

import dev.jitprov.web.ProblemException;
import dev.jitprov.session.SessionConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Set;

/**
 * CSRF protection for cookie-authenticated API calls. The session cookie is SameSite=Lax, which already keeps it
 * off cross-site POST/PUT/DELETE; in addition every state-changing {@code /api/**} request that carries the
 * session cookie (and no bearer token) must send {@value #HEADER}: {@value #VALUE}. A cross-site page cannot set
 * a custom header without a CORS preflight, which this service never grants. API-token requests are exempt.
 */
public class CsrfFilter {

    public static final String HEADER = "X-Requested-With";
    public static final String VALUE = "jit-console";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final SessionConfig sessions;

    public CsrfFilter(SessionConfig sessions) {
        this.sessions = sessions;
    }

    @ServerRequestFilter(preMatching = true)
    public void check(ContainerRequestContext request) {
        if (SAFE.contains(request.getMethod()) || !request.getUriInfo().getPath().startsWith("/api/")) {
            return;
        }
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.startsWith("Bearer ")) {
            return;
        }
        if (!request.getCookies().containsKey(sessions.cookieName())) {
            return;
        }
        if (!VALUE.equals(request.getHeaderString(HEADER))) {
            throw ProblemException.forbidden("csrf_header_required",
                    "cookie-authenticated changes need the header '" + HEADER + ": " + VALUE + "'");
        }
    }
}
