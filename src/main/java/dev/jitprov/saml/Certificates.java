package dev.jitprov.saml;

import java.io.ByteArrayInputStream;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Optional;

/** X.509 helpers for IdP signing certificates: PEM in and out, and the minimum key strength. */
public final class Certificates {

    /** RSA keys below this are refused: 1024-bit RSA is within reach of well-funded attackers. */
    public static final int MIN_RSA_BITS = 2048;
    /** EC keys below P-256 are refused. */
    public static final int MIN_EC_BITS = 256;

    private Certificates() {
    }

    /**
     * Parses a certificate given as PEM (with BEGIN/END lines) or as bare base64 DER (as in metadata or a pasted
     * IdP field), and checks its key strength.
     *
     * @throws InvalidSamlConfigurationException if it is not a valid X.509 certificate or its key is too weak
     */
    public static X509Certificate parsePem(String pemOrBase64) {
        if (pemOrBase64 == null || pemOrBase64.isBlank()) {
            throw new InvalidSamlConfigurationException("certificate is empty");
        }
        String body = pemOrBase64.replaceAll("-----BEGIN [A-Z0-9 ]+-----", "")
                .replaceAll("-----END [A-Z0-9 ]+-----", "")
                .replaceAll("\\s+", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new InvalidSamlConfigurationException("certificate is not valid base64");
        }
        X509Certificate certificate = fromDer(der);
        requireStrongKey(certificate);
        return certificate;
    }

    static X509Certificate fromDer(byte[] der) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException e) {
            throw new InvalidSamlConfigurationException("certificate is not valid X.509");
        }
    }

    /** PEM encoding with 64-column lines. */
    public static String toPem(X509Certificate certificate) {
        try {
            String base64 = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded());
            return "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        }
    }

    /** @throws InvalidSamlConfigurationException if the key is not RSA ≥ 2048 bits or EC ≥ 256 bits */
    public static void requireStrongKey(X509Certificate certificate) {
        weakness(certificate).ifPresent(problem -> {
            throw new InvalidSamlConfigurationException(problem);
        });
    }

    /** Why the certificate's key is too weak to verify signatures with, or empty if it is strong enough. */
    static Optional<String> weakness(X509Certificate certificate) {
        PublicKey key = certificate.getPublicKey();
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            return bits >= MIN_RSA_BITS ? Optional.empty()
                    : Optional.of("RSA key of " + bits + " bits is below the minimum " + MIN_RSA_BITS);
        }
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits >= MIN_EC_BITS ? Optional.empty()
                    : Optional.of("EC key of " + bits + " bits is below the minimum " + MIN_EC_BITS);
        }
        return Optional.of("key algorithm " + key.getAlgorithm() + " is not supported (use RSA or EC)");
    }
}
