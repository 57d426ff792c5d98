package dev.jitprov.saml;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import javax.xml.namespace.QName;

import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.core.xml.schema.XSString;
import org.opensaml.saml.common.SAMLVersion;
import org.opensaml.saml.common.SignableSAMLObject;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Attribute;
import org.opensaml.saml.saml2.core.AttributeStatement;
import org.opensaml.saml.saml2.core.AttributeValue;
import org.opensaml.saml.saml2.core.Audience;
import org.opensaml.saml.saml2.core.AudienceRestriction;
import org.opensaml.saml.saml2.core.AuthnContext;
import org.opensaml.saml.saml2.core.AuthnContextClassRef;
import org.opensaml.saml.saml2.core.AuthnStatement;
import org.opensaml.saml.saml2.core.Conditions;
import org.opensaml.saml.saml2.core.EncryptedAssertion;
import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.NameID;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.saml2.core.Status;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.saml.saml2.core.Subject;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.opensaml.saml.saml2.core.SubjectConfirmationData;
import org.opensaml.saml.saml2.encryption.Encrypter;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.keyinfo.impl.X509KeyInfoGeneratorFactory;
import org.opensaml.xmlsec.SignatureSigningParameters;
import org.opensaml.xmlsec.encryption.support.DataEncryptionParameters;
import org.opensaml.xmlsec.encryption.support.EncryptionConstants;
import org.opensaml.xmlsec.encryption.support.KeyEncryptionParameters;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.SignatureSupport;
import org.w3c.dom.Document;

/**
 * Fluent builder of a SAML Response from a {@link TestIdp}. Defaults produce a response the validator accepts
 * for {@link TestIdp#DEFAULT_SP}; each method changes one thing. Finish with {@link #build()} (base64),
 * {@link #buildDocument()} (DOM, to tamper with, then {@link TestIdp#encode}) or {@link #buildResponse()}.
 */
public final class SamlResponseBuilder {

    public static final String EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
    public static final String RSA_SHA1 = SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA1;
    public static final String SHA1 = SignatureConstants.ALGO_ID_DIGEST_SHA1;

    private record Attr(String name, String friendlyName, List<String> values) {
    }

    private final TestIdp idp;
    private final Instant now;
    private SpSettings sp = TestIdp.DEFAULT_SP;
    private String destination;
    private boolean destinationSet;
    private String recipient;
    private List<String> audiences;
    private String responseIssuer;
    private boolean responseIssuerSet;
    private String assertionIssuer;
    private String nameId = "ada@example.com";
    private String nameIdFormat = EMAIL_FORMAT;
    private final List<Attr> attributes = new ArrayList<>();
    private boolean signResponse = true;
    private boolean signAssertion = true;
    private Instant issueInstant;
    private Instant notBefore;
    private Instant notOnOrAfter;
    private Instant conditionsNotOnOrAfter;
    private Instant confirmationNotBefore;
    private String inResponseTo;
    private String status = StatusCode.SUCCESS;
    private String responseId = "_r" + UUID.randomUUID();
    private String assertionId = "_a" + UUID.randomUUID();
    private boolean withSubject = true;
    private boolean withConditions = true;
    private boolean withAuthnStatement = true;
    private boolean withNameId = true;
    private boolean withAudience = true;
    private String confirmationMethod = SubjectConfirmation.METHOD_BEARER;
    private String signatureAlgorithm = SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256;
    private String digestAlgorithm = SignatureConstants.ALGO_ID_DIGEST_SHA256;
    private TestCredentials signingCredentials;
    private X509Certificate encryptFor;

    SamlResponseBuilder(TestIdp idp) {
        this.idp = idp;
        this.now = idp.clock().instant();
        this.signingCredentials = idp.credentials();
    }

    /** Addresses Destination, Recipient and Audience to {@code sp}. */
    public SamlResponseBuilder to(SpSettings sp) {
        this.sp = sp;
        return this;
    }

    /** Signing and attributes like a real IdP (see {@link IdpShape}); call before overriding single values. */
    public SamlResponseBuilder shape(IdpShape shape) {
        shape.apply(this);
        return this;
    }

    /** Response Destination; {@code null} omits it. */
    public SamlResponseBuilder destination(String destination) {
        this.destination = destination;
        this.destinationSet = true;
        return this;
    }

    public SamlResponseBuilder recipient(String recipient) {
        this.recipient = recipient;
        return this;
    }

    public SamlResponseBuilder audience(String... audiences) {
        this.audiences = List.of(audiences);
        return this;
    }

    /** Issuer of Response and Assertion. */
    public SamlResponseBuilder issuer(String issuer) {
        this.responseIssuer = issuer;
        this.responseIssuerSet = true;
        this.assertionIssuer = issuer;
        return this;
    }

    /** Response Issuer only; {@code null} omits it (it is optional). */
    public SamlResponseBuilder responseIssuer(String issuer) {
        this.responseIssuer = issuer;
        this.responseIssuerSet = true;
        return this;
    }

    public SamlResponseBuilder nameId(String nameId) {
        this.nameId = nameId;
        return this;
    }

    public SamlResponseBuilder nameIdFormat(String format) {
        this.nameIdFormat = format;
        return this;
    }

    /** Adds an attribute with Basic name format. */
    public SamlResponseBuilder attribute(String name, String... values) {
        attributes.add(new Attr(name, null, Arrays.asList(values)));
        return this;
    }

    /** Adds an attribute with a FriendlyName (Keycloak style). */
    public SamlResponseBuilder attribute(String name, String friendlyName, List<String> values) {
        attributes.add(new Attr(name, friendlyName, List.copyOf(values)));
        return this;
    }

    public SamlResponseBuilder signResponse(boolean sign) {
        this.signResponse = sign;
        return this;
    }

    public SamlResponseBuilder signAssertion(boolean sign) {
        this.signAssertion = sign;
        return this;
    }

    /** Signs with other credentials (attacker key, rotated key) instead of the IdP's; KeyInfo carries their cert. */
    public SamlResponseBuilder signWith(TestCredentials credentials) {
        this.signingCredentials = credentials;
        return this;
    }

    /** Signature algorithm URI, e.g. {@link #RSA_SHA1}. */
    public SamlResponseBuilder signatureAlgorithm(String uri) {
        this.signatureAlgorithm = uri;
        return this;
    }

    /** Reference digest algorithm URI, e.g. {@link #SHA1}. */
    public SamlResponseBuilder digestAlgorithm(String uri) {
        this.digestAlgorithm = uri;
        return this;
    }

    /** IssueInstant of Response and Assertion (default: the clock's now). */
    public SamlResponseBuilder issueInstant(Instant instant) {
        this.issueInstant = instant;
        return this;
    }

    /** Conditions NotBefore (default: now). */
    public SamlResponseBuilder notBefore(Instant instant) {
        this.notBefore = instant;
        return this;
    }

    /** Conditions and bearer SubjectConfirmationData NotOnOrAfter (default: now + 5 min). */
    public SamlResponseBuilder notOnOrAfter(Instant instant) {
        this.notOnOrAfter = instant;
        return this;
    }

    /** Conditions NotOnOrAfter only (the bearer confirmation keeps its own). */
    public SamlResponseBuilder conditionsNotOnOrAfter(Instant instant) {
        this.conditionsNotOnOrAfter = instant;
        return this;
    }

    /** Bearer SubjectConfirmationData NotBefore (absent by default, as SAML profiles require). */
    public SamlResponseBuilder confirmationNotBefore(Instant instant) {
        this.confirmationNotBefore = instant;
        return this;
    }

    /** InResponseTo on Response and SubjectConfirmationData (SP-initiated). */
    public SamlResponseBuilder inResponseTo(String requestId) {
        this.inResponseTo = requestId;
        return this;
    }

    /** Top-level StatusCode, e.g. {@link StatusCode#REQUESTER}. */
    public SamlResponseBuilder status(String statusCode) {
        this.status = statusCode;
        return this;
    }

    public SamlResponseBuilder responseId(String id) {
        this.responseId = id;
        return this;
    }

    public SamlResponseBuilder assertionId(String id) {
        this.assertionId = id;
        return this;
    }

    public SamlResponseBuilder confirmationMethod(String method) {
        this.confirmationMethod = method;
        return this;
    }

    public SamlResponseBuilder withoutSubject() {
        this.withSubject = false;
        return this;
    }

    public SamlResponseBuilder withoutConditions() {
        this.withConditions = false;
        return this;
    }

    public SamlResponseBuilder withoutAudience() {
        this.withAudience = false;
        return this;
    }

    public SamlResponseBuilder withoutAuthnStatement() {
        this.withAuthnStatement = false;
        return this;
    }

    public SamlResponseBuilder withoutNameId() {
        this.withNameId = false;
        return this;
    }

    /** Encrypts the (possibly signed) assertion to the SP certificate: AES-256-GCM, RSA-OAEP, key inline. */
    private String contentEncryption = EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES256_GCM;

    /** The content encryption of {@link #encryptFor}: AES-256-GCM by default (Okta's shape); Entra ID uses AES-256-CBC. */
    public SamlResponseBuilder contentEncryption(String algorithm) {
        this.contentEncryption = algorithm;
        return this;
    }

    public SamlResponseBuilder encryptFor(X509Certificate spCertificate) {
        this.encryptFor = spCertificate;
        return this;
    }

    /** The response as a browser posts it: base64 of the serialized XML. */
    public String build() {
        return TestIdp.encode(buildDocument());
    }

    /** The signed DOM document, to tamper with before {@link TestIdp#encode(org.w3c.dom.Node)}. */
    public Document buildDocument() {
        return buildResponse().getDOM().getOwnerDocument();
    }

    /** The marshalled (and signed) OpenSAML response; {@code getDOM()} is its element. */
    public Response buildResponse() {
        try {
            Instant issued = issueInstant != null ? issueInstant : now;
            Instant expires = notOnOrAfter != null ? notOnOrAfter : now.plus(Duration.ofMinutes(5));
            Assertion assertion = assertion(issued, expires);
            if (signAssertion) {
                sign(assertion);
            }
            Response response = build(Response.DEFAULT_ELEMENT_NAME);
            response.setID(responseId);
            response.setVersion(SAMLVersion.VERSION_20);
            response.setIssueInstant(issued);
            response.setDestination(destinationSet ? destination : sp.acsUrl());
            response.setInResponseTo(inResponseTo);
            String issuerValue = responseIssuerSet ? responseIssuer : idp.entityId();
            if (issuerValue != null) {
                response.setIssuer(issuerElement(issuerValue));
            }
            Status statusElement = build(Status.DEFAULT_ELEMENT_NAME);
            StatusCode code = build(StatusCode.DEFAULT_ELEMENT_NAME);
            code.setValue(status);
            statusElement.setStatusCode(code);
            response.setStatus(statusElement);
            if (encryptFor != null) {
                response.getEncryptedAssertions().add(encrypt(assertion));
            } else {
                response.getAssertions().add(assertion);
            }
            if (signResponse) {
                sign(response);
            } else {
                XMLObjectProviderRegistrySupport.getMarshallerFactory().getMarshaller(response).marshall(response);
            }
            return response;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build test SAML response", e);
        }
    }

    private Assertion assertion(Instant issued, Instant expires) {
        Assertion assertion = build(Assertion.DEFAULT_ELEMENT_NAME);
        assertion.setID(assertionId);
        assertion.setVersion(SAMLVersion.VERSION_20);
        assertion.setIssueInstant(issued);
        assertion.setIssuer(issuerElement(assertionIssuer != null ? assertionIssuer : idp.entityId()));
        if (withSubject) {
            Subject subject = build(Subject.DEFAULT_ELEMENT_NAME);
            if (withNameId) {
                NameID name = build(NameID.DEFAULT_ELEMENT_NAME);
                name.setValue(nameId);
                name.setFormat(nameIdFormat);
                subject.setNameID(name);
            }
            SubjectConfirmation confirmation = build(SubjectConfirmation.DEFAULT_ELEMENT_NAME);
            confirmation.setMethod(confirmationMethod);
            SubjectConfirmationData data = build(SubjectConfirmationData.DEFAULT_ELEMENT_NAME);
            data.setRecipient(recipient != null ? recipient : sp.acsUrl());
            data.setNotOnOrAfter(expires);
            data.setNotBefore(confirmationNotBefore);
            data.setInResponseTo(inResponseTo);
            confirmation.setSubjectConfirmationData(data);
            subject.getSubjectConfirmations().add(confirmation);
            assertion.setSubject(subject);
        }
        if (withConditions) {
            Conditions conditions = build(Conditions.DEFAULT_ELEMENT_NAME);
            conditions.setNotBefore(notBefore != null ? notBefore : issued);
            conditions.setNotOnOrAfter(conditionsNotOnOrAfter != null ? conditionsNotOnOrAfter : expires);
            if (withAudience) {
                AudienceRestriction restriction = build(AudienceRestriction.DEFAULT_ELEMENT_NAME);
                for (String uri : audiences != null ? audiences : List.of(sp.entityId())) {
                    Audience audience = build(Audience.DEFAULT_ELEMENT_NAME);
                    audience.setURI(uri);
                    restriction.getAudiences().add(audience);
                }
                conditions.getAudienceRestrictions().add(restriction);
            }
            assertion.setConditions(conditions);
        }
        if (withAuthnStatement) {
            AuthnStatement authn = build(AuthnStatement.DEFAULT_ELEMENT_NAME);
            authn.setAuthnInstant(issued);
            authn.setSessionIndex("_s" + assertionId);
            AuthnContext context = build(AuthnContext.DEFAULT_ELEMENT_NAME);
            AuthnContextClassRef ref = build(AuthnContextClassRef.DEFAULT_ELEMENT_NAME);
            ref.setURI(AuthnContext.PPT_AUTHN_CTX);
            context.setAuthnContextClassRef(ref);
            authn.setAuthnContext(context);
            assertion.getAuthnStatements().add(authn);
        }
        if (!attributes.isEmpty()) {
            AttributeStatement statement = build(AttributeStatement.DEFAULT_ELEMENT_NAME);
            for (Attr attr : attributes) {
                Attribute attribute = build(Attribute.DEFAULT_ELEMENT_NAME);
                attribute.setName(attr.name());
                attribute.setFriendlyName(attr.friendlyName());
                attribute.setNameFormat(attr.name().contains(":") ? Attribute.URI_REFERENCE : Attribute.BASIC);
                for (String value : attr.values()) {
                    XSString xs = (XSString) XMLObjectProviderRegistrySupport.getBuilderFactory()
                            .getBuilderOrThrow(XSString.TYPE_NAME)
                            .buildObject(AttributeValue.DEFAULT_ELEMENT_NAME, XSString.TYPE_NAME);
                    xs.setValue(value);
                    attribute.getAttributeValues().add(xs);
                }
                statement.getAttributes().add(attribute);
            }
            assertion.getAttributeStatements().add(statement);
        }
        return assertion;
    }

    private void sign(SignableSAMLObject signable) throws Exception {
        SignatureSigningParameters parameters = new SignatureSigningParameters();
        parameters.setSigningCredential(
                new BasicX509Credential(signingCredentials.certificate(), signingCredentials.privateKey()));
        parameters.setSignatureAlgorithm(signatureAlgorithm);
        parameters.setSignatureReferenceDigestMethod(digestAlgorithm);
        parameters.setSignatureCanonicalizationAlgorithm(SignatureConstants.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
        X509KeyInfoGeneratorFactory keyInfo = new X509KeyInfoGeneratorFactory();
        keyInfo.setEmitEntityCertificate(true);
        parameters.setKeyInfoGenerator(keyInfo.newInstance());
        SignatureSupport.signObject(signable, parameters);
    }

    private EncryptedAssertion encrypt(Assertion assertion) throws Exception {
        if (assertion.getDOM() == null) {
            XMLObjectProviderRegistrySupport.getMarshallerFactory().getMarshaller(assertion).marshall(assertion);
        }
        DataEncryptionParameters data = new DataEncryptionParameters();
        data.setAlgorithm(contentEncryption);
        KeyEncryptionParameters key = new KeyEncryptionParameters();
        key.setEncryptionCredential(new BasicX509Credential(encryptFor));
        key.setAlgorithm(EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP);
        Encrypter encrypter = new Encrypter(data, key);
        encrypter.setKeyPlacement(Encrypter.KeyPlacement.INLINE);
        return encrypter.encrypt(assertion);
    }

    private Issuer issuerElement(String value) {
        Issuer issuer = build(Issuer.DEFAULT_ELEMENT_NAME);
        issuer.setValue(value);
        return issuer;
    }

    @SuppressWarnings("unchecked")
    static <T extends XMLObject> T build(QName name) {
        return (T) XMLObjectProviderRegistrySupport.getBuilderFactory().getBuilderOrThrow(name).buildObject(name);
    }
}
