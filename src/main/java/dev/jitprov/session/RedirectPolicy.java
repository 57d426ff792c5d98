package dev.jitprov.session;

import dev.jitprov.workspace.ServiceUrls;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a browser goes after sign-in: RelayState when it is a path on this service or a URL on an allowed host,
 * else the console. Never an open redirect: protocol-relative ({@code //evil}), backslash tricks, other schemes
 * and unknown hosts all fall back to the console.
 */
@ApplicationScoped
public class RedirectPolicy {

    public static final String DEFAULT_TARGET = "/console";

    private final SessionConfig config;
    private final ServiceUrls urls;

    public RedirectPolicy(SessionConfig config, ServiceUrls urls) {
        this.config = config;
        this.urls = urls;
    }

    public URI target(String relayState) {
        if (relayState == null || relayState.isBlank() || relayState.length() > 2000) {
            return URI.create(DEFAULT_TARGET);
        }
        String candidate = relayState.trim();
        if (candidate.contains("\\") || candidate.chars().anyMatch(Character::isISOControl)) {
            return URI.create(DEFAULT_TARGET);
        }
        try {
            URI uri = new URI(candidate);
            if (!uri.isAbsolute() && uri.getRawAuthority() == null && candidate.startsWith("/") && !candidate.startsWith("//")) {
                return uri;
            }
            if (uri.isAbsolute() && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && (config.allowedRedirectHosts().contains(uri.getHost()) || uri.getHost().equals(URI.create(urls.baseUrl()).getHost()))
                    && uri.getUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // not a URI: fall back
        }
        return URI.create(DEFAULT_TARGET);
    }
}
