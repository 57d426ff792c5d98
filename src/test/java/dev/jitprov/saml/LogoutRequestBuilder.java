package dev.jitprov.saml;

import net.shibboleth.utilities.java.support.xml.SerializeSupport;
import org.opensaml.core.xml.XMLObjectBuilderFactory;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.saml.common.SAMLVersion;
import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.LogoutRequest;
import org.opensaml.saml.saml2.core.NameID;
import org.opensaml.saml.saml2.core.SessionIndex;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.Signer;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/** A LogoutRequest as an IdP sends it (issue 19), on the HTTP-Redirect or HTTP-POST binding, signed or tampered with. */
public final class LogoutRequestBuilder {

    public static final String RSA_SHA256 = SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256;

    private String id = "_lr" + UUID.randomUUID().toString().replace("-", "");
    private String issuer;
    private String destination;
    private String nameId;
    private final List<String> sessionIndexes = new ArrayList<>();
    private Instant issueInstant = Instant.now();
    private Instant notOnOrAfter;
    private TestCredentials key;
    private String relayState;

    public LogoutRequestBuilder(String issuer, String destination, TestCredentials key) {
        this.issuer = issuer;
        this.destination = destination;
        this.key = key;
    }

    public LogoutRequestBuilder nameId(String value) {
        this.nameId = value;
        return this;
    }

    public LogoutRequestBuilder sessionIndex(String value) {
        sessionIndexes.add(value);
        return this;
    }

    public LogoutRequestBuilder issuer(String value) {
        this.issuer = value;
        return this;
    }

    public LogoutRequestBuilder destination(String value) {
        this.destination = value;
        return this;
    }

    public LogoutRequestBuilder issueInstant(Instant value) {
        this.issueInstant = value;
        return this;
    }

    public LogoutRequestBuilder notOnOrAfter(Instant value) {
        this.notOnOrAfter = value;
        return this;
    }

    public LogoutRequestBuilder signWith(TestCredentials credentials) {
        this.key = credentials;
        return this;
    }

    public LogoutRequestBuilder relayState(String value) {
        this.relayState = value;
        return this;
    }

    public String id() {
        return id;
    }

    /** HTTP-Redirect: {@code SAMLRequest=…[&RelayState=…]&SigAlg=…&Signature=…}, signed over the first three as the binding says. */
    public String redirectQuery() {
        String content = signedContent();
        return content + "&Signature=" + encode(sign(content));
    }

    /** The same request and signature value, but the signature computed over the parameters in another order. */
    public String redirectQuerySignedOverReorderedParameters() {
        String reordered = "SigAlg=" + encode(RSA_SHA256) + "&SAMLRequest=" + encode(deflated());
        return "SAMLRequest=" + encode(deflated()) + "&SigAlg=" + encode(RSA_SHA256) + "&Signature=" + encode(sign(reordered));
    }

    /** The signature computed over the query with one more parameter, sent without it. */
    public String redirectQuerySignedOverExtendedParameters() {
        String content = signedContent();
        return content + "&Signature=" + encode(sign(content + "&Extra=1"));
    }

    /** Unsigned: no SigAlg, no Signature. */
    public String redirectQueryUnsigned() {
        return "SAMLRequest=" + encode(deflated()) + (relayState == null ? "" : "&RelayState=" + encode(relayState));
    }

    /** HTTP-POST: the base64 of the request with an enveloped signature. */
    public String posted() {
        return Base64.getEncoder().encodeToString(xml(true).getBytes(StandardCharsets.UTF_8));
    }

    /** HTTP-POST with a DOCTYPE in front (an XXE attempt). */
    public String postedWithDoctype() {
        String xml = xml(true);
        int start = xml.indexOf("<saml2p:LogoutRequest");
        String withDoctype = xml.substring(0, start) + "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" + xml.substring(start);
        return Base64.getEncoder().encodeToString(withDoctype.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The IdP's LogoutResponse to {@code inResponseTo} on the HTTP-Redirect binding, signed with this builder's key:
     * {@code SAMLResponse=…&SigAlg=…&Signature=…}.
     */
    public String redirectResponseQuery(String inResponseTo) {
        XMLObjectBuilderFactory builders = XMLObjectProviderRegistrySupport.getBuilderFactory();
        org.opensaml.saml.saml2.core.LogoutResponse response = (org.opensaml.saml.saml2.core.LogoutResponse) builders
                .getBuilder(org.opensaml.saml.saml2.core.LogoutResponse.DEFAULT_ELEMENT_NAME)
                .buildObject(org.opensaml.saml.saml2.core.LogoutResponse.DEFAULT_ELEMENT_NAME);
        response.setID(id);
        response.setVersion(SAMLVersion.VERSION_20);
        response.setIssueInstant(issueInstant);
        response.setDestination(destination);
        response.setInResponseTo(inResponseTo);
        Issuer iss = (Issuer) builders.getBuilder(Issuer.DEFAULT_ELEMENT_NAME).buildObject(Issuer.DEFAULT_ELEMENT_NAME);
        iss.setValue(issuer);
        response.setIssuer(iss);
        org.opensaml.saml.saml2.core.Status status = (org.opensaml.saml.saml2.core.Status) builders
                .getBuilder(org.opensaml.saml.saml2.core.Status.DEFAULT_ELEMENT_NAME).buildObject(org.opensaml.saml.saml2.core.Status.DEFAULT_ELEMENT_NAME);
        org.opensaml.saml.saml2.core.StatusCode code = (org.opensaml.saml.saml2.core.StatusCode) builders
                .getBuilder(org.opensaml.saml.saml2.core.StatusCode.DEFAULT_ELEMENT_NAME)
                .buildObject(org.opensaml.saml.saml2.core.StatusCode.DEFAULT_ELEMENT_NAME);
        code.setValue(org.opensaml.saml.saml2.core.StatusCode.SUCCESS);
        status.setStatusCode(code);
        response.setStatus(status);
        try {
            XMLObjectProviderRegistrySupport.getMarshallerFactory().getMarshaller(response).marshall(response);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, new Deflater(Deflater.DEFLATED, true))) {
            out.write(SerializeSupport.nodeToString(response.getDOM()).getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        String content = "SAMLResponse=" + encode(Base64.getEncoder().encodeToString(bytes.toByteArray())) + "&SigAlg=" + encode(RSA_SHA256);
        return content + "&Signature=" + encode(sign(content));
    }

    private String signedContent() {
        return "SAMLRequest=" + encode(deflated()) + (relayState == null ? "" : "&RelayState=" + encode(relayState))
                + "&SigAlg=" + encode(RSA_SHA256);
    }

    private String sign(String content) {
        try {
            java.security.Signature signer = java.security.Signature.getInstance("SHA256withRSA");
            signer.initSign(key.privateKey());
            signer.update(content.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String deflated() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, new Deflater(Deflater.DEFLATED, true))) {
            out.write(xml(false).getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private String xml(boolean envelopedSignature) {
        XMLObjectBuilderFactory builders = XMLObjectProviderRegistrySupport.getBuilderFactory();
        LogoutRequest request = (LogoutRequest) builders.getBuilder(LogoutRequest.DEFAULT_ELEMENT_NAME).buildObject(LogoutRequest.DEFAULT_ELEMENT_NAME);
        request.setID(id);
        request.setVersion(SAMLVersion.VERSION_20);
        request.setIssueInstant(issueInstant);
        request.setDestination(destination);
        request.setNotOnOrAfter(notOnOrAfter);
        Issuer iss = (Issuer) builders.getBuilder(Issuer.DEFAULT_ELEMENT_NAME).buildObject(Issuer.DEFAULT_ELEMENT_NAME);
        iss.setValue(issuer);
        request.setIssuer(iss);
        NameID name = (NameID) builders.getBuilder(NameID.DEFAULT_ELEMENT_NAME).buildObject(NameID.DEFAULT_ELEMENT_NAME);
        name.setValue(nameId);
        name.setFormat(SamlResponseBuilder.EMAIL_FORMAT);
        request.setNameID(name);
        for (String value : sessionIndexes) {
            SessionIndex index = (SessionIndex) builders.getBuilder(SessionIndex.DEFAULT_ELEMENT_NAME).buildObject(SessionIndex.DEFAULT_ELEMENT_NAME);
            index.setValue(value);
            request.getSessionIndexes().add(index);
        }
        try {
            Signature signature = null;
            if (envelopedSignature) {
                signature = (Signature) builders.getBuilder(Signature.DEFAULT_ELEMENT_NAME).buildObject(Signature.DEFAULT_ELEMENT_NAME);
                signature.setSigningCredential(new BasicX509Credential(key.certificate(), key.privateKey()));
                signature.setSignatureAlgorithm(RSA_SHA256);
                signature.setCanonicalizationAlgorithm(SignatureConstants.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
                request.setSignature(signature);
            }
            XMLObjectProviderRegistrySupport.getMarshallerFactory().getMarshaller(request).marshall(request);
            if (signature != null) {
                Signer.signObject(signature);
            }
            return SerializeSupport.nodeToString(request.getDOM());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
