package dev.jitprov.saml;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Response;
import org.w3c.dom.Document;

/**
 * The SAML Response acceptance pipeline of SPEC §4 (steps 1–10 and 12; step 11, replay, belongs to the caller's
 * shared cache keyed by {@link SamlPrincipal#assertionId()} until {@link SamlPrincipal#assertionNotOnOrAfter()}).
 *
 * <p>Fails closed: the steps run in a fixed order, the first failure stops the pipeline, and every failure has its
 * own {@link SamlErrorCode}. The {@link ValidationReport} lists each step run so an administrator can see which
 * one failed. Data is read only from the assertion whose signature (its own or the Response's) verified: step 3
 * guarantees the document holds a single assertion, and step 4 that each signature covers the element read.
 *
 * <p>Thread-safe and stateless apart from its clock and policy: share one instance. Construction initialises
 * OpenSAML (seconds, once per JVM).
 */
public final class SamlResponseValidator {

    private static final Logger LOG = Logger.getLogger(SamlResponseValidator.class);

    private final Clock clock;
    private final SamlPolicy policy;

    public SamlResponseValidator(Clock clock, SamlPolicy policy) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
        OpenSamlBootstrap.ensureInitialized();
    }

    /**
     * Validates a {@code SAMLResponse} form field.
     *
     * @param samlResponseBase64   the field as posted (base64, line breaks tolerated)
     * @param sp                   this workspace as SP
     * @param idp                  the workspace's trusted IdP
     * @param expectedInResponseTo the ID of the AuthnRequest this browser was sent with, or empty for IdP-initiated
     * @return the report; {@link ValidationReport#accepted()} tells whether the principal may sign in (after the
     *         caller's replay check)
     */
    public ValidationReport validate(String samlResponseBase64, SpSettings sp, IdpTrust idp,
            Optional<String> expectedInResponseTo) {
        Run run = new Run();
        try {
            return run.execute(samlResponseBase64, sp, idp, expectedInResponseTo);
        } catch (CheckFailure failure) {
            return run.reject(failure.error());
        }
    }

    /** One validation: the mutable state of a single call, never shared between threads. */
    private final class Run {
        private final List<CheckResult> checks = new ArrayList<>();
        private final Instant now = clock.instant();
        private String responseId;
        private String issuer;

        ValidationReport execute(String base64, SpSettings sp, IdpTrust idp, Optional<String> expectedInResponseTo)
                throws CheckFailure {
            step("body_size", SamlErrorCode.BODY_TOO_LARGE, () -> {
                XmlInput.checkSize(base64, policy.maxBodyBytes());
                return base64.length() + " characters";
            });
            byte[] xml = value("base64", SamlErrorCode.INVALID_BASE64, () -> XmlInput.decode(base64),
                    bytes -> bytes.length + " bytes");
            Document document = value("xml", SamlErrorCode.MALFORMED_XML, () -> XmlInput.parse(xml), d -> "well-formed");

            step("response", SamlErrorCode.MALFORMED_XML, () -> {
                responseId = ResponseChecks.response(document);
                issuer = ResponseChecks.issuerOf(document.getDocumentElement());
                return "Response " + SafeText.of(responseId) + ", Version 2.0, Status Success";
            });

            Response response = value("assertion_count", SamlErrorCode.MULTIPLE_ASSERTIONS, () -> {
                Response parsed = ResponseChecks.singleAssertion(document);
                if (parsed.getAssertions().size() == 1) {
                    Assertion plain = parsed.getAssertions().get(0);
                    if (issuer == null && plain.getIssuer() != null) {
                        issuer = plain.getIssuer().getValue();
                    }
                    ResponseChecks.assertionBasics(plain);
                }
                return parsed;
            }, r -> r.getAssertions().isEmpty() ? "one EncryptedAssertion"
                    : "one Assertion " + SafeText.of(r.getAssertions().get(0).getID()));

            boolean encrypted = !response.getEncryptedAssertions().isEmpty();
            step("signature_present", SamlErrorCode.SIGNATURE_MISSING, () -> {
                boolean assertionSigned = !encrypted && response.getAssertions().get(0).isSigned();
                if (!response.isSigned() && encrypted) {
                    throw CheckFailure.of(SamlErrorCode.SIGNATURE_MISSING,
                            "an encrypted assertion requires a signed Response");
                }
                if (!response.isSigned() && !assertionSigned) {
                    throw CheckFailure.of(SamlErrorCode.SIGNATURE_MISSING, "neither Response nor Assertion is signed");
                }
                return "Response " + (response.isSigned() ? "signed" : "unsigned") + ", Assertion "
                        + (encrypted ? "encrypted" : assertionSigned ? "signed" : "unsigned");
            });
            if (response.isSigned()) {
                step("response_signature", SamlErrorCode.INVALID_SIGNATURE,
                        () -> SignatureChecks.verify(response, idp.signingCertificates()));
            }

            Assertion assertion;
            if (encrypted) {
                assertion = value("decryption", SamlErrorCode.DECRYPTION_FAILED, () -> {
                    Assertion decrypted = AssertionDecryption.decrypt(response.getEncryptedAssertions().get(0), idp);
                    if (decrypted.getDOM().getOwnerDocument()
                            .getElementsByTagNameNS(org.opensaml.saml.common.xml.SAMLConstants.SAML20_NS, "Assertion")
                            .getLength() != 1) {
                        throw CheckFailure.of(SamlErrorCode.MULTIPLE_ASSERTIONS, "decrypted content holds nested assertions");
                    }
                    ResponseChecks.assertionBasics(decrypted);
                    return decrypted;
                }, a -> "decrypted assertion " + SafeText.of(a.getID()));
            } else {
                assertion = response.getAssertions().get(0);
            }
            if (assertion.isSigned()) {
                step("assertion_signature", SamlErrorCode.INVALID_SIGNATURE,
                        () -> SignatureChecks.verify(assertion, idp.signingCertificates()));
            }

            step("issuer", SamlErrorCode.INVALID_ISSUER, () -> ResponseChecks.issuer(response, assertion, idp.entityId()));
            step("destination", SamlErrorCode.INVALID_DESTINATION, () -> ResponseChecks.destination(response, sp.acsUrl()));
            String inResponseTo = value("in_response_to", SamlErrorCode.IN_RESPONSE_TO_MISMATCH,
                    () -> Optional.ofNullable(ResponseChecks.inResponseTo(response, assertion, expectedInResponseTo)),
                    v -> v.map(x -> "InResponseTo " + SafeText.of(x)).orElse("unsolicited")).orElse(null);

            AssertionChecks assertionChecks = new AssertionChecks(now, policy.clockSkew());
            Instant confirmationNotOnOrAfter = value("subject_confirmation", SamlErrorCode.BEARER_CONFIRMATION_MISSING,
                    () -> assertionChecks.subjectConfirmation(assertion, sp.acsUrl()), t -> "bearer, valid until " + t);
            Optional<Instant> conditionsNotOnOrAfter = value("conditions", SamlErrorCode.CONDITIONS_MISSING,
                    () -> Optional.ofNullable(assertionChecks.conditions(assertion, sp.entityId())),
                    t -> "audience matches, valid until " + t.map(Instant::toString).orElse("(unbounded)"));
            step("issue_instant", SamlErrorCode.ISSUE_INSTANT_TOO_OLD,
                    () -> assertionChecks.issueInstants(response, assertion, policy.maxIssueInstantAge()));
            step("authn_statement", SamlErrorCode.AUTHN_STATEMENT_MISSING, () -> AssertionChecks.authnStatement(assertion));
            String nameId = value("name_id", SamlErrorCode.NAME_ID_MISSING, () -> AssertionChecks.nameId(assertion),
                    v -> "present");

            Instant replayUntil = conditionsNotOnOrAfter.filter(c -> c.isAfter(confirmationNotOnOrAfter))
                    .orElse(confirmationNotOnOrAfter);
            SamlPrincipal principal = PrincipalMapper.map(response, assertion, nameId, inResponseTo, replayUntil);
            return new ValidationReport(responseId, SafeText.of(principal.issuer()), checks, principal, null);
        }

        ValidationReport reject(SamlErrorCode error) {
            LOG.infof("SAML response rejected: responseId=%s error=%s", SafeText.of(responseId), error.code());
            return new ValidationReport(SafeText.of(responseId), SafeText.of(issuer), checks, null, error);
        }

        private void step(String name, SamlErrorCode fallback, CheckedSupplier<String> check) throws CheckFailure {
            value(name, fallback, check, detail -> detail);
        }

        /**
         * Runs one step and records it. An unexpected exception inside a step fails the step with its fallback
         * code: hostile input must never turn into an accepted response or a 500.
         */
        private <T> T value(String name, SamlErrorCode fallback, CheckedSupplier<T> check,
                java.util.function.Function<T, String> detail) throws CheckFailure {
            T result;
            try {
                result = check.get();
            } catch (CheckFailure failure) {
                checks.add(CheckResult.fail(name, failure.error(), failure.detail()));
                throw failure;
            } catch (RuntimeException e) {
                LOG.debugf(e, "SAML step %s failed unexpectedly", name);
                checks.add(CheckResult.fail(name, fallback, "unexpected " + e.getClass().getSimpleName()));
                throw CheckFailure.of(fallback, "unexpected error");
            }
            checks.add(CheckResult.pass(name, detail.apply(result)));
            return result;
        }
    }

    @FunctionalInterface
    private interface CheckedSupplier<T> {
        T get() throws CheckFailure;
    }
}
