package dev.jitprov.provisioning;

import java.time.Instant;

/**
 * A refused sign-in (R11, R7 strict, R15, SAML checks), stored in its own one-event stream.
 * {@code nameId}, {@code responseId} and {@code issuer} are nullable (unknown when the response could not be
 * read that far). {@code detail} never contains the assertion.
 */
public record LoginRejected(String code, String detail, String nameId, String responseId, String issuer,
        Instant at) {
    public static final String TYPE = "login.rejected.v1";
}
