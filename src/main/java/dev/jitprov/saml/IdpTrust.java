package dev.jitprov.saml;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What a workspace trusts about its IdP.
 *
 * @param entityId                   the IdP entity ID, the only accepted Issuer
 * @param signingCertificates        the only keys a signature is checked against (several during a rollover);
 *                                   certificates sent in a response's KeyInfo are never used
 * @param encryptedAssertionsAllowed whether EncryptedAssertion is accepted at all
 * @param spDecryptionKey            the SP private key for encrypted assertions, or {@code null}
 * @param spEncryptionCertificate    the SP certificate matching {@code spDecryptionKey}, or {@code null}
 * @param aesCbcAllowed              whether AES-CBC content encryption is accepted besides AES-GCM (issue 19: only when the
 *                                   workspace allows it; Entra ID encrypts with AES-256-CBC)
 */
public record IdpTrust(String entityId, List<X509Certificate> signingCertificates, boolean encryptedAssertionsAllowed,
        PrivateKey spDecryptionKey, X509Certificate spEncryptionCertificate, boolean aesCbcAllowed) {

    /** AES-GCM only. */
    public IdpTrust(String entityId, List<X509Certificate> signingCertificates, boolean encryptedAssertionsAllowed,
            PrivateKey spDecryptionKey, X509Certificate spEncryptionCertificate) {
        this(entityId, signingCertificates, encryptedAssertionsAllowed, spDecryptionKey, spEncryptionCertificate, false);
    }

    public IdpTrust {
        Objects.requireNonNull(entityId, "entityId");
        signingCertificates = List.copyOf(signingCertificates);
    }

    /** Trust for an IdP that does not encrypt assertions. */
    public static IdpTrust of(String entityId, List<X509Certificate> signingCertificates) {
        return new IdpTrust(entityId, signingCertificates, false, null, null);
    }
}
