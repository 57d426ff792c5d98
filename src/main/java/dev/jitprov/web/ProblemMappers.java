package dev.jitprov.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.jitprov.eventstore.ConcurrencyConflictException;
import dev.jitprov.provisioning.DomainException;
import io.vertx.pgclient.PgException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.ConnectException;
import java.util.stream.Collectors;

/** Every error of the REST API as application/problem+json with a stable code. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    public static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response response = respond(e.toProblem());
        if (e.retryAfterSeconds() != null) {
            response.getHeaders().putSingle("Retry-After", String.valueOf(e.retryAfterSeconds()));
        }
        return response;
    }

    @ServerExceptionMapper
    public Response domain(DomainException e) {
        return problem(ProblemException.of(e));
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return respond(Problem.of(400, "unknown_field", "Bad request",
                "unknown field '" + e.getPropertyName() + "'; known fields: " + e.getKnownPropertyIds().stream()
                        .map(Object::toString).sorted().collect(Collectors.joining(", "))));
    }

    @ServerExceptionMapper
    public Response badValue(InvalidFormatException e) {
        return respond(Problem.of(400, "invalid_value", "Bad request",
                "invalid value '" + e.getValue() + "' for " + path(e)));
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return respond(Problem.of(400, "invalid_value", "Bad request", "invalid input for " + path(e) + ": " + e.getOriginalMessage()));
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e) {
        return respond(Problem.of(400, "malformed_json", "Bad request", "the body is not valid JSON: " + e.getOriginalMessage()));
    }

    @ServerExceptionMapper
    public Response conflict(ConcurrencyConflictException e) {
        return respond(Problem.of(409, "concurrent_modification", "Conflict",
                "someone else changed this at the same time; reload and try again"));
    }

    @ServerExceptionMapper
    public Response database(PgException e) {
        LOG.errorf("database error %s: %s", e.getSqlState(), e.getErrorMessage());
        return respond(Problem.of(503, "storage_unavailable", "Service unavailable", "the database refused the request; try again"));
    }

    @ServerExceptionMapper
    public Response unreachable(ConnectException e) {
        LOG.errorf("database unreachable: %s", e.getMessage());
        return respond(Problem.of(503, "storage_unavailable", "Service unavailable", "the database is unreachable; try again"));
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return respond(Problem.of(404, "not_found", "Not found", "no such resource"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof UnrecognizedPropertyException unknown) {
                return unknownField(unknown);
            } else if (cause instanceof InvalidFormatException invalid) {
                return badValue(invalid);
            } else if (cause instanceof MismatchedInputException mismatched) {
                return mismatched(mismatched);
            } else if (cause instanceof JsonProcessingException json) {
                return malformed(json);
            }
        }
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 415 -> "unsupported_media_type";
            case 413 -> "body_too_large";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
        return respond(Problem.of(status, code, e.getResponse().getStatusInfo().getReasonPhrase(), e.getMessage()));
    }

    private static String path(MismatchedInputException e) {
        String path = e.getPath().stream().map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        return path.isEmpty() ? "the body" : "'" + path + "'";
    }
}
