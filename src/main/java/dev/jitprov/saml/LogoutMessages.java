package dev.jitprov.saml;

import net.shibboleth.utilities.java.support.xml.SerializeSupport;
import org.opensaml.core.xml.XMLObjectBuilderFactory;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.saml.common.SAMLVersion;
import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.LogoutResponse;
import org.opensaml.saml.saml2.core.Status;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.Signer;

import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * The SP's signed logout messages (issue 19): its LogoutRequest of an SP-initiated logout (HTTP-Redirect), and its answer
 * to an IdP's LogoutRequest on the binding the request came by: HTTP-Redirect (the query string signed with the SP's
 * active key, RSA-SHA256) or HTTP-POST (an enveloped signature, auto-posted by the browser). {@code Success}, or {@code Success} with the second-level {@code PartialLogout} when a session could not be ended.
 */
public final class LogoutMessages {

    public static final String PARTIAL_LOGOUT = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout";

    private LogoutMessages() {
    }

    /** The IdP's URL with the signed response in its query (HTTP-Redirect). */
    public static String redirect(String idpSloUrl, String spEntityId, String inResponseTo, boolean partial, String relayState,
                                  SpKeys.SpKey key, Instant now) {
        LogoutResponse response = build(idpSloUrl, spEntityId, inResponseTo, partial, now);
        return RedirectBinding.signedUrl(idpSloUrl, "SAMLResponse", serialize(response, null), relayState, key.privateKey());
    }

    /**
     * SP-initiated logout (issue 19): the IdP's SLO URL with this SP's signed LogoutRequest for the session's NameID and
     * SessionIndex (HTTP-Redirect). The request's ID is what the IdP's LogoutResponse must answer.
     */
    public static String requestRedirect(String idpSloUrl, String spEntityId, String requestId, String nameId, String nameIdFormat,
                                         String sessionIndex, SpKeys.SpKey key, Instant now) {
        XMLObjectBuilderFactory builders = XMLObjectProviderRegistrySupport.getBuilderFactory();
        org.opensaml.saml.saml2.core.LogoutRequest request = (org.opensaml.saml.saml2.core.LogoutRequest) builders
                .getBuilder(org.opensaml.saml.saml2.core.LogoutRequest.DEFAULT_ELEMENT_NAME).buildObject(org.opensaml.saml.saml2.core.LogoutRequest.DEFAULT_ELEMENT_NAME);
        request.setID(requestId);
        request.setVersion(SAMLVersion.VERSION_20);
        request.setIssueInstant(now);
        request.setNotOnOrAfter(now.plus(java.time.Duration.ofMinutes(5)));
        request.setDestination(idpSloUrl);
        Issuer issuer = (Issuer) builders.getBuilder(Issuer.DEFAULT_ELEMENT_NAME).buildObject(Issuer.DEFAULT_ELEMENT_NAME);
        issuer.setValue(spEntityId);
        request.setIssuer(issuer);
        org.opensaml.saml.saml2.core.NameID name = (org.opensaml.saml.saml2.core.NameID) builders
                .getBuilder(org.opensaml.saml.saml2.core.NameID.DEFAULT_ELEMENT_NAME).buildObject(org.opensaml.saml.saml2.core.NameID.DEFAULT_ELEMENT_NAME);
        name.setValue(nameId);
        name.setFormat(nameIdFormat);
        request.setNameID(name);
        if (sessionIndex != null) {
            org.opensaml.saml.saml2.core.SessionIndex index = (org.opensaml.saml.saml2.core.SessionIndex) builders
                    .getBuilder(org.opensaml.saml.saml2.core.SessionIndex.DEFAULT_ELEMENT_NAME)
                    .buildObject(org.opensaml.saml.saml2.core.SessionIndex.DEFAULT_ELEMENT_NAME);
            index.setValue(sessionIndex);
            request.getSessionIndexes().add(index);
        }
        try {
            XMLObjectProviderRegistrySupport.getMarshallerFactory().getMarshaller(request).marshall(request);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the LogoutRequest", e);
        }
        return RedirectBinding.signedUrl(idpSloUrl, "SAMLRequest", SerializeSupport.nodeToString(request.getDOM()), null, key.privateKey());
    }

    /** An HTML page that posts the enveloped-signed response to the IdP (HTTP-POST). */
    public static String postForm(String idpSloUrl, String spEntityId, String inResponseTo, boolean partial, String relayState,
                                  SpKeys.SpKey key, Instant now) {
        LogoutResponse response = build(idpSloUrl, spEntityId, inResponseTo, partial, now);
        String xml = serialize(response, key);
        String encoded = Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signing out</title></head>"
                + "<body onload=\"document.forms[0].submit()\"><form method=\"post\" action=\"" + SpMetadata.escape(idpSloUrl) + "\">"
                + "<input type=\"hidden\" name=\"SAMLResponse\" value=\"" + encoded + "\">"
                + (relayState == null || relayState.isBlank() ? "" : "<input type=\"hidden\" name=\"RelayState\" value=\"" + SpMetadata.escape(relayState) + "\">")
                + "<noscript><p>You are signed out here. Continue to your identity provider:</p><button type=\"submit\">Continue</button></noscript>"
                + "</form></body></html>";
    }

    private static LogoutResponse build(String destination, String spEntityId, String inResponseTo, boolean partial, Instant now) {
        XMLObjectBuilderFactory builders = XMLObjectProviderRegistrySupport.getBuilderFactory();
        LogoutResponse response = (LogoutResponse) builders.getBuilder(LogoutResponse.DEFAULT_ELEMENT_NAME).buildObject(LogoutResponse.DEFAULT_ELEMENT_NAME);
        response.setID("_" + UUID.randomUUID().toString().replace("-", ""));
        response.setVersion(SAMLVersion.VERSION_20);
        response.setIssueInstant(now);
        response.setDestination(destination);
        response.setInResponseTo(inResponseTo);
        Issuer issuer = (Issuer) builders.getBuilder(Issuer.DEFAULT_ELEMENT_NAME).buildObject(Issuer.DEFAULT_ELEMENT_NAME);
        issuer.setValue(spEntityId);
        response.setIssuer(issuer);
        Status status = (Status) builders.getBuilder(Status.DEFAULT_ELEMENT_NAME).buildObject(Status.DEFAULT_ELEMENT_NAME);
        StatusCode code = (StatusCode) builders.getBuilder(StatusCode.DEFAULT_ELEMENT_NAME).buildObject(StatusCode.DEFAULT_ELEMENT_NAME);
        code.setValue(StatusCode.SUCCESS);
        if (partial) {
            StatusCode second = (StatusCode) builders.getBuilder(StatusCode.DEFAULT_ELEMENT_NAME).buildObject(StatusCode.DEFAULT_ELEMENT_NAME);
            second.setValue(PARTIAL_LOGOUT);
            code.setStatusCode(second);
        }
        status.setStatusCode(code);
        response.setStatus(status);
        return response;
    }

    /** The response as XML, enveloped-signed with {@code key} when given. */
    private static String serialize(LogoutResponse response, SpKeys.SpKey key) {
        try {
            Signature signature = null;
            if (key != null) {
                signature = (Signature) XMLObjectProviderRegistrySupport.getBuilderFactory().getBuilder(Signature.DEFAULT_ELEMENT_NAME)
                        .buildObject(Signature.DEFAULT_ELEMENT_NAME);
                signature.setSigningCredential(new BasicX509Credential(key.certificate(), key.privateKey()));
                signature.setSignatureAlgorithm(RedirectBinding.RSA_SHA256);
                signature.setCanonicalizationAlgorithm(SignatureConstants.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
                response.setSignature(signature);
            }
            XMLObjectProviderRegistrySupport.getMarshallerFactory().getMarshaller(response).marshall(response);
            if (signature != null) {
                Signer.signObject(signature);
            }
            return SerializeSupport.nodeToString(response.getDOM());
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the LogoutResponse", e);
        }
    }
}
