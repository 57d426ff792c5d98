package dev.jitprov.saml;

import dev.jitprov.provisioning.SsoSettings;
import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.workspace.ServiceUrls;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CDI adapter of {@link SamlResponseValidator} (the pure validator): the validation pipeline bound to a workspace: this workspace as SP (entity ID and ACS URL from the public base
 * URL) and its IdP (entity ID and certificates from the workspace's SSO configuration). OpenSAML is initialized
 * at startup (it takes seconds), and validation runs on a worker thread (XML parsing and RSA verification are
 * CPU work that must not hold the event loop).
 */
@Startup
@ApplicationScoped
public class WorkspaceSamlValidator {

    private final SamlResponseValidator validator;
    private final SamlPolicy policy;
    private final Clock clock;
    private final ServiceUrls urls;
    private final Map<List<String>, List<X509Certificate>> parsedCertificates = new ConcurrentHashMap<>();

    private final SpKeys spKeys;

    public WorkspaceSamlValidator(Clock clock, SamlConfig config, ServiceUrls urls, SpKeys spKeys) {
        this.spKeys = spKeys;
        this.policy = new SamlPolicy(config.clockSkew(), config.maxIssueInstantAge(), config.maxBodyBytes());
        this.validator = new SamlResponseValidator(clock, policy);
        this.clock = clock;
        this.urls = urls;
    }

    public SpSettings sp(String workspaceId) {
        return new SpSettings(urls.spEntityId(workspaceId), urls.acsUrl(workspaceId));
    }

    public Uni<ValidationReport> validate(WorkspaceState workspace, String samlResponse, Optional<String> expectedInResponseTo) {
        SsoSettings sso = workspace.sso();
        SpSettings sp = sp(workspace.workspaceId());
        // encrypted assertions (issue 19): decrypted with the workspace's active SP key, published for encryption in the metadata
        Uni<Optional<SpKeys.SpKey>> decryption = sso.encryptedAssertions()
                ? spKeys.active(workspace.workspaceId()).map(Optional::of) : Uni.createFrom().item(Optional.empty());
        return decryption.flatMap(key -> {
            IdpTrust idp = new IdpTrust(sso.idpEntityId(), certificates(sso.certificatesPem()), sso.encryptedAssertions(),
                    key.map(SpKeys.SpKey::privateKey).orElse(null), key.map(SpKeys.SpKey::certificate).orElse(null), sso.aesCbcAllowed());
            return Uni.createFrom().item(() -> validator.validate(samlResponse, sp, idp, expectedInResponseTo))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        });
    }

    /** The IdP's LogoutRequest on either binding (issue 19), verified on a worker thread like a Response. */
    public Uni<LogoutRequestVerifier.VerifiedLogout> verifyLogout(WorkspaceState workspace, String rawQueryOrNull, String postedOrNull) {
        return verifyLogoutMessage(workspace, (idp, sloUrl, now) -> postedOrNull != null
                ? LogoutRequestVerifier.verifyPost(postedOrNull, idp, sloUrl, now, policy)
                : LogoutRequestVerifier.verifyRedirect(rawQueryOrNull, idp, sloUrl, now, policy));
    }

    /** The IdP's LogoutResponse to this SP's LogoutRequest, on either binding. */
    public Uni<LogoutRequestVerifier.VerifiedLogoutResponse> verifyLogoutResponse(WorkspaceState workspace, String rawQueryOrNull, String postedOrNull) {
        return verifyLogoutMessage(workspace, (idp, sloUrl, now) -> postedOrNull != null
                ? LogoutRequestVerifier.verifyPostResponse(postedOrNull, idp, sloUrl, now, policy)
                : LogoutRequestVerifier.verifyRedirectResponse(rawQueryOrNull, idp, sloUrl, now, policy));
    }

    @FunctionalInterface
    private interface LogoutCheck<T> {
        T verify(IdpTrust idp, String sloUrl, java.time.Instant now) throws CheckFailure;
    }

    /** A logout message checked against the workspace's IdP and SLO URL, off the event loop; a failure is a {@link LogoutRefused}. */
    private <T> Uni<T> verifyLogoutMessage(WorkspaceState workspace, LogoutCheck<T> check) {
        SsoSettings sso = workspace.sso();
        IdpTrust idp = new IdpTrust(sso.idpEntityId(), certificates(sso.certificatesPem()), sso.encryptedAssertions(), null, null);
        String sloUrl = urls.sloUrl(workspace.workspaceId());
        return Uni.createFrom().item(() -> {
            try {
                return check.verify(idp, sloUrl, clock.instant());
            } catch (CheckFailure failure) {
                throw new LogoutRefused(failure.error(), failure.detail());
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** A LogoutRequest that failed verification: nothing is ended. */
    public static final class LogoutRefused extends RuntimeException {
        private final SamlErrorCode error;

        LogoutRefused(SamlErrorCode error, String detail) {
            super(error.code() + ": " + detail, null, false, false);
            this.error = error;
        }

        public SamlErrorCode error() {
            return error;
        }
    }

    private List<X509Certificate> certificates(List<String> pems) {
        return parsedCertificates.computeIfAbsent(pems, list -> list.stream().map(Certificates::parsePem).toList());
    }
}
