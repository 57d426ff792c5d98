package dev.jitprov.web;

import io.quarkus.qute.Template;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Browser flows get an HTML page showing the code; API clients (Accept: JSON) get the same as problem+json. */
@ApplicationScoped
public class ErrorPages {

    private final Template error;

    public ErrorPages(Template error) {
        this.error = error;
    }

    public Response respond(HttpHeaders headers, int status, String code, String title, String message, String reference) {
        if (wantsJson(headers)) {
            return ProblemMappers.respond(Problem.of(status, code, title, message));
        }
        String html = error.data("title", title).data("message", message).data("code", code).data("reference", reference).render();
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .header("Cache-Control", "no-store")
                .entity(html).build();
    }

    static boolean wantsJson(HttpHeaders headers) {
        String accept = headers.getHeaderString(HttpHeaders.ACCEPT);
        return accept != null && !accept.contains("text/html")
                && (accept.contains("application/json") || accept.contains("application/problem+json"));
    }
}
