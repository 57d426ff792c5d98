package dev.jitprov.security;

import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.members.SignInRejections;
import dev.jitprov.provisioning.LoginRejected;
import dev.jitprov.provisioning.WorkspaceState;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * R15: a sign-in from outside the workspace's IP allow-list is refused before anything else happens (before
 * SAML validation, before a password is checked, so nothing is provisioned) and recorded as
 * {@code LoginRejected(firewall)}.
 *
 * <p>The client address (G8, docs/security.md) is the TCP peer's, unless that peer is one of
 * {@code jit.firewall.trusted-proxies}: then it is the right-most address of {@code jit.firewall.client-address-header}
 * ({@code X-Forwarded-For} or {@code Forwarded}) that is not itself a trusted proxy, i.e. the address the outermost
 * trusted proxy appended. Everything left of it was written by the client and is never believed. This does not use
 * Quarkus' {@code quarkus.http.proxy.*} resolution, which takes the left-most, client-written entry.
 */
@ApplicationScoped
public class Firewall {

    public static final String FIREWALL = "firewall";
    private static final Logger LOG = Logger.getLogger(Firewall.class);

    @ConfigMapping(prefix = "jit.firewall")
    public interface Config {
        /** Addresses or CIDR blocks of the reverse proxies in front of the service (the ingress controller's pods). */
        Optional<List<String>> trustedProxies();

        /** The header those proxies append the client address to: {@code X-Forwarded-For} or {@code Forwarded}. */
        @WithDefault("X-Forwarded-For")
        String clientAddressHeader();
    }

    /** A refused sign-in: the page or problem shows {@code code}; {@code reference} is the rejection's correlation id. */
    public record Refusal(String code, String message, String reference) {
    }

    private final SignInRejections rejections;
    private final Clock clock;
    private final IpAllowList trustedProxies;
    private final String header;

    public Firewall(SignInRejections rejections, Clock clock, Config config) {
        this.rejections = rejections;
        this.clock = clock;
        this.trustedProxies = IpAllowList.parse(config.trustedProxies().orElse(List.of()).stream().filter(s -> !s.isBlank()).toList());
        this.header = config.clientAddressHeader();
    }

    /** The client address of a request (see the class comment); null when unknown. */
    public String clientAddress(HttpServerRequest request) {
        if (request == null) {
            return null;
        }
        // the socket's peer, never an address Quarkus may have taken from a header
        SocketAddress remote = request.connection() != null ? request.connection().remoteAddress() : request.remoteAddress();
        String peer = remote == null ? null : remote.hostAddress() != null ? remote.hostAddress() : remote.host();
        if (!trustedProxies.contains(peer)) {
            return peer;
        }
        List<String> chain = forwardedChain(request.headers().getAll(header), "forwarded".equalsIgnoreCase(header));
        for (int i = chain.size() - 1; i >= 0; i--) {
            String candidate = strip(chain.get(i));
            if (!trustedProxies.contains(candidate)) {
                return candidate;
            }
        }
        return chain.isEmpty() ? peer : strip(chain.get(0));
    }

    /** The addresses a header lists, left to right, over all its lines. */
    static List<String> forwardedChain(List<String> lines, boolean rfc7239) {
        List<String> chain = new ArrayList<>();
        for (String line : lines) {
            for (String element : line.split(",")) {
                String address = element.strip();
                if (rfc7239) {
                    address = null;
                    for (String pair : element.split(";")) {
                        String p = pair.strip();
                        if (p.regionMatches(true, 0, "for=", 0, 4)) {
                            address = p.substring(4).replace("\"", "");
                        }
                    }
                }
                if (address != null && !address.isEmpty()) {
                    chain.add(address);
                }
            }
        }
        return chain;
    }

    /** Without brackets and port: {@code [2001:db8::1]:443} → {@code 2001:db8::1}, {@code 192.0.2.1:80} → {@code 192.0.2.1}. */
    static String strip(String address) {
        String a = address.strip();
        if (a.startsWith("[") && a.contains("]")) {
            return a.substring(1, a.indexOf(']'));
        }
        int colon = a.indexOf(':');
        return colon > 0 && colon == a.lastIndexOf(':') ? a.substring(0, colon) : a;
    }

    /** Whether {@link #admit} would let {@code clientAddress} in; records nothing. */
    public boolean permits(WorkspaceState workspace, String clientAddress) {
        return IpAllowList.parse(workspace.security().ipAllowList()).permits(clientAddress);
    }

    /** Empty when the address may sign in; otherwise the refusal, already recorded. */
    public Uni<Optional<Refusal>> admit(WorkspaceState workspace, String clientAddress, String path) {
        if (permits(workspace, clientAddress)) {
            return Uni.createFrom().item(Optional.empty());
        }
        String ws = workspace.workspaceId();
        String correlationId = UUID.randomUUID().toString();
        String detail = "Sign-in from " + (clientAddress == null ? "an unknown address" : clientAddress)
                + " is not allowed: the address is outside this workspace's IP allow-list (" + path + ").";
        LOG.infof("sign-in refused: workspace=%s code=firewall address=%s path=%s", ws, clientAddress, path);
        LoginRejected rejection = new LoginRejected(FIREWALL, detail, null, null, null, clock.instant());
        return rejections.record(rejection, new EventMetadata(ws, "anonymous", correlationId, null))
                .replaceWith(Optional.of(new Refusal(FIREWALL, detail, correlationId)));
    }
}
