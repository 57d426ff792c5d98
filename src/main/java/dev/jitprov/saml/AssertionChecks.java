package dev.jitprov.saml;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Audience;
import org.opensaml.saml.saml2.core.AudienceRestriction;
import org.opensaml.saml.saml2.core.Conditions;
import org.opensaml.saml.saml2.core.NameID;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.opensaml.saml.saml2.core.SubjectConfirmationData;

/**
 * Steps 8, 9 and 10 on the verified assertion. OpenSAML 4.0.1 validates none of these by itself. Time comparisons
 * allow {@code skew} either way.
 */
final class AssertionChecks {

    private final Instant now;
    private final Duration skew;

    AssertionChecks(Instant now, Duration skew) {
        this.now = now;
        this.skew = skew;
    }

    /**
     * Step 8: a bearer SubjectConfirmation whose data names our ACS URL as Recipient and is within its time window.
     * If several bearer confirmations exist one valid is enough; otherwise the first one's problem is reported.
     *
     * @return the valid confirmation's NotOnOrAfter
     */
    Instant subjectConfirmation(Assertion assertion, String acsUrl) throws CheckFailure {
        if (assertion.getSubject() == null) {
            throw CheckFailure.of(SamlErrorCode.SUBJECT_MISSING, "Assertion has no Subject");
        }
        CheckFailure first = null;
        for (SubjectConfirmation confirmation : assertion.getSubject().getSubjectConfirmations()) {
            if (!SubjectConfirmation.METHOD_BEARER.equals(confirmation.getMethod())) {
                continue;
            }
            try {
                return bearer(confirmation.getSubjectConfirmationData(), acsUrl);
            } catch (CheckFailure failure) {
                first = first == null ? failure : first;
            }
        }
        throw first != null ? first
                : CheckFailure.of(SamlErrorCode.BEARER_CONFIRMATION_MISSING, "no bearer SubjectConfirmation");
    }

    private Instant bearer(SubjectConfirmationData data, String acsUrl) throws CheckFailure {
        if (data == null) {
            throw CheckFailure.of(SamlErrorCode.BEARER_CONFIRMATION_MISSING, "bearer SubjectConfirmation has no data");
        }
        if (!acsUrl.equals(data.getRecipient())) {
            throw CheckFailure.of(SamlErrorCode.INVALID_RECIPIENT, "Recipient " + SafeText.quoted(data.getRecipient()));
        }
        if (data.getNotOnOrAfter() == null) {
            throw CheckFailure.of(SamlErrorCode.SUBJECT_CONFIRMATION_EXPIRED,
                    "bearer SubjectConfirmationData has no NotOnOrAfter");
        }
        if (expired(data.getNotOnOrAfter())) {
            throw CheckFailure.of(SamlErrorCode.SUBJECT_CONFIRMATION_EXPIRED, "NotOnOrAfter " + data.getNotOnOrAfter());
        }
        if (data.getNotBefore() != null && notYetValid(data.getNotBefore())) {
            throw CheckFailure.of(SamlErrorCode.SUBJECT_CONFIRMATION_NOT_YET_VALID, "NotBefore " + data.getNotBefore());
        }
        return data.getNotOnOrAfter();
    }

    /**
     * Step 9a: Conditions time window and audience. Every AudienceRestriction must name us (SAML core 2.5.1.4:
     * each restriction must be satisfied).
     *
     * @return Conditions NotOnOrAfter or {@code null}
     */
    Instant conditions(Assertion assertion, String spEntityId) throws CheckFailure {
        Conditions conditions = assertion.getConditions();
        if (conditions == null) {
            throw CheckFailure.of(SamlErrorCode.CONDITIONS_MISSING, "Assertion has no Conditions");
        }
        if (conditions.getNotBefore() != null && notYetValid(conditions.getNotBefore())) {
            throw CheckFailure.of(SamlErrorCode.ASSERTION_NOT_YET_VALID, "NotBefore " + conditions.getNotBefore());
        }
        if (conditions.getNotOnOrAfter() != null && expired(conditions.getNotOnOrAfter())) {
            throw CheckFailure.of(SamlErrorCode.ASSERTION_EXPIRED, "NotOnOrAfter " + conditions.getNotOnOrAfter());
        }
        List<AudienceRestriction> restrictions = conditions.getAudienceRestrictions();
        if (restrictions.isEmpty()) {
            throw CheckFailure.of(SamlErrorCode.AUDIENCE_MISSING, "no AudienceRestriction");
        }
        for (AudienceRestriction restriction : restrictions) {
            List<String> audiences = restriction.getAudiences().stream().map(Audience::getURI).toList();
            if (audiences.isEmpty()) {
                throw CheckFailure.of(SamlErrorCode.AUDIENCE_MISSING, "empty AudienceRestriction");
            }
            if (!audiences.contains(spEntityId)) {
                throw CheckFailure.of(SamlErrorCode.INVALID_AUDIENCE,
                        "Audience " + SafeText.of(String.join(", ", audiences)) + " does not include this SP");
            }
        }
        return conditions.getNotOnOrAfter();
    }

    /** Step 9b: Response and Assertion IssueInstant are recent (bounds how long a stolen response is usable). */
    String issueInstants(Response response, Assertion assertion, Duration maxAge) throws CheckFailure {
        checkIssueInstant("Response", response.getIssueInstant(), maxAge);
        checkIssueInstant("Assertion", assertion.getIssueInstant(), maxAge);
        return "Assertion IssueInstant " + assertion.getIssueInstant();
    }

    private void checkIssueInstant(String what, Instant issueInstant, Duration maxAge) throws CheckFailure {
        if (issueInstant == null) {
            throw CheckFailure.of(SamlErrorCode.ISSUE_INSTANT_TOO_OLD, what + " has no IssueInstant");
        }
        if (issueInstant.isBefore(now.minus(maxAge).minus(skew))) {
            throw CheckFailure.of(SamlErrorCode.ISSUE_INSTANT_TOO_OLD, what + " IssueInstant " + issueInstant);
        }
        if (issueInstant.isAfter(now.plus(skew))) {
            throw CheckFailure.of(SamlErrorCode.ISSUE_INSTANT_IN_FUTURE, what + " IssueInstant " + issueInstant);
        }
    }

    /** Step 10a. */
    static String authnStatement(Assertion assertion) throws CheckFailure {
        if (assertion.getAuthnStatements().isEmpty()) {
            throw CheckFailure.of(SamlErrorCode.AUTHN_STATEMENT_MISSING, "Assertion has no AuthnStatement");
        }
        return assertion.getAuthnStatements().size() + " AuthnStatement(s)";
    }

    /**
     * Step 10b: the NameID text, read as the DOM text content of the whole element. The parser dropped comments and
     * coalesced text, so {@code user@evil.com<!---->.example.com} reads as the full string and not as the first
     * text node only.
     */
    static String nameId(Assertion assertion) throws CheckFailure {
        NameID nameId = assertion.getSubject() == null ? null : assertion.getSubject().getNameID();
        if (nameId == null) {
            throw CheckFailure.of(SamlErrorCode.NAME_ID_MISSING, "Subject has no NameID");
        }
        String value = Dom.text(nameId);
        if (value == null || value.isBlank()) {
            throw CheckFailure.of(SamlErrorCode.NAME_ID_MISSING, "NameID is empty");
        }
        return value.trim();
    }

    private boolean expired(Instant notOnOrAfter) {
        return !now.isBefore(notOnOrAfter.plus(skew));
    }

    private boolean notYetValid(Instant notBefore) {
        return now.plus(skew).isBefore(notBefore);
    }
}
