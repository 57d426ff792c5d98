package dev.jitprov.security;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;

import java.util.List;

/**
 * R15 fails closed: with proxy address forwarding on and no trusted proxies, Quarkus would take the client address
 * from any client's {@code X-Forwarded-For}, and the firewall could be walked around with one header.
 */
@Startup
@ApplicationScoped
public class TrustedProxiesCheck {

    private final Config config;

    public TrustedProxiesCheck(Config config) {
        this.config = config;
    }

    @PostConstruct
    void check() {
        boolean forwarding = config.getOptionalValue("quarkus.http.proxy.proxy-address-forwarding", Boolean.class).orElse(false);
        List<String> trusted = config.getOptionalValues("quarkus.http.proxy.trusted-proxies", String.class).orElse(List.of());
        if (forwarding && trusted.stream().allMatch(String::isBlank)) {
            throw new IllegalStateException("quarkus.http.proxy.proxy-address-forwarding is on without quarkus.http.proxy.trusted-proxies: "
                    + "every client could choose its address with X-Forwarded-For; list the proxies' addresses");
        }
    }
}
