package dev.jitprov.saml;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What an IdP's metadata tells us.
 *
 * @param entityId            the IdP entity ID
 * @param signingCertificates certificates of KeyDescriptors with {@code use="signing"} or without {@code use}
 * @param ssoUrl              the SingleSignOnService location (HTTP-POST preferred, else HTTP-Redirect)
 * @param sloUrl              the SingleLogoutService location, or {@code null}
 */
public record IdpMetadata(String entityId, List<X509Certificate> signingCertificates, String ssoUrl, String sloUrl) {
    public IdpMetadata {
        signingCertificates = List.copyOf(signingCertificates);
    }
}
