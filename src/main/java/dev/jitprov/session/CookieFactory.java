package dev.jitprov.session;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.NewCookie;

/** The session cookie: HttpOnly, Secure (configurable for plain-HTTP local runs), SameSite=Lax, path /. */
@ApplicationScoped
public class CookieFactory {

    private final SessionConfig config;

    public CookieFactory(SessionConfig config) {
        this.config = config;
    }

    public NewCookie session(String secret) {
        return new NewCookie.Builder(config.cookieName()).value(secret).path("/")
                .maxAge((int) config.lifetime().toSeconds())
                .httpOnly(true).secure(config.secureCookie()).sameSite(NewCookie.SameSite.LAX).build();
    }

    public NewCookie clearSession() {
        return new NewCookie.Builder(config.cookieName()).value("").path("/").maxAge(0)
                .httpOnly(true).secure(config.secureCookie()).sameSite(NewCookie.SameSite.LAX).build();
    }

    public boolean secure() {
        return config.secureCookie();
    }
}
