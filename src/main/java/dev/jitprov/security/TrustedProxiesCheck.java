package dev.jitprov.security;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;

import java.util.List;

/**
 * R15 and G8 fail closed, at start rather than at the first sign-in:
 * <ul>
 * <li>{@code jit.firewall.trusted-proxies} must be addresses or CIDR blocks: a placeholder or a typo would otherwise
 * make every sign-in fail, or trust nobody;</li>
 * <li>Quarkus' own forwarding ({@code quarkus.http.proxy.*}) is not used for the client address, but if it is switched
 * on it needs trusted proxies, or any client could choose the address other code reads with one header.</li>
 * </ul>
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
        List<String> firewallProxies = config.getOptionalValues("jit.firewall.trusted-proxies", String.class).orElse(List.of())
                .stream().filter(s -> !s.isBlank()).toList();
        try {
            IpAllowList.parse(firewallProxies);
        } catch (IpAllowList.InvalidCidrException e) {
            throw new IllegalStateException("jit.firewall.trusted-proxies (JIT_FIREWALL_TRUSTED_PROXIES) holds '" + e.entry()
                    + "', which is not an address or CIDR block: set it to the ingress controller's pod addresses", e);
        }
        boolean forwarding = config.getOptionalValue("quarkus.http.proxy.proxy-address-forwarding", Boolean.class).orElse(false);
        List<String> trusted = config.getOptionalValues("quarkus.http.proxy.trusted-proxies", String.class).orElse(List.of());
        if (forwarding && trusted.stream().allMatch(String::isBlank)) {
            throw new IllegalStateException("quarkus.http.proxy.proxy-address-forwarding is on without quarkus.http.proxy.trusted-proxies: "
                    + "every client could choose its address with X-Forwarded-For; list the proxies' addresses");
        }
    }
}
