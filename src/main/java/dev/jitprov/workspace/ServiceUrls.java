package dev.jitprov.workspace;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;

/** The public URLs of the service provider side, derived per workspace from one configured base URL. */
@ApplicationScoped
public class ServiceUrls {

    @ConfigMapping(prefix = "jit.public")
    public interface PublicConfig {
        /** Base URL browsers and IdPs reach this service at (no trailing slash). */
        @WithDefault("http://localhost:8080")
        String baseUrl();
    }

    private final PublicConfig config;

    public ServiceUrls(PublicConfig config) {
        this.config = config;
    }

    public String baseUrl() {
        return config.baseUrl().replaceAll("/+$", "");
    }

    public String acsUrl(String workspaceId) {
        return baseUrl() + "/saml/" + workspaceId + "/acs";
    }

    /** Where IdPs send LogoutRequests and LogoutResponses, on both bindings (issue 19). */
    public String sloUrl(String workspaceId) {
        return baseUrl() + "/saml/" + workspaceId + "/slo";
    }

    public String spEntityId(String workspaceId) {
        return baseUrl() + "/saml/" + workspaceId + "/metadata";
    }
}
