package dev.jitprov.web.session;

import dev.jitprov.security.TwoFactor;

import dev.jitprov.web.ErrorPages;
import dev.jitprov.web.ProblemException;
import dev.jitprov.provisioning.TwoFactorMethod;
import dev.jitprov.session.BrowserSessions;
import dev.jitprov.session.BrowserSessions.LiveSession;
import dev.jitprov.session.RedirectPolicy;
import dev.jitprov.session.Secrets;
import dev.jitprov.session.SessionConfig;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The second step of a sign-in when the workspace enforces 2FA (R14). Browser pages: {@code GET /2fa} shows the
 * enrollment page (QR code and secret) or the code page; the forms post to {@code /2fa/enroll} and
 * {@code /2fa/verify} with a per-session CSRF token. API clients use {@code /api/2fa} with JSON (a cross-site
 * form cannot send {@code application/json}, and the cookie is SameSite=Lax).
 */
@Path("/")
public class TwoFactorResource {

    public record CodeRequest(String code) {
    }

    /** {@code state}: enroll, verify or active. The secret and QR code only while enrolling. */
    public record ChallengeView(String state, String secret, String otpauthUri, String qrCode) {
    }

    public record AcceptedView(String status, TwoFactorMethod method, List<String> recoveryCodes, int recoveryCodesLeft) {
    }

    private final TwoFactor twoFactor;
    private final BrowserSessions sessions;
    private final SessionConfig sessionConfig;
    private final RedirectPolicy redirects;
    private final ErrorPages errors;
    private final Template enroll;
    private final Template verify;
    private final Template recovery;
    private final Clock clock;

    public TwoFactorResource(TwoFactor twoFactor, BrowserSessions sessions, SessionConfig sessionConfig, RedirectPolicy redirects,
                             ErrorPages errors, @Location("two-factor/enroll.html") Template enroll,
                             @Location("two-factor/verify.html") Template verify, @Location("two-factor/recovery-codes.html") Template recovery,
                             Clock clock) {
        this.twoFactor = twoFactor;
        this.sessions = sessions;
        this.sessionConfig = sessionConfig;
        this.redirects = redirects;
        this.errors = errors;
        this.enroll = enroll;
        this.verify = verify;
        this.recovery = recovery;
        this.clock = clock;
    }

    // ---- browser pages ----

    @GET
    @Path("/2fa")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Two-factor page of a pending session: enrollment (QR code) or code entry (R14)")
    public Uni<Response> page(@Context HttpHeaders headers, @QueryParam("next") String next) {
        return pending(headers).flatMap(found -> {
            if (found.session() == null) {
                return Uni.createFrom().item(found.response());
            }
            return render(found, next, null, 200);
        });
    }

    @POST
    @Path("/2fa/enroll")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Confirm enrollment with the first code; shows the recovery codes once")
    public Uni<Response> enrollForm(@Context HttpHeaders headers, @FormParam("csrf") String csrf, @FormParam("code") String code,
                                   @FormParam("next") String next) {
        return formAttempt(headers, csrf, next, session -> twoFactor.enroll(session, code), accepted -> html(200,
                recovery.data("codes", accepted.recoveryCodes()).data("next", redirects.target(next).toString()).render()));
    }

    @POST
    @Path("/2fa/verify")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "A code from the authenticator, or a recovery code; the session becomes active")
    public Uni<Response> verifyForm(@Context HttpHeaders headers, @FormParam("csrf") String csrf, @FormParam("code") String code,
                                    @FormParam("next") String next) {
        return formAttempt(headers, csrf, next, session -> twoFactor.verify(session, code),
                accepted -> Response.seeOther(redirects.target(next)).header("Cache-Control", "no-store").build());
    }

    /**
     * A form post of a code: the pending session and the page's CSRF token first, then the attempt; accepted, the
     * answer is {@code onAccepted}'s, refused, the page again with the refusal.
     */
    private Uni<Response> formAttempt(HttpHeaders headers, String csrf, String next,
                                      java.util.function.Function<BrowserSessions.LiveSession, Uni<TwoFactor.Attempt>> attempt,
                                      java.util.function.Function<TwoFactor.Accepted, Response> onAccepted) {
        return pending(headers).flatMap(found -> {
            if (found.session() == null) {
                return Uni.createFrom().item(found.response());
            }
            if (!csrfValid(found.cookie(), csrf)) {
                return Uni.createFrom().item(csrfRefused(headers));
            }
            return attempt.apply(found.session()).flatMap(result -> {
                if (result instanceof TwoFactor.Accepted accepted) {
                    return Uni.createFrom().item(onAccepted.apply(accepted));
                }
                TwoFactor.Refused refused = (TwoFactor.Refused) result;
                return render(found, next, refused, refused.status());
            });
        });
    }

    // ---- JSON for API clients ----

    @GET
    @Path("/api/2fa")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The two-factor challenge of the session: enroll (with secret and QR code), verify, or active")
    public Uni<ChallengeView> challenge(@Context HttpHeaders headers) {
        return session(headers).flatMap(session -> {
            if (!session.twoFactorPending()) {
                return Uni.createFrom().item(new ChallengeView("active", null, null, null));
            }
            return twoFactor.challenge(session).map(challenge -> challenge instanceof TwoFactor.Enroll e
                    ? new ChallengeView("enroll", e.secret(), e.otpauthUri(), e.qrDataUri())
                    : new ChallengeView("verify", null, null, null));
        });
    }

    @POST
    @Path("/api/2fa/enroll")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Confirm enrollment with the first code; answers the recovery codes (shown once)")
    public Uni<Response> enrollJson(@Context HttpHeaders headers, CodeRequest request) {
        return pendingSession(headers).flatMap(session -> twoFactor.enroll(session, request == null ? null : request.code()))
                .map(TwoFactorResource::json);
    }

    @POST
    @Path("/api/2fa/verify")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A TOTP code or a recovery code; the session becomes active")
    public Uni<Response> verifyJson(@Context HttpHeaders headers, CodeRequest request) {
        return pendingSession(headers).flatMap(session -> twoFactor.verify(session, request == null ? null : request.code()))
                .map(TwoFactorResource::json);
    }

    private static Response json(TwoFactor.Attempt attempt) {
        if (attempt instanceof TwoFactor.Accepted a) {
            return Response.ok(new AcceptedView("active", a.method(), a.recoveryCodes(), a.recoveryCodesLeft()))
                    .header("Cache-Control", "no-store").build();
        }
        TwoFactor.Refused refused = (TwoFactor.Refused) attempt;
        throw problem(refused);
    }

    private static ProblemException problem(TwoFactor.Refused refused) {
        String title = refused.status() == 429 ? "Too many attempts" : refused.status() == 409 ? "Conflict" : "Two-factor authentication failed";
        return new ProblemException(refused.status(), refused.code(), title, refused.message());
    }

    // ---- helpers ----

    /** The per-session CSRF token: a hash of the (HttpOnly) cookie secret, so only a page of this session knows it. */
    static String csrfToken(String cookieSecret) {
        return Secrets.sha256("csrf\n" + cookieSecret);
    }

    private static boolean csrfValid(String cookieSecret, String submitted) {
        return submitted != null && MessageDigest.isEqual(csrfToken(cookieSecret).getBytes(StandardCharsets.UTF_8),
                submitted.getBytes(StandardCharsets.UTF_8));
    }

    private Response csrfRefused(HttpHeaders headers) {
        return errors.respond(headers, 403, "csrf_invalid", "Request refused",
                "The form was not sent by this sign-in's page. Reload the page and try again.", null);
    }

    /** A pending session with its cookie secret, or the response to give instead (no session, or already active). */
    private record Found(LiveSession session, String cookie, Response response) {
    }

    private Uni<Found> pending(HttpHeaders headers) {
        Cookie cookie = headers.getCookies().get(sessionConfig.cookieName());
        if (cookie == null) {
            return Uni.createFrom().item(new Found(null, null, errors.respond(headers, 401, "authentication_required",
                    "Sign in first", "There is no sign-in in progress: sign in again.", null)));
        }
        return sessions.find(cookie.getValue(), clock.instant()).map(found -> {
            if (found.isEmpty()) {
                return new Found(null, null, errors.respond(headers, 401, "session_invalid", "Sign in again",
                        "The sign-in has ended or expired: sign in again.", null));
            }
            if (!found.get().twoFactorPending()) {
                return new Found(null, null, Response.seeOther(URI.create(RedirectPolicy.DEFAULT_TARGET)).build());
            }
            return new Found(found.get(), cookie.getValue(), null);
        });
    }

    private Uni<LiveSession> session(HttpHeaders headers) {
        Cookie cookie = headers.getCookies().get(sessionConfig.cookieName());
        if (cookie == null) {
            return Uni.createFrom().failure(ProblemException.unauthorized("authentication_required", "no session cookie"));
        }
        return sessions.find(cookie.getValue(), clock.instant()).map(found ->
                found.orElseThrow(() -> ProblemException.unauthorized("session_invalid", "the session has ended or expired; sign in again")));
    }

    private Uni<LiveSession> pendingSession(HttpHeaders headers) {
        return session(headers).map(session -> {
            if (!session.twoFactorPending()) {
                throw ProblemException.conflict("two_factor_not_pending", "the session is already active");
            }
            return session;
        });
    }

    private Uni<Response> render(Found found, String next, TwoFactor.Refused refused, int status) {
        return twoFactor.challenge(found.session()).map(challenge -> {
            TemplateInstance page = challenge instanceof TwoFactor.Enroll e
                    ? enroll.data("secret", e.secret()).data("otpauthUri", e.otpauthUri()).data("qrCode", e.qrDataUri())
                    : verify.instance();
            page.data("csrf", csrfToken(found.cookie()))
                    .data("next", next == null ? "" : next)
                    .data("error", refused == null ? null : refused.message())
                    .data("errorCode", refused == null ? null : refused.code());
            Response.ResponseBuilder response = Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                    .header("Cache-Control", "no-store").entity(page.render());
            if (refused != null && refused.lockedUntil() != null) {
                response.header("Retry-After", Math.max(1, Duration.between(clock.instant(), refused.lockedUntil()).toSeconds()));
            }
            return response.build();
        });
    }

    private static Response html(int status, String html) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).header("Cache-Control", "no-store").entity(html).build();
    }
}
