package dev.jitprov.http;

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
        return Math.max(1, (wait.toMillis() + 999) / 1000);
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
