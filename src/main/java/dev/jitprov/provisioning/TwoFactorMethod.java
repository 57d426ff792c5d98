package dev.jitprov.provisioning;

/** How a second factor was proven (R14). */
public enum TwoFactorMethod {
    /** A TOTP code (RFC 6238) from the enrolled authenticator. */
    TOTP,
    /** A one-time recovery code issued at enrollment. */
    RECOVERY_CODE
}
