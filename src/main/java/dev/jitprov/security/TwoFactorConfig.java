package dev.jitprov.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Enforced 2FA (R14): TOTP per RFC 6238 (HMAC-SHA1, 6 digits, 30 s steps), as authenticator apps expect. */
@ConfigMapping(prefix = "jit.two-factor")
public interface TwoFactorConfig {

    /** Issuer shown by authenticator apps (the otpauth URI's issuer and label prefix). */
    @WithDefault("JIT Provisioning")
    String issuer();

    /** Time steps accepted either side of the current one (1: a code from the previous or next 30 s step). */
    @WithDefault("1")
    int window();

    /** Consecutive failed codes of one member before its second factor is locked. */
    @WithDefault("5")
    int maxAttempts();

    /**
     * How long a locked second factor refuses every code, even a valid one, at the first lock. Failures are not
     * forgotten at a lock: each further one locks again for twice as long (G6), up to {@link #maxLockDuration()}.
     */
    @WithDefault("PT5M")
    Duration lockDuration();

    /** The longest lock. */
    @WithDefault("PT24H")
    Duration maxLockDuration();

    /** One-time recovery codes issued at enrollment (shown once, stored hashed). */
    @WithDefault("10")
    int recoveryCodes();

    /**
     * AES key (base64 of 16, 24 or 32 bytes) that encrypts TOTP secrets at rest with AES-GCM. Required: set
     * JIT_TWO_FACTOR_KEY in production ({@code openssl rand -base64 32}); changing it invalidates enrollments.
     */
    String encryptionKey();
}
