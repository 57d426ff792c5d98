package dev.jitprov.projection;

import dev.jitprov.web.admin.AuditResource;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.UriBuilder;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.regex.Pattern;

/**
 * Sends {@code GET /api/workspaces/{ws}/audit?format=csv} and {@code …/audit?export=true} to the streaming export
 * methods of {@link AuditResource} (JAX-RS matches paths and media types, never query parameters).
 */
public class AuditFormatRouting {

    private static final Pattern AUDIT_PATH = Pattern.compile("^/api/workspaces/[^/]+/audit/?$");

    /** Routes {@code /audit?format=csv} and {@code /audit?export=true} to the streaming export methods. */
    @ServerRequestFilter(preMatching = true)
    public void route(ContainerRequestContext request) {
        if (!"GET".equals(request.getMethod()) || !AUDIT_PATH.matcher(request.getUriInfo().getPath()).matches()) {
            return;
        }
        var query = request.getUriInfo().getQueryParameters();
        String format = query.getFirst("format");
        boolean export = "true".equalsIgnoreCase(query.getFirst("export"));
        String target = "csv".equalsIgnoreCase(format) ? "export.csv"
                : export && (format == null || format.isBlank() || "json".equalsIgnoreCase(format)) ? "export.json" : null;
        if (target != null) {
            String path = request.getUriInfo().getPath().replaceFirst("/?$", "/" + target);
            request.setRequestUri(UriBuilder.fromUri(request.getUriInfo().getRequestUri()).replacePath(path).build());
        }
    }
}
