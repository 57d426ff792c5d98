package dev.jitprov.saml;

import java.util.List;

/**
 * Outcome of {@link SamlResponseValidator#validate}: every step run, up to and including the failing one.
 *
 * @param responseId the Response ID once parsed, else {@code null}
 * @param issuer     the Response (or Assertion) Issuer once parsed, else {@code null}; unverified until accepted
 * @param checks     the steps in order
 * @param principal  the verified user, {@code null} unless accepted
 * @param error      the first failure, {@code null} if accepted
 */
public record ValidationReport(String responseId, String issuer, List<CheckResult> checks, SamlPrincipal principal,
        SamlErrorCode error) {

    public ValidationReport {
        checks = List.copyOf(checks);
        if ((principal == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of principal and error must be set");
        }
    }

    public boolean accepted() {
        return error == null;
    }

    /** Whether a signature of the Response or the Assertion verified against the workspace's IdP certificates. */
    public boolean signatureVerified() {
        return checks.stream().anyMatch(c -> c.passed() && (c.step().equals("response_signature") || c.step().equals("assertion_signature")));
    }
}
