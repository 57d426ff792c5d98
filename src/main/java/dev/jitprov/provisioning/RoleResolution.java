package dev.jitprov.provisioning;

import java.util.Optional;

/**
 * The outcome of role resolution (R5–R7).
 *
 * @param role    the IdP's role when {@code fromIdp}; otherwise the configured default role (R7) when it exists
 *                in the workspace; empty when neither applies
 * @param reason  {@value #RESOLVED}, {@value #ROLE_MISSING} or {@code role_unknown: <value>}
 * @param fromIdp true when the role was resolved from the assertion
 */
public record RoleResolution(Optional<String> role, String reason, boolean fromIdp) {

    public static final String RESOLVED = "resolved";
    public static final String ROLE_MISSING = "role_missing";
    public static final String ROLE_UNKNOWN_PREFIX = "role_unknown: ";

    public boolean resolved() {
        return fromIdp;
    }

    /** The IdP's role, only when one resolved. */
    public Optional<String> idpRole() {
        return fromIdp ? role : Optional.empty();
    }

    /** {@code role_missing} or {@code role_unknown} (without the value); {@code resolved} when resolved. */
    public String code() {
        return reason.startsWith(ROLE_UNKNOWN_PREFIX) ? ErrorCodes.ROLE_UNKNOWN : reason;
    }
}
