package dev.jitprov.web.saml;

import dev.jitprov.provisioning.DomainException;
import dev.jitprov.saml.SingleLogout;
import dev.jitprov.web.ErrorPages;
import dev.jitprov.web.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;

/**
 * SAML Single Logout endpoint of a workspace (issue 19): {@code /saml/{ws}/slo}, HTTP-Redirect ({@code GET}) and
 * HTTP-POST. A LogoutRequest from the workspace's IdP ends the sessions it names and is answered with a signed
 * LogoutResponse on the same binding; a request that fails verification ends nothing and gets an error page with a code.
 */
@Path("/saml/{ws}/slo")
public class SloResource {

    private final SingleLogout logout;
    private final ErrorPages errors;

    public SloResource(SingleLogout logout, ErrorPages errors) {
        this.logout = logout;
        this.errors = errors;
    }

    @GET
    @Operation(summary = "IdP-initiated logout, HTTP-Redirect binding (SAMLRequest, RelayState, SigAlg, Signature in the query)")
    public Uni<Response> redirect(@Context HttpHeaders headers, @Context HttpServerRequest request, @PathParam("ws") String ws) {
        // the signature covers the query string exactly as sent: read it raw, never re-encoded
        String rawQuery = request.query();
        if (request.getParam("SAMLResponse") != null) {
            return answer(headers, logout.responseFromIdp(ws, rawQuery, null, pendingRequest(headers)), ws);
        }
        String relayState = request.getParam("RelayState");
        return answer(headers, logout.fromIdp(ws, rawQuery, null, relayState), ws);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "IdP-initiated logout, HTTP-POST binding (SAMLRequest, RelayState form fields)")
    public Uni<Response> post(@Context HttpHeaders headers, @PathParam("ws") String ws, @FormParam("SAMLRequest") String samlRequest,
                              @FormParam("SAMLResponse") String samlResponse, @FormParam("RelayState") String relayState) {
        if (samlResponse != null && !samlResponse.isBlank()) {
            return answer(headers, logout.responseFromIdp(ws, null, samlResponse, pendingRequest(headers)), ws);
        }
        if (samlRequest == null || samlRequest.isBlank()) {
            return Uni.createFrom().item(errors.respond(headers, 400, "not_a_logout_request", "Sign-out refused",
                    "The request carries no SAMLRequest.", null));
        }
        return answer(headers, logout.fromIdp(ws, null, samlRequest, relayState), ws);
    }

    private static String pendingRequest(HttpHeaders headers) {
        jakarta.ws.rs.core.Cookie cookie = headers.getCookies().get(dev.jitprov.web.session.SessionResource.LOGOUT_REQUEST_COOKIE);
        return cookie == null ? null : cookie.getValue();
    }

    private Uni<Response> answer(HttpHeaders headers, Uni<SingleLogout.Answer> answer, String ws) {
        return answer.map(a -> {
                    if (a instanceof SingleLogout.Redirect r) {
                        return Response.seeOther(URI.create(r.location())).header("Cache-Control", "no-store").build();
                    }
                    if (a instanceof SingleLogout.Post p) {
                        return Response.ok(p.html(), MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).header("Cache-Control", "no-store").build();
                    }
                    if (a instanceof SingleLogout.SignedOut s) {
                        Response page = errors.respond(headers, 200, s.partial() ? "partial_logout" : "signed_out", "Signed out",
                                s.partial() ? "Your session here has ended; your identity provider may still hold a session of yours."
                                        : "You are signed out here and at your identity provider.", null);
                        return Response.fromResponse(page).cookie(new jakarta.ws.rs.core.NewCookie.Builder(
                                dev.jitprov.web.session.SessionResource.LOGOUT_REQUEST_COOKIE).value("").path("/saml/" + ws + "/slo").maxAge(0)
                                .httpOnly(true).build()).build();
                    }
                    SingleLogout.Refused refused = (SingleLogout.Refused) a;
                    return errors.respond(headers, refused.status(), refused.code(), "Sign-out refused", refused.message(), null);
                })
                .onFailure(DomainException.class).recoverWithItem(e -> {
                    ProblemException problem = ProblemException.of((DomainException) e);
                    return errors.respond(headers, problem.status(), problem.code(), "Sign-out refused", problem.getMessage(), null);
                });
    }
}
