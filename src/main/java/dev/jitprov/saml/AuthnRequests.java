package dev.jitprov.saml;

import dev.jitprov.session.CookieFactory;
import dev.jitprov.workspace.ServiceUrls;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.NewCookie;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * SP-initiated sign-in: an AuthnRequest sent with the HTTP-Redirect binding. Its ID is remembered in a short-lived
 * cookie so the ACS can require a matching InResponseTo (SPEC §4.7). The cookie is SameSite=None because the IdP
 * posts the response cross-site.
 */
@ApplicationScoped
public class AuthnRequests {

    public static final String COOKIE = "jit_authn_request";
    private static final int COOKIE_SECONDS = 600;

    public record Redirect(String location, NewCookie cookie, String requestId) {
    }

    private final ServiceUrls urls;
    private final CookieFactory cookies;
    private final Clock clock;

    public AuthnRequests(ServiceUrls urls, CookieFactory cookies, Clock clock) {
        this.urls = urls;
        this.cookies = cookies;
        this.clock = clock;
    }

    /**
     * The AuthnRequest on the HTTP-Redirect binding, signed with the workspace's SP key (issue 19): IdPs that want signed
     * requests ({@code WantAuthnRequestsSigned}) get them, the others ignore the signature.
     */
    public Redirect create(String ws, String idpSsoUrl, String relayState, SpKeys.SpKey key) {
        String id = "_" + UUID.randomUUID().toString().replace("-", "");
        String xml = "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
                + "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"" + id + "\" Version=\"2.0\" IssueInstant=\""
                + DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)) + "\" Destination=\"" + escape(idpSsoUrl)
                + "\" AssertionConsumerServiceURL=\"" + escape(urls.acsUrl(ws))
                + "\" ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\">"
                + "<saml:Issuer>" + escape(urls.spEntityId(ws)) + "</saml:Issuer>"
                + "<samlp:NameIDPolicy AllowCreate=\"true\" Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified\"/>"
                + "</samlp:AuthnRequest>";
        String location = RedirectBinding.signedUrl(idpSsoUrl, "SAMLRequest", xml, relayState, key.privateKey());
        NewCookie cookie = new NewCookie.Builder(COOKIE).value(id).path("/saml/" + ws + "/acs").maxAge(COOKIE_SECONDS)
                .httpOnly(true).secure(cookies.secure()).sameSite(cookies.secure() ? NewCookie.SameSite.NONE : NewCookie.SameSite.LAX).build();
        return new Redirect(location, cookie, id);
    }

    public NewCookie clearCookie(String ws) {
        return new NewCookie.Builder(COOKIE).value("").path("/saml/" + ws + "/acs").maxAge(0).httpOnly(true).secure(cookies.secure()).build();
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
