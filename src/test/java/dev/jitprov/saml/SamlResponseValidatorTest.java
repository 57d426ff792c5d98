package dev.jitprov.saml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * SPEC §4, step by step. Time is pinned; every negative test asserts the exact error code and that no principal is
 * returned. Signed fixtures are built once per shape where possible (signing is slow).
 */
class SamlResponseValidatorTest {

    static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final SpSettings SP = TestIdp.DEFAULT_SP;
    static final String ASSERTION_NS = SAMLConstants.SAML20_NS;
    static final String PROTOCOL_NS = SAMLConstants.SAML20P_NS;
    static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";

    static TestIdp idp;
    static TestIdp otherIdp;
    static TestIdp rotatedIdp;
    static TestCredentials attacker;
    static TestCredentials spEncryption;
    static SamlResponseValidator validator;
    /** Okta-shaped, Response and Assertion signed: the happy path, reused by tests that only need a valid input. */
    static String valid;

    @BeforeAll
    static void setUp() {
        validator = new SamlResponseValidator(CLOCK, SamlPolicy.defaults());
        idp = TestIdp.create("https://idp.example.test/metadata", CLOCK);
        otherIdp = TestIdp.create("https://other-idp.example.test/metadata", CLOCK);
        rotatedIdp = TestIdp.create(idp.entityId(), TestCredentials.rsa("idp.example.test-2027", 2048), CLOCK);
        attacker = TestCredentials.rsa("idp.example.test", 2048);
        spEncryption = TestCredentials.rsa("sp.example.test", 2048);
        valid = idp.response().shape(IdpShape.OKTA).build();
    }

    static ValidationReport validate(String samlResponse) {
        return validator.validate(samlResponse, SP, idp.trust(), Optional.empty());
    }

    static ValidationReport validate(Document document) {
        return validate(TestIdp.encode(document));
    }

    static void assertRejected(ValidationReport report, SamlErrorCode expected) {
        assertThat(report.error()).as("error code, checks: %s", report.checks()).isEqualTo(expected);
        assertThat(report.accepted()).isFalse();
        assertThat(report.principal()).isNull();
        CheckResult last = report.checks().get(report.checks().size() - 1);
        assertThat(last.passed()).isFalse();
        assertThat(last.error()).isEqualTo(expected);
        assertThat(report.checks().subList(0, report.checks().size() - 1)).allMatch(CheckResult::passed);
    }

    static SamlPrincipal assertAccepted(ValidationReport report) {
        assertThat(report.error()).as("checks: %s", report.checks()).isNull();
        assertThat(report.accepted()).isTrue();
        assertThat(report.checks()).allMatch(CheckResult::passed);
        return report.principal();
    }

    static Element root(Document document) {
        return document.getDocumentElement();
    }

    static Element assertion(Document document) {
        return child(root(document), ASSERTION_NS, "Assertion");
    }

    static Element child(Element parent, String ns, String localName) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element e && ns.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    static Element descendant(Element parent, String ns, String localName) {
        return (Element) parent.getElementsByTagNameNS(ns, localName).item(0);
    }

    /** A clone of the assertion with another ID and NameID and without signature: what an XSW attacker injects. */
    static Element evilClone(Element assertion) {
        Element evil = (Element) assertion.cloneNode(true);
        evil.setAttributeNS(null, "ID", "_evil" + System.nanoTime());
        Element signature = child(evil, DSIG_NS, "Signature");
        if (signature != null) {
            evil.removeChild(signature);
        }
        descendant(evil, ASSERTION_NS, "NameID").setTextContent("admin@victim.example");
        return evil;
    }

    @Nested
    class IdpShapes {

        @Test
        void validateWhenOktaResponseThenAcceptedWithEmailNamesAndRoles() {
            SamlPrincipal principal = assertAccepted(validate(valid));
            assertThat(principal.nameId()).isEqualTo("ada@example.com");
            assertThat(principal.nameIdFormat()).isEqualTo(SamlResponseBuilder.EMAIL_FORMAT);
            assertThat(principal.email()).isEqualTo("ada@example.com");
            assertThat(principal.firstName()).isEqualTo("Ada");
            assertThat(principal.lastName()).isEqualTo("Lovelace");
            assertThat(principal.displayName()).isEqualTo("Ada Lovelace");
            assertThat(principal.attributeValues("role")).containsExactly("Admin", "Engineer");
            assertThat(principal.issuer()).isEqualTo(idp.entityId());
            assertThat(principal.assertionNotOnOrAfter()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
            assertThat(principal.sessionIndex()).isNotBlank();
            assertThat(principal.inResponseTo()).isNull();
        }

        @Test
        void validateWhenEntraIdResponseWithOnlyAssertionSignedThenAcceptedWithClaimUris() {
            SamlPrincipal principal = assertAccepted(validate(idp.response().shape(IdpShape.ENTRA_ID).build()));
            assertThat(principal.nameId()).isEqualTo(IdpShape.ENTRA_NAME_ID);
            assertThat(principal.email()).isEqualTo("ada@example.com");
            assertThat(principal.displayName()).isEqualTo("Ada Lovelace");
            assertThat(principal.firstName()).isEqualTo("Ada");
            assertThat(principal.attributeValues("http://schemas.microsoft.com/ws/2008/06/identity/claims/role"))
                    .containsExactly("Admin", "Engineer");
        }

        @Test
        void validateWhenOneLoginResponseWithOnlyResponseSignedThenAcceptedWithUserEmailAndMemberOf() {
            SamlPrincipal principal = assertAccepted(validate(idp.response().shape(IdpShape.ONELOGIN).build()));
            assertThat(principal.nameId()).isEqualTo("ada@example.com");
            assertThat(principal.email()).isEqualTo("ada@example.com");
            assertThat(principal.attributeValues("User.email")).containsExactly("ada@example.com");
            assertThat(principal.attributeValues("memberOf")).containsExactly("Admin", "Engineer");
            assertThat(principal.displayName()).isEqualTo("Ada Lovelace");
        }

        @Test
        void validateWhenKeycloakResponseThenAcceptedAndAttributesMatchByFriendlyName() {
            SamlPrincipal principal = assertAccepted(validate(idp.response().shape(IdpShape.KEYCLOAK).build()));
            assertThat(principal.nameId()).isEqualTo("ada");
            assertThat(principal.email()).isEqualTo("ada@example.com");
            assertThat(principal.attributeValues("email")).containsExactly("ada@example.com");
            assertThat(principal.attributeValues("urn:oid:0.9.2342.19200300.100.1.3")).containsExactly("ada@example.com");
            assertThat(principal.attributeValues("Role")).containsExactly("Admin", "Engineer");
            assertThat(principal.displayName()).isEqualTo("Ada Lovelace");
            assertThat(principal.attributes()).extracting(SamlAttribute::friendlyName)
                    .containsExactly("email", "givenName", "surname", null);
        }

        @Test
        void validateWhenAcceptedThenReportListsEveryStepInOrderWithoutAssertionContent() {
            ValidationReport report = validate(valid);
            assertThat(report.checks()).extracting(CheckResult::step).containsExactly("body_size", "base64", "xml",
                    "response", "assertion_count", "signature_present", "response_signature", "assertion_signature",
                    "issuer", "destination", "in_response_to", "subject_confirmation", "conditions", "issue_instant",
                    "authn_statement", "name_id");
            assertThat(report.checks()).extracting(CheckResult::detail).noneMatch(d -> d.contains("ada@example.com"));
            assertThat(report.responseId()).isEqualTo(report.principal().responseId());
        }

        @Test
        void validateWhenSharedAcrossThreadsThenEveryCallAccepted() {
            assertThat(IntStream.range(0, 16).parallel().mapToObj(i -> validate(valid)))
                    .allMatch(ValidationReport::accepted);
        }
    }

    @Nested
    class Step1Input {

        @Test
        void validateWhenBodyOverLimitThenBodyTooLarge() {
            SamlResponseValidator small = new SamlResponseValidator(CLOCK,
                    new SamlPolicy(Duration.ofSeconds(60), Duration.ofMinutes(5), 1024));
            assertRejected(small.validate(valid, SP, idp.trust(), Optional.empty()), SamlErrorCode.BODY_TOO_LARGE);
        }

        @Test
        void validateWhenDefaultLimitExceededThenBodyTooLargeBeforeDecoding() {
            assertRejected(validate("A".repeat(256 * 1024 + 4)), SamlErrorCode.BODY_TOO_LARGE);
        }

        @Test
        void validateWhenInvalidBase64ThenInvalidBase64() {
            assertRejected(validate("PHNhbWxwOlJlc3BvbnNl$$$not-base64"), SamlErrorCode.INVALID_BASE64);
        }

        @Test
        void validateWhenBase64WrappedAt76ColumnsThenAccepted() {
            String wrapped = Base64.getMimeEncoder().encodeToString(Base64.getDecoder().decode(valid));
            assertThat(wrapped).contains("\r\n");
            assertAccepted(validate(wrapped));
        }

        @Test
        void validateWhenNotXmlThenMalformedXml() {
            assertRejected(validate(TestIdp.encode("this is not xml")), SamlErrorCode.MALFORMED_XML);
        }

        @Test
        void validateWhenTruncatedXmlThenMalformedXml() {
            String xml = new String(Base64.getDecoder().decode(valid), StandardCharsets.UTF_8);
            assertRejected(validate(TestIdp.encode(xml.substring(0, xml.length() / 2))), SamlErrorCode.MALFORMED_XML);
        }

        @Test
        void validateWhenXxeDoctypeThenDoctypeForbidden() {
            String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                    + "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_x\" Version=\"2.0\">"
                    + "&xxe;</samlp:Response>";
            assertRejected(validate(TestIdp.encode(xxe)), SamlErrorCode.DOCTYPE_FORBIDDEN);
        }

        @Test
        void validateWhenBillionLaughsThenDoctypeForbidden() {
            StringBuilder dtd = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol0 \"lol\">");
            for (int i = 1; i < 10; i++) {
                dtd.append("<!ENTITY lol").append(i).append(" \"")
                        .append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
            }
            dtd.append("]><samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">&lol9;</samlp:Response>");
            assertRejected(validate(TestIdp.encode(dtd.toString())), SamlErrorCode.DOCTYPE_FORBIDDEN);
        }

        @Test
        void validateWhenDoctypeBeforeSignedResponseThenDoctypeForbidden() {
            String xml = new String(Base64.getDecoder().decode(valid), StandardCharsets.UTF_8)
                    .replaceFirst("<\\?xml[^>]*\\?>", "");
            assertRejected(validate(TestIdp.encode("<!DOCTYPE samlp:Response>" + xml)), SamlErrorCode.DOCTYPE_FORBIDDEN);
        }
    }

    @Nested
    class Step2Response {

        @Test
        void validateWhenRootIsAssertionThenNotAResponse() {
            Document document = idp.response().buildDocument();
            assertRejected(validate(TestIdp.encode(assertion(document))), SamlErrorCode.NOT_A_RESPONSE);
        }

        @Test
        void validateWhenRootIsForeignElementThenNotAResponse() {
            assertRejected(validate(TestIdp.encode("<Response ID=\"_1\" Version=\"2.0\"/>")), SamlErrorCode.NOT_A_RESPONSE);
        }

        @Test
        void validateWhenVersionIsNot20ThenInvalidVersion() {
            Document document = idp.response().buildDocument();
            root(document).setAttributeNS(null, "Version", "1.1");
            assertRejected(validate(document), SamlErrorCode.INVALID_VERSION);
        }

        @Test
        void validateWhenResponseHasNoIdThenMissingResponseId() {
            Document document = idp.response().signResponse(false).buildDocument();
            root(document).removeAttributeNS(null, "ID");
            assertRejected(validate(document), SamlErrorCode.MISSING_RESPONSE_ID);
        }

        @Test
        void validateWhenStatusIsNotSuccessThenStatusNotSuccess() {
            ValidationReport report = validate(idp.response().status(StatusCode.REQUESTER).build());
            assertRejected(report, SamlErrorCode.STATUS_NOT_SUCCESS);
            assertThat(report.checks().get(report.checks().size() - 1).detail()).contains(StatusCode.REQUESTER);
        }
    }

    @Nested
    class Step3SingleAssertion {

        @Test
        void validateWhenNoAssertionThenAssertionMissing() {
            Document document = idp.response().signResponse(false).buildDocument();
            root(document).removeChild(assertion(document));
            assertRejected(validate(document), SamlErrorCode.ASSERTION_MISSING);
        }

        @Test
        void validateWhenSecondUnsignedAssertionBesideSignedOneThenMultipleAssertions() {
            Document document = idp.response().shape(IdpShape.ENTRA_ID).buildDocument();
            root(document).appendChild(evilClone(assertion(document)));
            assertRejected(validate(document), SamlErrorCode.MULTIPLE_ASSERTIONS);
        }

        @Test
        void validateWhenUnsignedAssertionNestedInsideSignedOneThenMultipleAssertions() {
            Document document = idp.response().shape(IdpShape.ENTRA_ID).buildDocument();
            Element signed = assertion(document);
            signed.appendChild(evilClone(signed));
            assertRejected(validate(document), SamlErrorCode.MULTIPLE_ASSERTIONS);
        }

        @Test
        void validateWhenUnsignedAssertionInsideAdviceThenMultipleAssertions() {
            Document document = idp.response().shape(IdpShape.ENTRA_ID).buildDocument();
            Element signed = assertion(document);
            Element advice = document.createElementNS(ASSERTION_NS, "saml2:Advice");
            advice.appendChild(evilClone(signed));
            signed.insertBefore(advice, descendant(signed, ASSERTION_NS, "AuthnStatement"));
            assertRejected(validate(document), SamlErrorCode.MULTIPLE_ASSERTIONS);
        }

        @Test
        void validateWhenUnsignedAssertionInsideResponseExtensionsThenMultipleAssertions() {
            Document document = idp.response().shape(IdpShape.ENTRA_ID).buildDocument();
            Element extensions = document.createElementNS(PROTOCOL_NS, "saml2p:Extensions");
            extensions.appendChild(evilClone(assertion(document)));
            root(document).insertBefore(extensions, child(root(document), PROTOCOL_NS, "Status"));
            assertRejected(validate(document), SamlErrorCode.MULTIPLE_ASSERTIONS);
        }
    }

    @Nested
    class Step4Signature {

        @Test
        void validateWhenNothingSignedThenSignatureMissing() {
            assertRejected(validate(idp.response().signResponse(false).signAssertion(false).build()),
                    SamlErrorCode.SIGNATURE_MISSING);
        }

        @Test
        void validateWhenSignaturesStrippedThenSignatureMissing() {
            Document document = idp.response().buildDocument();
            while (document.getElementsByTagNameNS(DSIG_NS, "Signature").getLength() > 0) {
                Node signature = document.getElementsByTagNameNS(DSIG_NS, "Signature").item(0);
                signature.getParentNode().removeChild(signature);
            }
            assertRejected(validate(document), SamlErrorCode.SIGNATURE_MISSING);
        }

        @Test
        void validateWhenSignedAssertionAlteredThenInvalidSignature() {
            Document document = idp.response().shape(IdpShape.ENTRA_ID).buildDocument();
            descendant(root(document), ASSERTION_NS, "NameID").setTextContent("admin@victim.example");
            assertRejected(validate(document), SamlErrorCode.INVALID_SIGNATURE);
        }

        @Test
        void validateWhenSignedResponseAlteredThenInvalidSignature() {
            Document document = idp.response().shape(IdpShape.ONELOGIN).buildDocument();
            descendant(root(document), ASSERTION_NS, "NameID").setTextContent("admin@victim.example");
            assertRejected(validate(document), SamlErrorCode.INVALID_SIGNATURE);
        }

        @Test
        void validateWhenResignedByAttackerWithCertificateInKeyInfoThenInvalidSignature() {
            String forged = idp.response().signWith(attacker).nameId("admin@victim.example").build();
            String xml = new String(Base64.getDecoder().decode(forged), StandardCharsets.UTF_8);
            assertThat(xml).contains("X509Certificate");
            assertRejected(validate(forged), SamlErrorCode.INVALID_SIGNATURE);
        }

        @Test
        void validateWhenSignedWithAnotherIdpsCertificateThenInvalidSignature() {
            String response = otherIdp.response().issuer(idp.entityId()).build();
            assertRejected(validate(response), SamlErrorCode.INVALID_SIGNATURE);
        }

        @Test
        void validateWhenSignatureAlgorithmIsSha1ThenSignatureAlgorithmForbidden() {
            assertRejected(validate(idp.response().signatureAlgorithm(SamlResponseBuilder.RSA_SHA1).build()),
                    SamlErrorCode.SIGNATURE_ALGORITHM_FORBIDDEN);
        }

        @Test
        void validateWhenDigestIsSha1ThenSignatureAlgorithmForbidden() {
            assertRejected(validate(idp.response().digestAlgorithm(SamlResponseBuilder.SHA1).build()),
                    SamlErrorCode.SIGNATURE_ALGORITHM_FORBIDDEN);
        }

        @Test
        void validateWhenSignatureMethodIsHmacThenSignatureAlgorithmForbidden() {
            // HMAC keyed with the IdP's public certificate would let anyone "sign": the allow-list stops it first.
            Document document = idp.response().shape(IdpShape.ONELOGIN).buildDocument();
            descendant(child(root(document), DSIG_NS, "Signature"), DSIG_NS, "SignatureMethod")
                    .setAttributeNS(null, "Algorithm", "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256");
            assertRejected(validate(document), SamlErrorCode.SIGNATURE_ALGORITHM_FORBIDDEN);
        }

        @Test
        void validateWhenConfiguredKeyIsRsa1024ThenWeakSigningKey() {
            TestIdp weak = TestIdp.create(idp.entityId(), TestCredentials.rsa("weak.example.test", 1024), CLOCK);
            assertRejected(validator.validate(weak.response().build(), SP, weak.trust(), Optional.empty()),
                    SamlErrorCode.WEAK_SIGNING_KEY);
        }

        @Test
        void validateWhenReferencePointsElsewhereThenSignatureProfileInvalid() {
            Document document = idp.response().shape(IdpShape.ONELOGIN).buildDocument();
            Element reference = descendant(child(root(document), DSIG_NS, "Signature"), DSIG_NS, "Reference");
            reference.setAttributeNS(null, "URI", "#" + assertion(document).getAttributeNS(null, "ID"));
            assertRejected(validate(document), SamlErrorCode.SIGNATURE_PROFILE_INVALID);
        }

        @Test
        void validateWhenExtraTransformThenSignatureProfileInvalid() {
            Document document = idp.response().shape(IdpShape.ONELOGIN).buildDocument();
            Element transforms = descendant(child(root(document), DSIG_NS, "Signature"), DSIG_NS, "Transforms");
            Element xpath = document.createElementNS(DSIG_NS, "ds:Transform");
            xpath.setAttributeNS(null, "Algorithm", "http://www.w3.org/TR/1999/REC-xpath-19991116");
            transforms.appendChild(xpath);
            assertRejected(validate(document), SamlErrorCode.SIGNATURE_PROFILE_INVALID);
        }

        @Test
        void validateWhenEcdsaSignedAndEcCertificateConfiguredThenAccepted() {
            TestIdp ec = TestIdp.create(idp.entityId(), TestCredentials.ec("ec.example.test"), CLOCK);
            String response = ec.response()
                    .signatureAlgorithm("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256").build();
            assertAccepted(validator.validate(response, SP, ec.trust(), Optional.empty()));
        }

        @Test
        void validateWhenTwoCertificatesConfiguredThenResponsesSignedByEitherAccepted() {
            IdpTrust both = IdpTrust.of(idp.entityId(),
                    List.of(idp.credentials().certificate(), rotatedIdp.credentials().certificate()));
            assertAccepted(validator.validate(valid, SP, both, Optional.empty()));
            assertAccepted(validator.validate(rotatedIdp.response().build(), SP, both, Optional.empty()));
        }

        @Test
        void validateWhenOnlyOldCertificateConfiguredThenResponseSignedByNewKeyInvalidSignature() {
            assertRejected(validate(rotatedIdp.response().build()), SamlErrorCode.INVALID_SIGNATURE);
        }

        @Test
        void validateWhenNoCertificateConfiguredThenInvalidSignature() {
            IdpTrust none = IdpTrust.of(idp.entityId(), List.of());
            assertRejected(validator.validate(valid, SP, none, Optional.empty()), SamlErrorCode.INVALID_SIGNATURE);
        }
    }

    /**
     * The eight XML Signature Wrapping placements SAMLRaider applies, built by DOM surgery on a correctly signed
     * response: XSW1–2 wrap the signed Response, XSW3–8 move or wrap the signed Assertion. Each leaves a second
     * assertion in the document, so step 3 rejects it before any signature is consulted.
     */
    @Nested
    class SignatureWrapping {

        /** Response signed only (XSW1-2 target the Response signature). */
        Document signedResponse() {
            return idp.response().shape(IdpShape.ONELOGIN).buildDocument();
        }

        /** Assertion signed only (XSW3-8 target the Assertion signature). */
        Document signedAssertion() {
            return idp.response().shape(IdpShape.ENTRA_ID).buildDocument();
        }

        @Test
        void validateWhenXsw1OriginalResponseInsideSignatureThenMultipleAssertions() {
            Document document = signedResponse();
            Element response = root(document);
            Element original = (Element) response.cloneNode(true);
            original.removeChild(child(original, DSIG_NS, "Signature"));
            child(response, DSIG_NS, "Signature").appendChild(original);
            response.setAttributeNS(null, "ID", "_evil_response");
            descendant(assertion(document), ASSERTION_NS, "NameID").setTextContent("admin@victim.example");
            assertRejected(validate(document), SamlErrorCode.MULTIPLE_ASSERTIONS);
        }

        @Test
        void validateWhenXsw2OriginalResponseBeforeSignatureThenMultipleAssertions() {
            Document document = signedResponse();
            Element response = root(document);
            Element original = (Element) response.cloneNode(true);
            original.removeChild(child(original, DSIG_NS, "Signature"));
            response.insertBefore(original, child(response, DSIG_NS, "Signature"));
            response.setAttributeNS(null, "ID", "_evil_response");
            descendant(assertion(document), ASSERTION_NS, "NameID").setTextContent("admin@victim.example");
            assertRejected(validate(document), SamlErrorCode.MULTIPLE_ASSERTIONS);
        }

        @Test
        void validateWhenXsw3EvilAssertionBeforeSignedOneThenMultipleAssertions() {
            Document document = signedAssertion();
            Element signed = assertion(document);
            root(document).insertBefore(evilClone(signed), signed);
            assertRejected(validate(document), SamlErrorCode.MULTIPLE_ASSERTIONS);
        }

        @Test
        void validateWhenXsw4SignedAssertionWrappedInEvilOneThenMultipleAssertions() {
            Document document = signedAssertion();
            Element signed = assertion(document);
            Element evil = evilClone(signed);
            root(document).replaceChild(evil, signed);
            evil.appendChild(signed);
            assertRejected(validate(document), SamlErrorCode.MULTIPLE_ASSERTIONS);
        }

        @Test
        void validateWhenXsw5EvilAssertionCarriesSignatureOriginalAppendedThenMultipleAssertions() {
            Document document = signedAssertion();
            Element signed = assertion(document);
            Element evil = (Element) signed.cloneNode(true);
            evil.setAttributeNS(null, "ID", "_evil_assertion");
            descendant(evil, ASSERTION_NS, "NameID").setTextContent("admin@victim.example");
            signed.removeChild(child(signed, DSIG_NS, "Signature"));
            root(document).replaceChild(evil, signed);
            root(document).appendChild(signed);
            assertRejected(validate(document), SamlErrorCode.MULTIPLE_ASSERTIONS);
        }

        @Test
        void validateWhenXsw6OriginalAssertionInsideEvilAssertionsSignatureThenMultipleAssertions() {
            Document document = signedAssertion();
            Element signed = assertion(document);
            Element evil = (Element) signed.cloneNode(true);
            evil.setAttributeNS(null, "ID", "_evil_assertion");
            descendant(evil, ASSERTION_NS, "NameID").setTextContent("admin@victim.example");
            signed.removeChild(child(signed, DSIG_NS, "Signature"));
            root(document).replaceChild(evil, signed);
            child(evil, DSIG_NS, "Signature").appendChild(signed);
            assertRejected(validate(document), SamlErrorCode.MULTIPLE_ASSERTIONS);
        }

        @Test
        void validateWhenXsw7SignedAssertionInExtensionsThenMultipleAssertions() {
            Document document = signedAssertion();
            Element signed = assertion(document);
            Element evil = evilClone(signed);
            Element extensions = document.createElementNS(PROTOCOL_NS, "saml2p:Extensions");
            root(document).replaceChild(evil, signed);
            extensions.appendChild(signed);
            root(document).insertBefore(extensions, child(root(document), PROTOCOL_NS, "Status"));
            assertRejected(validate(document), SamlErrorCode.MULTIPLE_ASSERTIONS);
        }

        @Test
        void validateWhenXsw8OriginalAssertionInSignatureObjectThenMultipleAssertions() {
            Document document = signedAssertion();
            Element signed = assertion(document);
            Element evil = (Element) signed.cloneNode(true);
            evil.setAttributeNS(null, "ID", "_evil_assertion");
            descendant(evil, ASSERTION_NS, "NameID").setTextContent("admin@victim.example");
            signed.removeChild(child(signed, DSIG_NS, "Signature"));
            root(document).replaceChild(evil, signed);
            Element object = document.createElementNS(DSIG_NS, "ds:Object");
            object.appendChild(signed);
            child(evil, DSIG_NS, "Signature").appendChild(object);
            assertRejected(validate(document), SamlErrorCode.MULTIPLE_ASSERTIONS);
        }

        @Test
        void validateWhenSignedAssertionMovedAndEvilOneKeepsItsIdThenRejected() {
            // Duplicate ID without a second assertion: the signed assertion's ID is given to the root Response.
            Document document = signedAssertion();
            Element signed = assertion(document);
            root(document).setAttributeNS(null, "ID", signed.getAttributeNS(null, "ID"));
            assertRejected(validate(document), SamlErrorCode.INVALID_SIGNATURE);
        }
    }

    @Nested
    class Step5Issuer {

        @Test
        void validateWhenResponseIssuerIsAnotherIdpThenInvalidIssuer() {
            ValidationReport report = validate(idp.response().responseIssuer("https://evil.example/idp").build());
            assertRejected(report, SamlErrorCode.INVALID_ISSUER);
            assertThat(report.checks().get(report.checks().size() - 1).detail()).contains("https://evil.example/idp");
        }

        @Test
        void validateWhenAssertionIssuerIsAnotherIdpThenInvalidIssuer() {
            assertRejected(validate(idp.response().issuer("https://evil.example/idp").build()), SamlErrorCode.INVALID_ISSUER);
        }

        @Test
        void validateWhenResponseIssuerAbsentThenAccepted() {
            assertAccepted(validate(idp.response().responseIssuer(null).build()));
        }
    }

    @Nested
    class Step6Destination {

        @Test
        void validateWhenDestinationIsAnotherSpThenInvalidDestination() {
            assertRejected(validate(idp.response().destination("https://other-sp.example/acs").build()),
                    SamlErrorCode.INVALID_DESTINATION);
        }

        @Test
        void validateWhenDestinationAbsentThenAccepted() {
            assertAccepted(validate(idp.response().destination(null).build()));
        }
    }

    @Nested
    class Step7InResponseTo {

        @Test
        void validateWhenUnsolicitedResponseCarriesInResponseToThenUnexpectedInResponseTo() {
            assertRejected(validate(idp.response().inResponseTo("_req1").build()), SamlErrorCode.UNEXPECTED_IN_RESPONSE_TO);
        }

        @Test
        void validateWhenInResponseToDiffersFromRequestThenInResponseToMismatch() {
            String response = idp.response().inResponseTo("_req1").build();
            assertRejected(validator.validate(response, SP, idp.trust(), Optional.of("_req2")),
                    SamlErrorCode.IN_RESPONSE_TO_MISMATCH);
        }

        @Test
        void validateWhenRequestPendingButResponseIsUnsolicitedThenAccepted() {
            // An IdP-initiated login while an SP-initiated one is pending: nothing claims to answer our request.
            assertAccepted(validator.validate(valid, SP, idp.trust(), Optional.of("_req1")));
        }

        @Test
        void validateWhenInResponseToMatchesRequestThenAccepted() {
            String response = idp.response().inResponseTo("_req1").build();
            SamlPrincipal principal = assertAccepted(validator.validate(response, SP, idp.trust(), Optional.of("_req1")));
            assertThat(principal.inResponseTo()).isEqualTo("_req1");
        }
    }

    @Nested
    class Step8SubjectConfirmation {

        @Test
        void validateWhenSubjectMissingThenSubjectMissing() {
            assertRejected(validate(idp.response().withoutSubject().build()), SamlErrorCode.SUBJECT_MISSING);
        }

        @Test
        void validateWhenNoBearerConfirmationThenBearerConfirmationMissing() {
            assertRejected(validate(idp.response().confirmationMethod(SubjectConfirmation.METHOD_SENDER_VOUCHES).build()),
                    SamlErrorCode.BEARER_CONFIRMATION_MISSING);
        }

        @Test
        void validateWhenRecipientIsAnotherAcsThenInvalidRecipient() {
            assertRejected(validate(idp.response().recipient("https://other-sp.example/acs").build()),
                    SamlErrorCode.INVALID_RECIPIENT);
        }

        @Test
        void validateWhenConfirmationExpiredThenSubjectConfirmationExpired() {
            assertRejected(validate(idp.response().notOnOrAfter(NOW.minus(Duration.ofMinutes(2))).build()),
                    SamlErrorCode.SUBJECT_CONFIRMATION_EXPIRED);
        }

        @Test
        void validateWhenConfirmationExpiredWithinSkewThenAccepted() {
            assertAccepted(validate(idp.response().notOnOrAfter(NOW.minus(Duration.ofSeconds(30))).build()));
        }

        @Test
        void validateWhenConfirmationNotYetValidThenSubjectConfirmationNotYetValid() {
            assertRejected(validate(idp.response().confirmationNotBefore(NOW.plus(Duration.ofMinutes(2))).build()),
                    SamlErrorCode.SUBJECT_CONFIRMATION_NOT_YET_VALID);
        }
    }

    @Nested
    class Step9Conditions {

        @Test
        void validateWhenConditionsMissingThenConditionsMissing() {
            assertRejected(validate(idp.response().withoutConditions().build()), SamlErrorCode.CONDITIONS_MISSING);
        }

        @Test
        void validateWhenNotBeforeInFutureBeyondSkewThenAssertionNotYetValid() {
            assertRejected(validate(idp.response().notBefore(NOW.plus(Duration.ofMinutes(2))).build()),
                    SamlErrorCode.ASSERTION_NOT_YET_VALID);
        }

        @Test
        void validateWhenNotBeforeInFutureWithinSkewThenAccepted() {
            assertAccepted(validate(idp.response().notBefore(NOW.plus(Duration.ofSeconds(30))).build()));
        }

        @Test
        void validateWhenConditionsExpiredThenAssertionExpired() {
            assertRejected(validate(idp.response().conditionsNotOnOrAfter(NOW.minus(Duration.ofMinutes(2))).build()),
                    SamlErrorCode.ASSERTION_EXPIRED);
        }

        @Test
        void validateWhenAudienceRestrictionMissingThenAudienceMissing() {
            assertRejected(validate(idp.response().withoutAudience().build()), SamlErrorCode.AUDIENCE_MISSING);
        }

        @Test
        void validateWhenAudienceIsAnotherSpThenInvalidAudience() {
            ValidationReport report = validate(idp.response().audience("https://other-sp.example").build());
            assertRejected(report, SamlErrorCode.INVALID_AUDIENCE);
            assertThat(report.checks().get(report.checks().size() - 1).detail()).contains("https://other-sp.example");
        }

        @Test
        void validateWhenSeveralAudiencesIncludingUsThenAccepted() {
            assertAccepted(validate(idp.response().audience("https://other-sp.example", SP.entityId()).build()));
        }

        @Test
        void validateWhenIssueInstantTooOldThenIssueInstantTooOld() {
            assertRejected(validate(idp.response().issueInstant(NOW.minus(Duration.ofMinutes(10))).build()),
                    SamlErrorCode.ISSUE_INSTANT_TOO_OLD);
        }

        @Test
        void validateWhenIssueInstantInFutureBeyondSkewThenIssueInstantInFuture() {
            assertRejected(validate(idp.response().issueInstant(NOW.plus(Duration.ofMinutes(3)))
                    .notBefore(NOW).notOnOrAfter(NOW.plus(Duration.ofMinutes(5))).build()),
                    SamlErrorCode.ISSUE_INSTANT_IN_FUTURE);
        }

        @Test
        void validateWhenAssertionNotOnOrAfterDiffersThenPrincipalKeepsTheLatest() {
            SamlPrincipal principal = assertAccepted(validate(idp.response()
                    .conditionsNotOnOrAfter(NOW.plus(Duration.ofMinutes(30))).build()));
            assertThat(principal.assertionNotOnOrAfter()).isEqualTo(NOW.plus(Duration.ofMinutes(30)));
        }
    }

    @Nested
    class Step10AuthnAndNameId {

        @Test
        void validateWhenAuthnStatementMissingThenAuthnStatementMissing() {
            assertRejected(validate(idp.response().withoutAuthnStatement().build()), SamlErrorCode.AUTHN_STATEMENT_MISSING);
        }

        @Test
        void validateWhenNameIdMissingThenNameIdMissing() {
            assertRejected(validate(idp.response().withoutNameId().build()), SamlErrorCode.NAME_ID_MISSING);
        }

        @Test
        void validateWhenNameIdBlankThenNameIdMissing() {
            assertRejected(validate(idp.response().nameId("  ").build()), SamlErrorCode.NAME_ID_MISSING);
        }

        @Test
        void validateWhenCommentInjectedIntoNameIdThenWholeValueIsRead() {
            String signed = idp.response().nameId("user@evil.com.example.com").build();
            String xml = new String(Base64.getDecoder().decode(signed), StandardCharsets.UTF_8);
            String injected = xml.replace("user@evil.com.example.com", "user@evil.com<!---->.example.com");
            assertThat(injected).contains("<!---->");
            SamlPrincipal principal = assertAccepted(validate(TestIdp.encode(injected)));
            assertThat(principal.nameId()).isEqualTo("user@evil.com.example.com");
            assertThat(principal.email()).isEqualTo("user@evil.com.example.com");
        }

        @Test
        void validateWhenCommentInjectedIntoAttributeThenWholeValueIsRead() {
            String signed = idp.response().nameId("ada").attribute("email", "user@evil.com.example.com").build();
            String xml = new String(Base64.getDecoder().decode(signed), StandardCharsets.UTF_8);
            String injected = xml.replace("user@evil.com.example.com", "user@evil.com<!-- x -->.example.com");
            SamlPrincipal principal = assertAccepted(validate(TestIdp.encode(injected)));
            assertThat(principal.email()).isEqualTo("user@evil.com.example.com");
        }

        @Test
        void validateWhenNameIdIsNotAnEmailAndNoEmailAttributeThenEmailNullAndDisplayNameIsNameId() {
            SamlPrincipal principal = assertAccepted(validate(idp.response().nameId("ada").nameIdFormat(null).build()));
            assertThat(principal.email()).isNull();
            assertThat(principal.displayName()).isEqualTo("ada");
            assertThat(principal.nameIdFormat()).isEqualTo("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified");
        }
    }

    @Nested
    class Step12EncryptedAssertion {

        IdpTrust encryptionEnabled() {
            return new IdpTrust(idp.entityId(), List.of(idp.credentials().certificate()), true,
                    spEncryption.privateKey(), spEncryption.certificate());
        }

        @Test
        void validateWhenEncryptedAndEnabledAndResponseSignedThenAccepted() {
            String response = idp.response().shape(IdpShape.KEYCLOAK).encryptFor(spEncryption.certificate()).build();
            ValidationReport report = validator.validate(response, SP, encryptionEnabled(), Optional.empty());
            SamlPrincipal principal = assertAccepted(report);
            assertThat(principal.email()).isEqualTo("ada@example.com");
            assertThat(principal.attributeValues("Role")).containsExactly("Admin", "Engineer");
            assertThat(report.checks()).extracting(CheckResult::step).contains("decryption", "assertion_signature");
        }

        @Test
        void validateWhenEncryptedAndNotEnabledThenEncryptedAssertionNotAllowed() {
            String response = idp.response().encryptFor(spEncryption.certificate()).build();
            assertRejected(validate(response), SamlErrorCode.ENCRYPTED_ASSERTION_NOT_ALLOWED);
        }

        @Test
        void validateWhenEncryptedButResponseUnsignedThenSignatureMissing() {
            String response = idp.response().signResponse(false).encryptFor(spEncryption.certificate()).build();
            assertRejected(validator.validate(response, SP, encryptionEnabled(), Optional.empty()),
                    SamlErrorCode.SIGNATURE_MISSING);
        }

        @Test
        void validateWhenEncryptedForAnotherKeyThenDecryptionFailed() {
            TestCredentials otherSp = TestCredentials.rsa("other-sp.example.test", 2048);
            String response = idp.response().encryptFor(otherSp.certificate()).build();
            assertRejected(validator.validate(response, SP, encryptionEnabled(), Optional.empty()),
                    SamlErrorCode.DECRYPTION_FAILED);
        }
    }
}
