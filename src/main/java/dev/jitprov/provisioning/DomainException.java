package dev.jitprov.provisioning;

/**
 * A refused command or request, thrown by the domain and the services below the web layer. {@code code} is the
 * stable problem code (RFC 9457 {@code code} member); {@code kind} is what went wrong, which the web layer maps to
 * an HTTP status ({@code dev.jitprov.web.ProblemMappers}): INVALID 400, UNAUTHENTICATED 401, FORBIDDEN 403,
 * NOT_FOUND 404, CONFLICT 409, UNPROCESSABLE 422, TOO_MANY_ATTEMPTS 429 (with {@link #retryAfter()}).
 */
public class DomainException extends RuntimeException {

    public enum Kind {
        CONFLICT, UNPROCESSABLE, NOT_FOUND, FORBIDDEN,
        /** The request itself is malformed (a parameter out of range, a missing field). */
        INVALID,
        /** The credentials are missing, unknown or no longer valid. */
        UNAUTHENTICATED,
        /** Too many attempts: try again after {@link #retryAfter()}. */
        TOO_MANY_ATTEMPTS
    }

    private final String code;
    private final Kind kind;
    private final java.time.Duration retryAfter;

    public DomainException(String code, Kind kind, String message) {
        this(code, kind, message, null);
    }

    private DomainException(String code, Kind kind, String message, java.time.Duration retryAfter) {
        super(message);
        this.code = code;
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    /** How long to wait before trying again ({@link Kind#TOO_MANY_ATTEMPTS}); null otherwise. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    public static DomainException invalid(String code, String message) {
        return new DomainException(code, Kind.INVALID, message);
    }

    public static DomainException unauthenticated(String code, String message) {
        return new DomainException(code, Kind.UNAUTHENTICATED, message);
    }

    public static DomainException tooManyAttempts(String code, String message, java.time.Duration retryAfter) {
        return new DomainException(code, Kind.TOO_MANY_ATTEMPTS, message, retryAfter);
    }

    public String code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }

    public static DomainException conflict(String code, String message) {
        return new DomainException(code, Kind.CONFLICT, message);
    }

    public static DomainException unprocessable(String code, String message) {
        return new DomainException(code, Kind.UNPROCESSABLE, message);
    }

    public static DomainException forbidden(String code, String message) {
        return new DomainException(code, Kind.FORBIDDEN, message);
    }

    public static DomainException notFound(String code, String message) {
        return new DomainException(code, Kind.NOT_FOUND, message);
    }

    @Override
    public String toString() {
        return "DomainException[" + kind + " " + code + ": " + getMessage() + "]";
    }
}
