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
import org.w3c.dom.Node;

/** Steps 2, 3, 5, 6 and 7: the envelope of the Response and the identity of its sender and recipient. */
final class ResponseChecks {

    private ResponseChecks() {
    }

    /**
     * Step 2, on the DOM: root element, Version, ID and Status. Done before unmarshalling so that a hostile
     * document is judged on its shape first (OpenSAML would fail on some wrappings with a less telling error).
     *
     * @return the Response ID
     */
    static String response(Document document) throws CheckFailure {
        Element root = document.getDocumentElement();
        if (!SAMLConstants.SAML20P_NS.equals(root.getNamespaceURI()) || !"Response".equals(root.getLocalName())) {
            throw CheckFailure.of(SamlErrorCode.NOT_A_RESPONSE,
                    "root element is " + SafeText.quoted(root.getLocalName()));
        }
        String version = root.getAttributeNS(null, "Version");
        if (!"2.0".equals(version)) {
            throw CheckFailure.of(SamlErrorCode.INVALID_VERSION, "Version is " + SafeText.quoted(version));
        }
        String id = root.getAttributeNS(null, "ID");
        if (id.isBlank()) {
            throw CheckFailure.of(SamlErrorCode.MISSING_RESPONSE_ID, "Response has no ID");
        }
        Element status = child(root, SAMLConstants.SAML20P_NS, "Status");
        Element code = status == null ? null : child(status, SAMLConstants.SAML20P_NS, "StatusCode");
        String value = code == null ? null : code.getAttributeNS(null, "Value");
        if (!StatusCode.SUCCESS.equals(value)) {
            Element secondCode = code == null ? null : child(code, SAMLConstants.SAML20P_NS, "StatusCode");
            String second = secondCode == null ? null : secondCode.getAttributeNS(null, "Value");
            throw CheckFailure.of(SamlErrorCode.STATUS_NOT_SUCCESS,
                    "StatusCode " + SafeText.quoted(value) + (second == null ? "" : " / " + SafeText.of(second)));
        }
        return id;
    }

    /** The Issuer text of a Response or Assertion element, for the report only (not yet verified). */
    static String issuerOf(Element element) {
        Element issuer = child(element, SAMLConstants.SAML20_NS, "Issuer");
        return issuer == null ? null : issuer.getTextContent().trim();
    }

    static Element child(Element parent, String namespace, String localName) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element e && namespace.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static int children(Element parent, String namespace, String localName) {
        int count = 0;
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element e && namespace.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) {
                count++;
            }
        }
        return count;
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
     * Step 3, on the DOM: exactly one Assertion or EncryptedAssertion, as a direct child of the Response, and no
     * other Assertion anywhere in the document; then the Response is unmarshalled. The document-wide count is the
     * signature-wrapping (XSW) defence: every SAMLRaider placement needs a second assertion somewhere (in
     * Extensions, Advice, a ds:Object, a cloned Response), and with a single assertion there is nothing to confuse.
     */
    static Response singleAssertion(Document document) throws CheckFailure {
        Element root = document.getDocumentElement();
        int direct = children(root, SAMLConstants.SAML20_NS, "Assertion")
                + children(root, SAMLConstants.SAML20_NS, "EncryptedAssertion");
        int anywhere = document.getElementsByTagNameNS(SAMLConstants.SAML20_NS, "Assertion").getLength()
                + document.getElementsByTagNameNS(SAMLConstants.SAML20_NS, "EncryptedAssertion").getLength();
        if (anywhere == 0) {
            throw CheckFailure.of(SamlErrorCode.ASSERTION_MISSING, "Response contains no assertion");
        }
        if (direct != 1 || anywhere != 1) {
            throw CheckFailure.of(SamlErrorCode.MULTIPLE_ASSERTIONS,
                    anywhere + " assertions in the document, " + direct + " as direct children of the Response");
        }
        Response response = unmarshal(root, Response.class);
        if (response.getAssertions().size() + response.getEncryptedAssertions().size() != 1) {
            throw CheckFailure.of(SamlErrorCode.MALFORMED_XML, "assertion could not be read");
        }
        return response;
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
