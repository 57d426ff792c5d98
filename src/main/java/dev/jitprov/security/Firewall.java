package dev.jitprov.security;

import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.LoginRejected;
import dev.jitprov.provisioning.WorkspaceState;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * R15: a sign-in from outside the workspace's IP allow-list is refused before anything else happens (before
 * SAML validation, before a password is checked, so nothing is provisioned) and recorded as
 * {@code LoginRejected(firewall)}.
 *
 * <p>The client address is the connection's remote address as Vert.x reports it. Quarkus replaces it with the
 * address from {@code Forwarded} / {@code X-Forwarded-For} only when proxy forwarding is on
 * ({@code quarkus.http.proxy.*}) and the connection comes from one of {@code quarkus.http.proxy.trusted-proxies};
 * a header sent by anyone else is ignored. This class never reads those headers itself.
 */
@ApplicationScoped
public class Firewall {

    public static final String FIREWALL = "firewall";
    private static final Logger LOG = Logger.getLogger(Firewall.class);

    /** A refused sign-in: the page or problem shows {@code code}; {@code reference} is the rejection's correlation id. */
    public record Refusal(String code, String message, String reference) {
    }

    private final MemberStreams members;
    private final Clock clock;

    public Firewall(MemberStreams members, Clock clock) {
        this.members = members;
        this.clock = clock;
    }

    /** The client address of a request, after Quarkus' trusted-proxy resolution; null when unknown. */
    public static String clientAddress(HttpServerRequest request) {
        SocketAddress remote = request == null ? null : request.remoteAddress();
        if (remote == null) {
            return null;
        }
        return remote.hostAddress() != null ? remote.hostAddress() : remote.host();
    }

    /** Empty when the address may sign in; otherwise the refusal, already recorded. */
    public Uni<Optional<Refusal>> admit(WorkspaceState workspace, String clientAddress, String path) {
        IpAllowList allowList = IpAllowList.parse(workspace.security().ipAllowList());
        if (allowList.permits(clientAddress)) {
            return Uni.createFrom().item(Optional.empty());
        }
        String ws = workspace.workspaceId();
        String correlationId = UUID.randomUUID().toString();
        String detail = "Sign-in from " + (clientAddress == null ? "an unknown address" : clientAddress)
                + " is not allowed: the address is outside this workspace's IP allow-list (" + path + ").";
        LOG.infof("sign-in refused: workspace=%s code=firewall address=%s path=%s", ws, clientAddress, path);
        LoginRejected rejection = new LoginRejected(FIREWALL, detail, null, null, null, clock.instant());
        return members.recordRejection(rejection, new EventMetadata(ws, "anonymous", correlationId, null))
                .replaceWith(Optional.of(new Refusal(FIREWALL, detail, correlationId)));
    }
}
