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
}
