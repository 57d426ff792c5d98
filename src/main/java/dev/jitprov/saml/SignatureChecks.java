package dev.jitprov.saml;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.opensaml.saml.common.SignableSAMLObject;
import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureException;
import org.opensaml.xmlsec.signature.support.SignatureValidator;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Step 4: verification of one enveloped signature (on the Response or on the Assertion).
 *
 * <p>OpenSAML's {@link SignatureValidator} only checks the cryptography; everything that makes a signature
 * meaningful for SAML is wired here: the SAML profile (exactly one Reference, to the parent's ID, only
 * enveloped + exclusive c14n transforms), an algorithm allow-list, the key size, trust anchored in the configured
 * IdP certificates only (KeyInfo is attacker-controlled and never used), and that the signed ID resolves to the
 * very element we will read (defence against signature wrapping with duplicate IDs).
 */
final class SignatureChecks {

    static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";

    /** RSA and ECDSA with SHA-2 only: SHA-1 collisions are practical, HMAC would let a public key forge. */
    static final Set<String> ALLOWED_SIGNATURE_ALGORITHMS = Set.of(
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512");

    static final Set<String> ALLOWED_DIGEST_ALGORITHMS = Set.of(
            "http://www.w3.org/2001/04/xmlenc#sha256",
            "http://www.w3.org/2001/04/xmldsig-more#sha384",
            "http://www.w3.org/2001/04/xmlenc#sha512");

    private SignatureChecks() {
    }

    /**
     * Verifies the signature that is a direct child of {@code signed}.
     *
     * @return an admin-safe description of what verified
     */
    static String verify(SignableSAMLObject signed, List<X509Certificate> trusted) throws CheckFailure {
        Signature signature = signed.getSignature();
        if (signature == null) {
            throw CheckFailure.of(SamlErrorCode.SIGNATURE_MISSING, "not signed");
        }
        try {
            new SAMLSignatureProfileValidator().validate(signature);
        } catch (SignatureException e) {
            throw CheckFailure.of(SamlErrorCode.SIGNATURE_PROFILE_INVALID, SafeText.of(e.getMessage()));
        }
        checkAlgorithms(signature.getDOM());

        List<X509Certificate> usable = new ArrayList<>();
        List<String> weak = new ArrayList<>();
        for (X509Certificate certificate : trusted) {
            Certificates.weakness(certificate).ifPresentOrElse(weak::add, () -> usable.add(certificate));
        }
        if (usable.isEmpty()) {
            throw CheckFailure.of(weak.isEmpty() ? SamlErrorCode.INVALID_SIGNATURE : SamlErrorCode.WEAK_SIGNING_KEY,
                    weak.isEmpty() ? "no IdP certificate configured" : String.join("; ", weak));
        }

        int verifiedWith = -1;
        for (int i = 0; i < usable.size() && verifiedWith < 0; i++) {
            try {
                SignatureValidator.validate(signature, new BasicX509Credential(usable.get(i)));
                verifiedWith = i;
            } catch (SignatureException e) {
                // try the next configured certificate (rollover)
            }
        }
        if (verifiedWith < 0) {
            throw CheckFailure.of(SamlErrorCode.INVALID_SIGNATURE,
                    "does not verify with any of the " + usable.size() + " configured IdP certificate(s)");
        }
        requireReferenceResolvesToParent(signed);
        X509Certificate used = usable.get(verifiedWith);
        return "verified with configured certificate " + SafeText.of(used.getSubjectX500Principal().getName())
                + " (serial " + used.getSerialNumber().toString(16) + ")";
    }

    /** Reads the algorithms from the DOM, as the verifier will use them, not from any OpenSAML default. */
    private static void checkAlgorithms(Element signatureElement) throws CheckFailure {
        Element signedInfo = firstChild(signatureElement, "SignedInfo");
        if (signedInfo == null) {
            throw CheckFailure.of(SamlErrorCode.SIGNATURE_PROFILE_INVALID, "Signature has no SignedInfo");
        }
        Element signatureMethod = firstChild(signedInfo, "SignatureMethod");
        String algorithm = signatureMethod == null ? null : signatureMethod.getAttributeNS(null, "Algorithm");
        if (algorithm == null || !ALLOWED_SIGNATURE_ALGORITHMS.contains(algorithm)) {
            throw CheckFailure.of(SamlErrorCode.SIGNATURE_ALGORITHM_FORBIDDEN,
                    "signature algorithm " + SafeText.quoted(algorithm) + " is not allowed");
        }
        NodeList digests = signedInfo.getElementsByTagNameNS(DSIG_NS, "DigestMethod");
        if (digests.getLength() == 0) {
            throw CheckFailure.of(SamlErrorCode.SIGNATURE_PROFILE_INVALID, "Reference has no DigestMethod");
        }
        for (int i = 0; i < digests.getLength(); i++) {
            String digest = ((Element) digests.item(i)).getAttributeNS(null, "Algorithm");
            if (!ALLOWED_DIGEST_ALGORITHMS.contains(digest)) {
                throw CheckFailure.of(SamlErrorCode.SIGNATURE_ALGORITHM_FORBIDDEN,
                        "digest algorithm " + SafeText.quoted(digest) + " is not allowed");
            }
        }
    }

    /**
     * The verifier dereferenced {@code #ID} through the document's ID table. If an attacker planted a second element
     * with the same ID, the digest may have been computed over that element while we read the other one: require
     * that the ID resolves to the signed object's own element.
     */
    private static void requireReferenceResolvesToParent(SignableSAMLObject signed) throws CheckFailure {
        Element element = signed.getDOM();
        String id = signed.getSignatureReferenceID();
        if (element == null || id == null || element.getOwnerDocument().getElementById(id) != element) {
            throw CheckFailure.of(SamlErrorCode.INVALID_SIGNATURE,
                    "signed ID " + SafeText.quoted(id) + " does not resolve to the signed element");
        }
    }

    private static Element firstChild(Element parent, String localName) {
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element e && DSIG_NS.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }
}
