package dev.jitprov.saml;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.List;
import java.util.Set;

import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.EncryptedAssertion;
import org.opensaml.saml.saml2.encryption.Decrypter;
import org.opensaml.saml.saml2.encryption.EncryptedElementTypeEncryptedKeyResolver;
import org.opensaml.security.credential.BasicCredential;
import org.opensaml.security.credential.Credential;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.encryption.support.ChainingEncryptedKeyResolver;
import org.opensaml.xmlsec.encryption.support.DecryptionException;
import org.opensaml.xmlsec.encryption.support.InlineEncryptedKeyResolver;
import org.opensaml.xmlsec.keyinfo.impl.StaticKeyInfoCredentialResolver;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Step 12: decryption of an EncryptedAssertion. Called only after the Response signature verified: decrypting
 * attacker-chosen ciphertext first would expose the SP key to padding-oracle style attacks and waste CPU.
 */
final class AssertionDecryption {

    private static final String XENC_NS = "http://www.w3.org/2001/04/xmlenc#";

    /** AES (CBC or GCM) for data, RSA-OAEP for the key; RSA PKCS#1 v1.5 key transport is a known oracle. */
    static final Set<String> ALLOWED_ALGORITHMS = Set.of(
            "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
            "http://www.w3.org/2001/04/xmlenc#aes192-cbc",
            "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
            "http://www.w3.org/2009/xmlenc11#aes128-gcm",
            "http://www.w3.org/2009/xmlenc11#aes192-gcm",
            "http://www.w3.org/2009/xmlenc11#aes256-gcm",
            "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
            "http://www.w3.org/2009/xmlenc11#rsa-oaep");

    private AssertionDecryption() {
    }

    static Assertion decrypt(EncryptedAssertion encrypted, IdpTrust idp) throws CheckFailure {
        if (!idp.encryptedAssertionsAllowed()) {
            throw CheckFailure.of(SamlErrorCode.ENCRYPTED_ASSERTION_NOT_ALLOWED,
                    "encrypted assertions are not enabled for this IdP");
        }
        if (idp.spDecryptionKey() == null) {
            throw CheckFailure.of(SamlErrorCode.DECRYPTION_FAILED, "no SP decryption key configured");
        }
        checkAlgorithms(encrypted.getDOM(), idp.aesCbcAllowed());
        Decrypter decrypter = new Decrypter(null, new StaticKeyInfoCredentialResolver(credential(idp)),
                new ChainingEncryptedKeyResolver(List.of(new InlineEncryptedKeyResolver(),
                        new EncryptedElementTypeEncryptedKeyResolver())));
        // The decrypted assertion becomes the root of its own document so its signature (if any) can be
        // verified with the same ID resolution as a plain assertion.
        decrypter.setRootInNewDocument(true);
        try {
            return decrypter.decrypt(encrypted);
        } catch (DecryptionException | RuntimeException e) {
            throw CheckFailure.of(SamlErrorCode.DECRYPTION_FAILED, "cannot decrypt with the configured SP key");
        }
    }

    private static void checkAlgorithms(Element encryptedAssertion, boolean cbcAllowed) throws CheckFailure {
        if (encryptedAssertion == null) {
            throw CheckFailure.of(SamlErrorCode.DECRYPTION_FAILED, "no DOM for the encrypted assertion");
        }
        NodeList methods = encryptedAssertion.getElementsByTagNameNS(XENC_NS, "EncryptionMethod");
        for (int i = 0; i < methods.getLength(); i++) {
            String algorithm = ((Element) methods.item(i)).getAttributeNS(null, "Algorithm");
            if (!ALLOWED_ALGORITHMS.contains(algorithm) || (!cbcAllowed && algorithm.endsWith("-cbc"))) {
                throw CheckFailure.of(SamlErrorCode.DECRYPTION_FAILED,
                        "encryption algorithm " + SafeText.quoted(algorithm) + " is not allowed"
                                + (algorithm.endsWith("-cbc") ? " (AES-CBC is accepted only when the workspace allows it)" : ""));
            }
        }
    }

    private static Credential credential(IdpTrust idp) throws CheckFailure {
        if (idp.spEncryptionCertificate() != null) {
            return new BasicX509Credential(idp.spEncryptionCertificate(), idp.spDecryptionKey());
        }
        if (idp.spDecryptionKey() instanceof RSAPrivateCrtKey rsa) {
            try {
                PublicKey publicKey = KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
                return new BasicCredential(publicKey, rsa);
            } catch (java.security.GeneralSecurityException e) {
                throw CheckFailure.of(SamlErrorCode.DECRYPTION_FAILED, "SP decryption key is unusable");
            }
        }
        throw CheckFailure.of(SamlErrorCode.DECRYPTION_FAILED, "SP encryption certificate missing");
    }
}
