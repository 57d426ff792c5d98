package dev.jitprov.saml;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.core.xml.io.Unmarshaller;
import org.opensaml.core.xml.io.UnmarshallingException;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Steps 2, 3, 5, 6 and 7: the envelope of the Response and the identity of its sender and recipient. */
final class ResponseChecks {

    private ResponseChecks() {
    }

    /** Step 2: root element, Version, ID, then unmarshalling and Status. */
    static Response response(Document document) throws CheckFailure {
        Element root = document.getDocumentElement();
        if (!SAMLConstants.SAML20P_NS.equals(root.getNamespaceURI()) || !"Response".equals(root.getLocalName())) {
            throw CheckFailure.of(SamlErrorCode.NOT_A_RESPONSE,
                    "root element is " + SafeText.quoted(root.getLocalName()));
        }
        // Read from the DOM: OpenSAML would throw on a non-numeric version while unmarshalling.
        String version = root.getAttributeNS(null, "Version");
        if (!"2.0".equals(version)) {
            throw CheckFailure.of(SamlErrorCode.INVALID_VERSION, "Version is " + SafeText.quoted(version));
        }
        if (root.getAttributeNS(null, "ID").isBlank()) {
            throw CheckFailure.of(SamlErrorCode.MISSING_RESPONSE_ID, "Response has no ID");
        }
        Response response = unmarshal(root, Response.class);
        StatusCode code = response.getStatus() == null ? null : response.getStatus().getStatusCode();
        if (code == null || !StatusCode.SUCCESS.equals(code.getValue())) {
            String value = code == null ? null : code.getValue();
            String second = code == null || code.getStatusCode() == null ? null : code.getStatusCode().getValue();
            throw CheckFailure.of(SamlErrorCode.STATUS_NOT_SUCCESS,
                    "StatusCode " + SafeText.quoted(value) + (second == null ? "" : " / " + SafeText.of(second)));
        }
        return response;
    }

    static <T extends XMLObject> T unmarshal(Element element, Class<T> type) throws CheckFailure {
        try {
            Unmarshaller unmarshaller = XMLObjectProviderRegistrySupport.getUnmarshallerFactory().getUnmarshaller(element);
            if (unmarshaller == null) {
                throw CheckFailure.of(SamlErrorCode.MALFORMED_XML, "unknown element " + SafeText.of(element.getLocalName()));
            }
            XMLObject object = unmarshaller.unmarshall(element);
            if (!type.isInstance(object)) {
                throw CheckFailure.of(SamlErrorCode.NOT_A_RESPONSE, "unexpected element " + SafeText.of(element.getLocalName()));
            }
            return type.cast(object);
        } catch (UnmarshallingException | RuntimeException e) {
            throw CheckFailure.of(SamlErrorCode.MALFORMED_XML, "not a valid SAML 2.0 Response");
        }
    }

    /**
     * Step 3: exactly one Assertion or EncryptedAssertion, as a direct child of the Response, and no other
     * Assertion anywhere in the document. The document-wide count is the signature-wrapping (XSW) defence: every
     * SAMLRaider placement needs a second assertion somewhere (in Extensions, Advice, a ds:Object, a cloned
     * Response), and with only one assertion in the document there is nothing to confuse.
     */
    static void singleAssertion(Document document, Response response) throws CheckFailure {
        int direct = response.getAssertions().size() + response.getEncryptedAssertions().size();
        int anywhere = document.getElementsByTagNameNS(SAMLConstants.SAML20_NS, "Assertion").getLength()
                + document.getElementsByTagNameNS(SAMLConstants.SAML20_NS, "EncryptedAssertion").getLength();
        if (anywhere == 0) {
            throw CheckFailure.of(SamlErrorCode.ASSERTION_MISSING, "Response contains no assertion");
        }
        if (direct != 1 || anywhere != 1) {
            throw CheckFailure.of(SamlErrorCode.MULTIPLE_ASSERTIONS,
                    anywhere + " assertions in the document, " + direct + " as direct children of the Response");
        }
    }

    /** Part of steps 3/12: the one assertion has Version 2.0 and an ID (the replay-cache key). */
    static String assertionBasics(Assertion assertion) throws CheckFailure {
        if (assertion.getVersion() == null || !"2.0".equals(assertion.getVersion().toString())) {
            throw CheckFailure.of(SamlErrorCode.INVALID_VERSION, "Assertion Version is not 2.0");
        }
        if (assertion.getID() == null || assertion.getID().isBlank()) {
            throw CheckFailure.of(SamlErrorCode.MISSING_ASSERTION_ID, "Assertion has no ID");
        }
        return "assertion " + SafeText.of(assertion.getID());
    }

    /** Step 5: Issuer of the Response (optional) and of the Assertion (required) is the configured IdP. */
    static String issuer(Response response, Assertion assertion, String expectedEntityId) throws CheckFailure {
        Issuer responseIssuer = response.getIssuer();
        if (responseIssuer != null && !expectedEntityId.equals(trimmed(responseIssuer.getValue()))) {
            throw CheckFailure.of(SamlErrorCode.INVALID_ISSUER,
                    "Response Issuer " + SafeText.quoted(responseIssuer.getValue()) + " is not the configured IdP");
        }
        Issuer assertionIssuer = assertion.getIssuer();
        if (assertionIssuer == null || !expectedEntityId.equals(trimmed(assertionIssuer.getValue()))) {
            throw CheckFailure.of(SamlErrorCode.INVALID_ISSUER, "Assertion Issuer "
                    + SafeText.quoted(assertionIssuer == null ? null : assertionIssuer.getValue()) + " is not the configured IdP");
        }
        return SafeText.of(expectedEntityId);
    }

    /** Step 6: a Destination, when present, is this workspace's ACS URL (stops forwarding to another SP). */
    static String destination(Response response, String acsUrl) throws CheckFailure {
        String destination = response.getDestination();
        if (destination == null) {
            return "no Destination";
        }
        if (!acsUrl.equals(destination)) {
            throw CheckFailure.of(SamlErrorCode.INVALID_DESTINATION, "Destination " + SafeText.quoted(destination));
        }
        return SafeText.of(destination);
    }

    /**
     * Step 7: InResponseTo on the Response and on every SubjectConfirmationData. Unsolicited (no expected value):
     * none may be present, otherwise a response stolen from another user's SP-initiated flow could be replayed
     * as IdP-initiated. Solicited: every value present must be the request we issued.
     *
     * @return the InResponseTo carried by the response, or {@code null}
     */
    static String inResponseTo(Response response, Assertion assertion, Optional<String> expected) throws CheckFailure {
        List<String> carried = new ArrayList<>();
        if (response.getInResponseTo() != null) {
            carried.add(response.getInResponseTo());
        }
        if (assertion.getSubject() != null) {
            for (SubjectConfirmation confirmation : assertion.getSubject().getSubjectConfirmations()) {
                if (confirmation.getSubjectConfirmationData() != null
                        && confirmation.getSubjectConfirmationData().getInResponseTo() != null) {
                    carried.add(confirmation.getSubjectConfirmationData().getInResponseTo());
                }
            }
        }
        for (String value : carried) {
            if (expected.isEmpty()) {
                throw CheckFailure.of(SamlErrorCode.UNEXPECTED_IN_RESPONSE_TO,
                        "unsolicited response carries InResponseTo " + SafeText.quoted(value));
            }
            if (!expected.get().equals(value)) {
                throw CheckFailure.of(SamlErrorCode.IN_RESPONSE_TO_MISMATCH, "InResponseTo " + SafeText.quoted(value));
            }
        }
        return carried.isEmpty() ? null : carried.get(0);
    }

    private static String trimmed(String value) {
        return value == null ? null : value.trim();
    }
}
