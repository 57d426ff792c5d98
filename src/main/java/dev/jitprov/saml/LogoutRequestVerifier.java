package dev.jitprov.saml;

import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.core.xml.io.Unmarshaller;
import org.opensaml.core.xml.io.UnmarshallingException;
import org.opensaml.saml.saml2.core.LogoutRequest;
import org.opensaml.saml.saml2.core.SessionIndex;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Verifies a LogoutRequest from the workspace's IdP (SAML 2.0 Profiles §4.4, Bindings §3.4–3.5; issue 19), as strictly as
 * a Response (SPEC §4): hardened parsing (no DOCTYPE), the workspace's IdP certificates only, the allowed algorithms.
 * HTTP-Redirect: the signature covers exactly {@code SAMLRequest=…&RelayState=…&SigAlg=…} as URL-encoded in the query
 * string, in that order (a re-ordered, extended or duplicated query fails). HTTP-POST: an enveloped signature on the
 * request, checked like a Response's. Then Issuer = the IdP's entity ID, Destination = this workspace's SLO URL,
 * IssueInstant within the skew and not too old, NotOnOrAfter not passed, a NameID present.
 */
public final class LogoutRequestVerifier {

    /** What a verified request asks: end the sessions of this NameID (only those listed when any SessionIndex is). */
    public record VerifiedLogout(String requestId, String issuer, String nameId, String nameIdFormat, List<String> sessionIndexes,
                                 Instant notOnOrAfter) {
    }

    /** JCA names of the allowed signature algorithms of the Redirect binding (RSA and ECDSA with SHA-2). */
    private static final Map<String, String> REDIRECT_ALGORITHMS = Map.of(
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "SHA256withRSA",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", "SHA384withRSA",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "SHA512withRSA",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "SHA256withECDSA",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", "SHA384withECDSA",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512", "SHA512withECDSA");

    private static final int MAX_INFLATED_BYTES = 256 * 1024;

    private LogoutRequestVerifier() {
    }

    /** HTTP-Redirect: {@code rawQuery} is the query string exactly as received (still URL-encoded). */
    public static VerifiedLogout verifyRedirect(String rawQuery, IdpTrust idp, String sloUrl, Instant now, SamlPolicy policy) throws CheckFailure {
        LogoutRequest logout = unmarshal(XmlInput.parse(inflate(XmlInput.decode(decode(signedRedirectMessage(rawQuery, "SAMLRequest", idp))))));
        return checked(logout, idp, sloUrl, now, policy);
    }

    /** The IdP's answer to this SP's LogoutRequest (SP-initiated logout), verified like a request. */
    public record VerifiedLogoutResponse(String responseId, String inResponseTo, boolean success, Instant expires) {
    }

    /** HTTP-Redirect LogoutResponse ({@code SAMLResponse} in the query). */
    public static VerifiedLogoutResponse verifyRedirectResponse(String rawQuery, IdpTrust idp, String sloUrl, Instant now, SamlPolicy policy)
            throws CheckFailure {
        org.opensaml.saml.saml2.core.LogoutResponse response = unmarshalResponse(XmlInput.parse(inflate(XmlInput.decode(
                decode(signedRedirectMessage(rawQuery, "SAMLResponse", idp))))));
        return checkedResponse(response, idp, sloUrl, now, policy);
    }

    /** HTTP-POST LogoutResponse (the {@code SAMLResponse} form field). */
    public static VerifiedLogoutResponse verifyPostResponse(String samlResponse, IdpTrust idp, String sloUrl, Instant now, SamlPolicy policy)
            throws CheckFailure {
        XmlInput.checkSize(samlResponse, policy.maxBodyBytes());
        org.opensaml.saml.saml2.core.LogoutResponse response = unmarshalResponse(XmlInput.parse(XmlInput.decode(samlResponse)));
        SignatureChecks.verify(response, idp.signingCertificates());
        return checkedResponse(response, idp, sloUrl, now, policy);
    }

    private static VerifiedLogoutResponse checkedResponse(org.opensaml.saml.saml2.core.LogoutResponse response, IdpTrust idp, String sloUrl,
                                                          Instant now, SamlPolicy policy) throws CheckFailure {
        String issuer = response.getIssuer() == null ? null : response.getIssuer().getValue();
        if (issuer == null || !issuer.strip().equals(idp.entityId())) {
            throw CheckFailure.of(SamlErrorCode.INVALID_ISSUER, "Issuer " + SafeText.of(issuer) + " is not the workspace's IdP");
        }
        if (response.getDestination() == null || !response.getDestination().equals(sloUrl)) {
            throw CheckFailure.of(SamlErrorCode.INVALID_DESTINATION, "Destination " + SafeText.of(response.getDestination()) + " is not " + sloUrl);
        }
        Instant issued = response.getIssueInstant();
        if (issued == null || issued.isAfter(now.plus(policy.clockSkew()))) {
            throw CheckFailure.of(SamlErrorCode.ISSUE_INSTANT_IN_FUTURE, "IssueInstant " + issued + " is in the future");
        }
        if (issued.isBefore(now.minus(policy.maxIssueInstantAge()).minus(policy.clockSkew()))) {
            throw CheckFailure.of(SamlErrorCode.ISSUE_INSTANT_TOO_OLD, "IssueInstant " + issued + " is too old");
        }
        if (response.getID() == null || response.getInResponseTo() == null) {
            throw CheckFailure.of(SamlErrorCode.UNEXPECTED_IN_RESPONSE_TO, "the LogoutResponse answers no request");
        }
        boolean success = response.getStatus() != null && response.getStatus().getStatusCode() != null
                && org.opensaml.saml.saml2.core.StatusCode.SUCCESS.equals(response.getStatus().getStatusCode().getValue());
        return new VerifiedLogoutResponse(response.getID(), response.getInResponseTo(), success,
                issued.plus(policy.maxIssueInstantAge()).plus(policy.clockSkew()));
    }

    private static org.opensaml.saml.saml2.core.LogoutResponse unmarshalResponse(Document document) throws CheckFailure {
        Element root = document.getDocumentElement();
        if (!"urn:oasis:names:tc:SAML:2.0:protocol".equals(root.getNamespaceURI()) || !"LogoutResponse".equals(root.getLocalName())) {
            throw CheckFailure.of(SamlErrorCode.NOT_A_LOGOUT_REQUEST, "root element is " + SafeText.of(root.getLocalName()));
        }
        try {
            return (org.opensaml.saml.saml2.core.LogoutResponse) XMLObjectProviderRegistrySupport.getUnmarshallerFactory().getUnmarshaller(root).unmarshall(root);
        } catch (UnmarshallingException | ClassCastException e) {
            throw CheckFailure.of(SamlErrorCode.MALFORMED_XML, "the LogoutResponse cannot be read");
        }
    }

    /**
     * The message parameter ({@code SAMLRequest} or {@code SAMLResponse}, still encoded) of a Redirect-binding query whose
     * signature verifies over exactly {@code <message>=…&RelayState=…&SigAlg=…} with an IdP certificate.
     */
    private static String signedRedirectMessage(String rawQuery, String message, IdpTrust idp) throws CheckFailure {
        Map<String, String> raw = rawParameters(rawQuery);
        String request = raw.get(message);
        if (request == null) {
            throw CheckFailure.of(SamlErrorCode.NOT_A_LOGOUT_REQUEST, "no " + message + " parameter");
        }
        if (raw.get("Signature") == null || raw.get("SigAlg") == null) {
            throw CheckFailure.of(SamlErrorCode.SIGNATURE_MISSING, "the Redirect binding request carries no Signature and SigAlg");
        }
        String algorithm = REDIRECT_ALGORITHMS.get(decode(raw.get("SigAlg")));
        if (algorithm == null) {
            throw CheckFailure.of(SamlErrorCode.SIGNATURE_ALGORITHM_FORBIDDEN, "SigAlg " + SafeText.of(decode(raw.get("SigAlg"))) + " is not allowed");
        }
        String signed = message + "=" + request + (raw.containsKey("RelayState") ? "&RelayState=" + raw.get("RelayState") : "")
                + "&SigAlg=" + raw.get("SigAlg");
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(decode(raw.get("Signature")));
        } catch (IllegalArgumentException e) {
            throw CheckFailure.of(SamlErrorCode.INVALID_SIGNATURE, "the Signature is not base64");
        }
        if (!verifiesWithAny(algorithm, signed.getBytes(StandardCharsets.UTF_8), signature, idp.signingCertificates())) {
            throw CheckFailure.of(SamlErrorCode.INVALID_SIGNATURE, "the signature over the query string does not verify with the IdP certificates");
        }
        return request;
    }

    /** HTTP-POST: {@code samlRequest} is the form field (base64). */
    public static VerifiedLogout verifyPost(String samlRequest, IdpTrust idp, String sloUrl, Instant now, SamlPolicy policy) throws CheckFailure {
        XmlInput.checkSize(samlRequest, policy.maxBodyBytes());
        LogoutRequest logout = unmarshal(XmlInput.parse(XmlInput.decode(samlRequest)));
        SignatureChecks.verify(logout, idp.signingCertificates());
        return checked(logout, idp, sloUrl, now, policy);
    }

    private static VerifiedLogout checked(LogoutRequest logout, IdpTrust idp, String sloUrl, Instant now, SamlPolicy policy) throws CheckFailure {
        if (logout.getID() == null || logout.getID().isBlank()) {
            throw CheckFailure.of(SamlErrorCode.MISSING_RESPONSE_ID, "the LogoutRequest has no ID");
        }
        String issuer = logout.getIssuer() == null ? null : logout.getIssuer().getValue();
        if (issuer == null || !issuer.strip().equals(idp.entityId())) {
            throw CheckFailure.of(SamlErrorCode.INVALID_ISSUER, "Issuer " + SafeText.of(issuer) + " is not the workspace's IdP");
        }
        if (logout.getDestination() == null || !logout.getDestination().equals(sloUrl)) {
            throw CheckFailure.of(SamlErrorCode.INVALID_DESTINATION, "Destination " + SafeText.of(logout.getDestination()) + " is not " + sloUrl);
        }
        Instant issued = logout.getIssueInstant();
        Duration skew = policy.clockSkew();
        if (issued == null || issued.isAfter(now.plus(skew))) {
            throw CheckFailure.of(SamlErrorCode.ISSUE_INSTANT_IN_FUTURE, "IssueInstant " + issued + " is in the future");
        }
        if (issued.isBefore(now.minus(policy.maxIssueInstantAge()).minus(skew))) {
            throw CheckFailure.of(SamlErrorCode.ISSUE_INSTANT_TOO_OLD, "IssueInstant " + issued + " is too old");
        }
        Instant notOnOrAfter = logout.getNotOnOrAfter();
        if (notOnOrAfter != null && !now.minus(skew).isBefore(notOnOrAfter)) {
            throw CheckFailure.of(SamlErrorCode.ASSERTION_EXPIRED, "the request expired at " + notOnOrAfter);
        }
        if (logout.getNameID() == null || logout.getNameID().getValue() == null || logout.getNameID().getValue().isBlank()) {
            throw CheckFailure.of(SamlErrorCode.NAME_ID_MISSING, "the LogoutRequest names no NameID (an encrypted one is not supported)");
        }
        List<String> indexes = new ArrayList<>();
        for (SessionIndex index : logout.getSessionIndexes()) {
            if (index.getValue() != null) {
                indexes.add(index.getValue().strip());
            }
        }
        return new VerifiedLogout(logout.getID(), issuer.strip(), logout.getNameID().getValue().strip(), logout.getNameID().getFormat(), indexes,
                notOnOrAfter != null ? notOnOrAfter : issued.plus(policy.maxIssueInstantAge()).plus(skew));
    }

    private static LogoutRequest unmarshal(Document document) throws CheckFailure {
        Element root = document.getDocumentElement();
        if (!"urn:oasis:names:tc:SAML:2.0:protocol".equals(root.getNamespaceURI()) || !"LogoutRequest".equals(root.getLocalName())) {
            throw CheckFailure.of(SamlErrorCode.NOT_A_LOGOUT_REQUEST, "root element is " + SafeText.of(root.getLocalName()));
        }
        if (!"2.0".equals(root.getAttribute("Version"))) {
            throw CheckFailure.of(SamlErrorCode.INVALID_VERSION, "Version " + SafeText.of(root.getAttribute("Version")));
        }
        try {
            Unmarshaller unmarshaller = XMLObjectProviderRegistrySupport.getUnmarshallerFactory().getUnmarshaller(root);
            XMLObject object = unmarshaller.unmarshall(root);
            return (LogoutRequest) object;
        } catch (UnmarshallingException | ClassCastException e) {
            throw CheckFailure.of(SamlErrorCode.MALFORMED_XML, "the LogoutRequest cannot be read");
        }
    }

    /** Each parameter's raw (still encoded) value; a parameter given twice is refused (it could hide what was signed). */
    private static Map<String, String> rawParameters(String rawQuery) throws CheckFailure {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            if (params.put(name, value) != null) {
                throw CheckFailure.of(SamlErrorCode.INVALID_SIGNATURE, "parameter " + SafeText.of(name) + " is given twice");
            }
        }
        return params;
    }

    private static boolean verifiesWithAny(String algorithm, byte[] content, byte[] signature, List<X509Certificate> trusted) {
        for (X509Certificate certificate : trusted) {
            try {
                Signature verifier = Signature.getInstance(algorithm);
                verifier.initVerify(certificate.getPublicKey());
                verifier.update(content);
                if (verifier.verify(signature)) {
                    return true;
                }
            } catch (GeneralSecurityException e) {
                // a key of another type (an EC certificate for an RSA signature): try the next one
            }
        }
        return false;
    }

    private static byte[] inflate(byte[] deflated) throws CheckFailure {
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(deflated), new Inflater(true))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                if (out.size() > MAX_INFLATED_BYTES) {
                    throw CheckFailure.of(SamlErrorCode.BODY_TOO_LARGE, "the request inflates beyond " + MAX_INFLATED_BYTES + " bytes");
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw CheckFailure.of(SamlErrorCode.INVALID_BASE64, "SAMLRequest is not DEFLATE-encoded");
        }
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    }

}
