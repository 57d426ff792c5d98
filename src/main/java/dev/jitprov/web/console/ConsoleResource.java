package dev.jitprov.web.console;

import dev.jitprov.web.Authorization;
import dev.jitprov.web.Caller;
import dev.jitprov.web.ProblemException;
import dev.jitprov.provisioning.Permissions;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;

/**
 * The administrator's console: server-rendered pages (Qute) that show only the sections the signed-in member's
 * permissions allow; the page script ({@code /console/console.js}) calls the JSON API with the session cookie.
 * Security headers (CSP, frame-ancestors, no-store…) are set for every /console path in application.properties.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {

    /** What a page may show: the caller and its permissions. */
    public record View(String page, String workspace, String member, String role, boolean security, boolean team, boolean audit) {

        static View of(String page, Caller caller) {
            return new View(page, caller.workspaceId(), caller.memberKey(), caller.role(),
                    caller.holds(Permissions.SECURITY_SETTINGS_MANAGE), caller.holds(Permissions.TEAM_MANAGE),
                    caller.holds(Permissions.AUDIT_VIEW));
        }
    }

    private final Authorization authorization;
    private final Template login;
    private final Template security;
    private final Template members;
    private final Template audit;
    private final Template inspector;
    private final Template home;

    public ConsoleResource(Authorization authorization,
                           @Location("console/login") Template login, @Location("console/security") Template security,
                           @Location("console/members") Template members, @Location("console/audit") Template audit,
                           @Location("console/inspector") Template inspector, @Location("console/home") Template home) {
        this.authorization = authorization;
        this.login = login;
        this.security = security;
        this.members = members;
        this.audit = audit;
        this.inspector = inspector;
        this.home = home;
    }

    @GET
    @Path("/login")
    public Response login(@QueryParam("workspace") String workspace) {
        return Response.ok(login.data("workspace", workspace == null ? "" : workspace).render()).build();
    }

    @GET
    public Uni<Response> index(@Context HttpHeaders headers) {
        // Where the ACS lands after sign-in: Security > Login for those who may manage it, else the overview.
        return page(headers, "index", null);
    }

    @GET
    @Path("/security")
    public Uni<Response> security(@Context HttpHeaders headers) {
        return page(headers, "security", Permissions.SECURITY_SETTINGS_MANAGE);
    }

    @GET
    @Path("/members")
    public Uni<Response> members(@Context HttpHeaders headers) {
        return page(headers, "members", Permissions.TEAM_MANAGE);
    }

    @GET
    @Path("/audit")
    public Uni<Response> audit(@Context HttpHeaders headers) {
        return page(headers, "audit", Permissions.AUDIT_VIEW);
    }

    @GET
    @Path("/inspector")
    public Uni<Response> inspector(@Context HttpHeaders headers) {
        return page(headers, "inspector", Permissions.SECURITY_SETTINGS_MANAGE);
    }

    private Uni<Response> page(HttpHeaders headers, String page, String permission) {
        return authorization.authenticate(headers).map(caller -> {
            String shown = "index".equals(page) ? (caller.holds(Permissions.SECURITY_SETTINGS_MANAGE) ? "security" : "home") : page;
            View view = View.of(shown, caller);
            if (permission != null && !caller.holds(permission)) {
                return Response.status(403).entity(home.data("view", View.of("forbidden", caller)).data("denied", permission).render()).build();
            }
            Template template = switch (shown) {
                case "security" -> security;
                case "members" -> members;
                case "audit" -> audit;
                case "inspector" -> inspector;
                default -> home;
            };
            return Response.ok(template.data("view", view).data("denied", null).render()).build();
        }).onFailure(ProblemException.class).recoverWithItem(failure ->
                Response.seeOther(URI.create("two_factor_required".equals(((ProblemException) failure).code())
                        ? "/2fa?next=/console" : "/console/login")).build());
    }
}
