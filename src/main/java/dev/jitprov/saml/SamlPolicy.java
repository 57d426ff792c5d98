package dev.jitprov.saml;

import java.time.Duration;

/**
 * Tunables of SAML validation.
 *
 * @param clockSkew          tolerated clock difference between IdP and SP (default 60 s)
 * @param maxIssueInstantAge how old a Response/Assertion IssueInstant may be (default 5 min; the skew is added)
 * @param maxBodyBytes       maximum length of the base64 {@code SAMLResponse} form field (default 256 KiB),
 *                           checked before decoding so a huge body costs nothing
 */
public record SamlPolicy(Duration clockSkew, Duration maxIssueInstantAge, int maxBodyBytes) {

    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MAX_ISSUE_INSTANT_AGE = Duration.ofMinutes(5);
    public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;

    public SamlPolicy {
        if (clockSkew == null || clockSkew.isNegative()) {
            throw new IllegalArgumentException("clockSkew must be >= 0");
        }
        if (maxIssueInstantAge == null || maxIssueInstantAge.isNegative() || maxIssueInstantAge.isZero()) {
            throw new IllegalArgumentException("maxIssueInstantAge must be > 0");
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be > 0");
        }
    }

    public static SamlPolicy defaults() {
        return new SamlPolicy(DEFAULT_CLOCK_SKEW, DEFAULT_MAX_ISSUE_INSTANT_AGE, DEFAULT_MAX_BODY_BYTES);
    }
}
