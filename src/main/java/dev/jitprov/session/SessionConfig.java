package dev.jitprov.session;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;

/** Browser sessions created at sign-in. */
@ConfigMapping(prefix = "jit.session")
public interface SessionConfig {

    /** Absolute lifetime of a session; it ends (SessionEnded EXPIRED) when reached. */
    @WithDefault("PT8H")
    Duration lifetime();

    /** Name of the HttpOnly, Secure, SameSite=Lax cookie holding the session secret. */
    @WithDefault("jit_session")
    String cookieName();

    /** Whether the cookie is marked Secure (keep true outside plain-HTTP local runs and tests). */
    @WithDefault("true")
    boolean secureCookie();

    /** Hosts (besides this service's own) that RelayState may redirect to after sign-in; never an open redirect. */
    @WithDefault("localhost")
    List<String> allowedRedirectHosts();

    /**
     * How long a session opened while the workspace enforces 2FA may wait for its second factor (R14). After that
     * its cookie no longer works (the user signs in again); the session row itself ends at its lifetime, as any
     * session, so a temporary member that never completes 2FA is still deleted (R12).
     */
    @WithDefault("PT10M")
    Duration twoFactorPendingLifetime();
}
