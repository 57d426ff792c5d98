package dev.jitprov.provisioning;

/** How a session was started. */
public enum SignInMethod {
    SAML, PASSWORD
}
