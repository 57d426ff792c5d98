package dev.jitprov.scim;

/**
 * A SCIM request refused (RFC 7644 §3.12): the HTTP status, the {@code scimType} where the RFC defines one, and a
 * detail for people. The web layer answers it with the SCIM error schema, never with a problem+json body.
 */
public class ScimError extends RuntimeException {

    public static final String INVALID_FILTER = "invalidFilter";
    public static final String INVALID_SYNTAX = "invalidSyntax";
    public static final String INVALID_VALUE = "invalidValue";
    public static final String INVALID_PATH = "invalidPath";
    public static final String NO_TARGET = "noTarget";
    public static final String MUTABILITY = "mutability";
    public static final String UNIQUENESS = "uniqueness";

    private final int status;
    private final String scimType;

    public ScimError(int status, String scimType, String detail) {
        super(detail);
        this.status = status;
        this.scimType = scimType;
    }

    public static ScimError badRequest(String scimType, String detail) {
        return new ScimError(400, scimType, detail);
    }

    public static ScimError notFound(String detail) {
        return new ScimError(404, null, detail);
    }

    /** A refusal of the domain or a lost race, as a SCIM error; anything else is returned as is (a 500 for the caller). */
    public static Throwable from(Throwable failure) {
        if (failure instanceof dev.jitprov.provisioning.DomainException d) {
            String code = d.code();
            if (dev.jitprov.provisioning.ErrorCodes.MEMBER_EXISTS.equals(code) || dev.jitprov.provisioning.ErrorCodes.GROUP_EXISTS.equals(code)) {
                return new ScimError(409, UNIQUENESS, d.getMessage());
            }
            if (dev.jitprov.provisioning.ErrorCodes.USER_NAME_IMMUTABLE.equals(code)) {
                return new ScimError(400, MUTABILITY, d.getMessage());
            }
            switch (d.kind()) {
                case NOT_FOUND:
                    return new ScimError(404, null, d.getMessage());
                case CONFLICT:
                    return new ScimError(409, null, d.getMessage() + " (" + code + ")");
                case FORBIDDEN:
                    return new ScimError(403, null, d.getMessage());
                case UNAUTHENTICATED:
                    return new ScimError(401, null, d.getMessage());
                default:
                    return new ScimError(400, INVALID_VALUE, d.getMessage());
            }
        }
        if (failure instanceof dev.jitprov.eventstore.ConcurrencyConflictException) {
            return new ScimError(409, null, "the resource changed concurrently; read it again and retry");
        }
        return failure;
    }

    public int status() {
        return status;
    }

    /** Null when the RFC names none for the status. */
    public String scimType() {
        return scimType;
    }
}
