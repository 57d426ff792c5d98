package dev.jitprov.provisioning;

/**
 * A refused command. {@code code} is the stable problem code (RFC 9457 {@code code} member); {@code kind}
 * maps to an HTTP status in the REST layer (409, 422, 404, 403).
 */
public class DomainException extends RuntimeException {

    public enum Kind {
        CONFLICT, UNPROCESSABLE, NOT_FOUND, FORBIDDEN
    }

    private final String code;
    private final Kind kind;

    public DomainException(String code, Kind kind, String message) {
        super(message);
        this.code = code;
        this.kind = kind;
    }

    public String code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }

    static DomainException conflict(String code, String message) {
        return new DomainException(code, Kind.CONFLICT, message);
    }

    static DomainException unprocessable(String code, String message) {
        return new DomainException(code, Kind.UNPROCESSABLE, message);
    }

    static DomainException forbidden(String code, String message) {
        return new DomainException(code, Kind.FORBIDDEN, message);
    }

    static DomainException notFound(String code, String message) {
        return new DomainException(code, Kind.NOT_FOUND, message);
    }

    @Override
    public String toString() {
        return "DomainException[" + kind + " " + code + ": " + getMessage() + "]";
    }
}
