package dev.jitprov.console;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test-only stand-in for an IdP's HTTP-POST binding: a page that auto-posts a signed SAML Response to the
 * workspace's ACS, as the browser would after an IdP-initiated sign-in.
 */
@Path("/test-idp/post")
public class TestIdpPage {

    private record Pending(String workspace, String samlResponse, String relayState) {
    }

    private static final Map<String, Pending> PENDING = new ConcurrentHashMap<>();

    /** Registers a response and returns the path of the page that posts it. */
    public static String register(String workspace, String samlResponse, String relayState) {
        String id = UUID.randomUUID().toString();
        PENDING.put(id, new Pending(workspace, samlResponse, relayState));
        return "/test-idp/post/" + id;
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.TEXT_HTML)
    public String page(@PathParam("id") String id) {
        Pending p = PENDING.remove(id);
        if (p == null) {
            return "<!DOCTYPE html><p>unknown</p>";
        }
        return "<!DOCTYPE html><html><body><form id=\"idp\" method=\"post\" action=\"/saml/" + p.workspace() + "/acs\">"
                + "<input type=\"hidden\" name=\"SAMLResponse\" value=\"" + p.samlResponse() + "\">"
                + (p.relayState() == null ? "" : "<input type=\"hidden\" name=\"RelayState\" value=\"" + p.relayState() + "\">")
                + "<noscript><button type=\"submit\">Continue</button></noscript></form>"
                + "<script>document.getElementById('idp').submit();</script></body></html>";
    }
}
