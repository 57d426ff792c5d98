package dev.jitprov.web.saml;

import dev.jitprov.provisioning.DomainException;
import dev.jitprov.provisioning.WorkspaceState;

import dev.jitprov.saml.AcsGuard;
import dev.jitprov.saml.AuthnRequests;
import dev.jitprov.saml.SamlSignIn;
import dev.jitprov.saml.WorkspaceSamlValidator;
import dev.jitprov.saml.SpMetadata;

import dev.jitprov.web.ErrorPages;
import dev.jitprov.web.ProblemException;
import dev.jitprov.security.Firewall;
import dev.jitprov.session.CookieFactory;
import dev.jitprov.session.RedirectPolicy;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The SAML service provider of each workspace: ACS (HTTP-POST), SP metadata, SP-initiated login. */
@Path("/saml/{ws}")
public class AcsResource {

    private static final Set<String> FORM_FIELDS = Set.of("SAMLResponse", "RelayState");

    /** The ACS form as the OpenAPI document describes it (the body is read by {@link FormFields}). */
    @Schema(name = "AcsForm")
    public static class AcsForm {
        @Schema(description = "The base64 SAML Response (HTTP-POST binding)", required = true)
        public String SAMLResponse;
        @Schema(description = "Where to go after the sign-in (a path of this service)")
        public String RelayState;
    }

    private final Workspaces workspaces;
    private final SamlSignIn signIn;
    private final WorkspaceSamlValidator validation;
    private final ErrorPages errors;
    private final CookieFactory cookies;
    private final RedirectPolicy redirects;
    private final AuthnRequests authnRequests;
    private final Firewall firewall;
    private final AcsGuard guard;
    private final java.time.Clock clock;
    private final dev.jitprov.saml.SpKeys spKeys;
    private final dev.jitprov.workspace.ServiceUrls urls;

    public AcsResource(Workspaces workspaces, SamlSignIn signIn, WorkspaceSamlValidator validation, ErrorPages errors, CookieFactory cookies,
                       RedirectPolicy redirects, AuthnRequests authnRequests, Firewall firewall, AcsGuard guard, java.time.Clock clock,
                       dev.jitprov.saml.SpKeys spKeys, dev.jitprov.workspace.ServiceUrls urls) {
        this.spKeys = spKeys;
        this.urls = urls;
        this.guard = guard;
        this.clock = clock;
        this.workspaces = workspaces;
        this.signIn = signIn;
        this.validation = validation;
        this.errors = errors;
        this.cookies = cookies;
        this.redirects = redirects;
        this.authnRequests = authnRequests;
        this.firewall = firewall;
    }

    @POST
    @Path("/acs")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Assertion Consumer Service (HTTP-POST binding, IdP- or SP-initiated)")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_FORM_URLENCODED, schema = @Schema(implementation = AcsForm.class)))
    public Uni<Response> acs(@Context HttpHeaders headers, @Context HttpServerRequest request, @PathParam("ws") String ws, String body) {
        Map<String, String> form;
        try {
            form = FormFields.parse(body, FORM_FIELDS);
        } catch (IllegalArgumentException malformed) {
            return Uni.createFrom().item(errors.respond(headers, 400, "saml_response_missing", "Sign-in refused",
                    "The request body is not a valid form (" + malformed.getMessage() + ").", null));
        }
        String samlResponse = form.get("SAMLResponse");
        String relayState = form.get("RelayState");
        if (samlResponse == null || samlResponse.isBlank()) {
            return Uni.createFrom().item(errors.respond(headers, 400, "saml_response_missing", "Sign-in refused",
                    "The request carries no SAMLResponse form field.", null));
        }
        Optional<String> expected = Optional.ofNullable(headers.getCookies().get(AuthnRequests.COOKIE)).map(c -> c.getValue());
        String clientAddress = firewall.clientAddress(request);
        // G10: an address that keeps posting what no signature verifies is turned away before any parsing.
        Optional<java.time.Duration> blocked = guard.blocked(clientAddress, clock.instant());
        if (blocked.isPresent()) {
            long seconds = ProblemException.wholeSeconds(blocked.get());
            return Uni.createFrom().item(Response.fromResponse(errors.respond(headers, 429, "too_many_requests", "Sign-in refused",
                    "Too many sign-in responses from your address could not be verified. Try again in " + seconds + " seconds.", null))
                    .header("Retry-After", String.valueOf(seconds)).build());
        }
        // The replica's cached workspace state saves a read per sign-in (issue 20); SamlSignIn decides an acceptance
        // only on the current state and confirms it before a refusal, and a change meanwhile starts over from it.
        return workspaces.cached(ws).flatMap(workspace -> attempt(workspace, false, samlResponse, expected, clientAddress, 1))
                .flatMap(result -> {
                    if (result instanceof SamlSignIn.SignedIn done) {
                        // R14: a session opened while the workspace enforces 2FA waits for a second factor.
                        URI target = redirects.target(relayState);
                        if (done.twoFactorPending()) {
                            target = URI.create("/2fa?next=" + URLEncoder.encode(target.toString(), StandardCharsets.UTF_8));
                        }
                        return Uni.createFrom().item(Response.seeOther(target)
                                .cookie(cookies.session(done.cookieSecret()), authnRequests.clearCookie(ws))
                                .header("Cache-Control", "no-store")
                                .build());
                    }
                    SamlSignIn.Refused refused = (SamlSignIn.Refused) result;
                    return Uni.createFrom().item(errors.respond(headers, refused.status(), refused.code(), "Sign-in refused", refused.message(),
                            refused.reference()));
                })
                .onFailure(DomainException.class).transform(e -> ProblemException.of((DomainException) e))
                .onFailure(ProblemException.class).recoverWithItem(e -> {
                    ProblemException problem = (ProblemException) e;
                    return errors.respond(headers, problem.status(), problem.code(), "Sign-in refused", problem.getMessage(), null);
                })
                .onFailure(e -> !(e instanceof ProblemException)).recoverWithItem(e ->
                        errors.respond(headers, 503, "service_unavailable", "Sign-in unavailable",
                                "The service could not complete the sign-in. Nothing was changed; please try again.", null));
    }

    /** One sign-in from {@code workspace}; from the current state again when it changed meanwhile (a few times at most). */
    private Uni<SamlSignIn.Result> attempt(WorkspaceState workspace, boolean confirmedCurrent, String samlResponse, Optional<String> expected,
                                           String clientAddress, int round) {
        String ws = workspace.workspaceId();
        if (!confirmedCurrent && !firewall.permits(workspace, clientAddress)) {
            // a refusal is recorded only on the current state
            return workspaces.require(ws).flatMap(current -> attempt(current, true, samlResponse, expected, clientAddress, round));
        }
        // R15: the firewall before anything else (SAML validation included): nothing is read or provisioned.
        return firewall.admit(workspace, clientAddress, "saml").flatMap(refusal -> {
            if (refusal.isPresent()) {
                // recorded as LoginRejected(firewall) (R15), and counted so one address cannot write them without bound
                guard.failed(clientAddress, ws, Firewall.FIREWALL, clock.instant());
                return Uni.createFrom().item((SamlSignIn.Result) new SamlSignIn.Refused(refusal.get().code(), refusal.get().message(),
                        refusal.get().reference(), 403));
            }
            return signIn.signIn(workspace, confirmedCurrent, samlResponse, expected, clientAddress);
        }).onFailure(SamlSignIn.WorkspaceChanged.class).recoverWithUni(changed -> round < MAX_ATTEMPTS
                ? workspaces.require(ws).flatMap(current -> attempt(current, true, samlResponse, expected, clientAddress, round + 1))
                : Uni.createFrom().failure(changed));
    }

    /** A workspace whose configuration changes under every attempt gets a 503 after this many. */
    private static final int MAX_ATTEMPTS = 3;

    @GET
    @Path("/metadata")
    // IdPs and people ask for it as any of these (Accept */* gets the first, the SAML metadata type)
    @Produces({"application/samlmetadata+xml", "application/xml", "text/xml"})
    @Operation(summary = "SP metadata of the workspace (entity ID, ACS URL)")
    public Uni<Response> metadata(@PathParam("ws") String ws) {
        return workspaces.require(ws).flatMap(workspace -> spKeys.published(ws).map(keys -> Response.ok(SpMetadata.render(validation.sp(ws),
                keys.stream().map(dev.jitprov.saml.SpKeys.SpKey::certificate).toList(), urls.sloUrl(ws),
                // the encryption certificate only when the workspace accepts encrypted assertions (issue 19)
                workspace.ssoConfigured() && workspace.sso().encryptedAssertions() ? keys.get(0).certificate() : null)).build()));
    }

    @GET
    @Path("/login")
    @Operation(summary = "SP-initiated sign-in: redirects the browser to the IdP with an AuthnRequest")
    public Uni<Response> login(@Context HttpHeaders headers, @PathParam("ws") String ws, @QueryParam("RelayState") String relayState) {
        return workspaces.require(ws).flatMap(workspace -> {
            if (!workspace.ssoActive() || workspace.sso().ssoUrl() == null) {
                return Uni.createFrom().item(errors.respond(headers, 409, "sso_not_configured", "Sign-in unavailable",
                        "Single sign-on is not configured for this workspace (no IdP SSO URL).", null));
            }
            return spKeys.active(ws).map(key -> {
                AuthnRequests.Redirect redirect = authnRequests.create(ws, workspace.sso().ssoUrl(), relayState, key);
                return Response.seeOther(URI.create(redirect.location())).cookie(redirect.cookie()).build();
            });
        }).onFailure(DomainException.class).transform(e -> ProblemException.of((DomainException) e))
                .onFailure(ProblemException.class).recoverWithItem(e -> {
            ProblemException problem = (ProblemException) e;
            return errors.respond(headers, problem.status(), problem.code(), "Sign-in refused", problem.getMessage(), null);
        });
    }
}
