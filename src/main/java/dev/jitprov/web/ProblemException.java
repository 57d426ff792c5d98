package dev.jitprov.web;

/** A refusal to report as problem+json (API) or as an error page with the same code (browser). */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final java.time.Duration retryAfter;

    public ProblemException(int status, String code, String title, String detail) {
        this(status, code, title, detail, null);
    }

    private ProblemException(int status, String code, String title, String detail, java.time.Duration retryAfter) {
        super(detail);
        this.status = status;
        this.code = code;
        this.title = title;
        this.retryAfter = retryAfter;
    }

    /** The web form of a refusal from below the web layer (docs: DomainException's kinds and their statuses). */
    public static ProblemException of(dev.jitprov.provisioning.DomainException e) {
        return switch (e.kind()) {
            case INVALID -> new ProblemException(400, e.code(), "Bad request", e.getMessage());
            case UNAUTHENTICATED -> new ProblemException(401, e.code(), "Unauthorized", e.getMessage());
            case FORBIDDEN -> new ProblemException(403, e.code(), "Forbidden", e.getMessage());
            case NOT_FOUND -> new ProblemException(404, e.code(), "Not found", e.getMessage());
            case CONFLICT -> new ProblemException(409, e.code(), "Conflict", e.getMessage());
            case UNPROCESSABLE -> new ProblemException(422, e.code(), "Unprocessable", e.getMessage());
            case TOO_MANY_ATTEMPTS -> tooManyRequests(e.code(), e.getMessage(), e.retryAfter());
        };
    }

    /** 429 with a {@code Retry-After} header (whole seconds, rounded up). */
    public static ProblemException tooManyRequests(String code, String detail, java.time.Duration retryAfter) {
        return new ProblemException(429, code, "Too many requests", detail, retryAfter);
    }

    /** Seconds a client should wait before trying again, or null. */
    public Long retryAfterSeconds() {
        return retryAfter == null ? null : wholeSeconds(retryAfter);
    }

    /** A wait in whole seconds as {@code Retry-After} and messages give it: rounded up, at least 1. */
    public static long wholeSeconds(java.time.Duration wait) {
        return dev.jitprov.provisioning.Lockouts.wholeSeconds(wait);
    }

    public static ProblemException badRequest(String code, String detail) {
        return new ProblemException(400, code, "Bad request", detail);
    }

    public static ProblemException unauthorized(String code, String detail) {
        return new ProblemException(401, code, "Authentication required", detail);
    }

    public static ProblemException forbidden(String code, String detail) {
        return new ProblemException(403, code, "Forbidden", detail);
    }

    public static ProblemException notFound(String code, String detail) {
        return new ProblemException(404, code, "Not found", detail);
    }

    public static ProblemException conflict(String code, String detail) {
        return new ProblemException(409, code, "Conflict", detail);
    }

    public static ProblemException unprocessable(String code, String detail) {
        return new ProblemException(422, code, "Unprocessable", detail);
    }

    public static ProblemException unavailable(String code, String detail) {
        return new ProblemException(503, code, "Service unavailable", detail);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Problem toProblem() {
        return Problem.of(status, code, title, getMessage());
    }
}
