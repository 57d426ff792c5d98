package dev.jitprov.saml;

/**
 * Why a SAML Response was rejected: one code per check of SPEC §4, in pipeline order. {@link #code()} is
 * stable (logs, metrics, API); {@link #message()} tells the user what to pass on to their administrator.
 */
public enum SamlErrorCode {
    BODY_TOO_LARGE("body_too_large", "The sign-in response is too large. Ask your administrator to reduce the attributes the identity provider sends."),
    INVALID_BASE64("invalid_base64", "The sign-in response is not valid base64. Ask your administrator to check the identity provider uses the HTTP-POST binding."),
    MALFORMED_XML("malformed_xml", "The sign-in response is not well-formed XML. Ask your administrator to check the identity provider."),
    DOCTYPE_FORBIDDEN("doctype_forbidden", "The sign-in response contains a DOCTYPE, which is not allowed. Ask your administrator to check the identity provider."),
    NOT_A_RESPONSE("not_a_response", "The message is not a SAML 2.0 Response. Ask your administrator to check the identity provider's ACS URL."),
    INVALID_VERSION("invalid_version", "The sign-in response is not SAML 2.0. Ask your administrator to configure the identity provider for SAML 2.0."),
    MISSING_RESPONSE_ID("missing_response_id", "The sign-in response has no ID. Ask your administrator to check the identity provider."),
    MISSING_ASSERTION_ID("missing_assertion_id", "The sign-in assertion has no ID. Ask your administrator to check the identity provider."),
    STATUS_NOT_SUCCESS("status_not_success", "The identity provider did not sign you in. Ask your administrator whether you are assigned to this application."),
    ASSERTION_MISSING("assertion_missing", "The sign-in response contains no assertion. Ask your administrator to check the identity provider."),
    MULTIPLE_ASSERTIONS("multiple_assertions", "The sign-in response contains more than one assertion, which is not accepted. Ask your administrator to check the identity provider."),
    ENCRYPTED_ASSERTION_NOT_ALLOWED("encrypted_assertion_not_allowed", "The identity provider encrypted the assertion but encryption is not enabled for this workspace. Ask your administrator to enable it or turn it off at the identity provider."),
    DECRYPTION_FAILED("decryption_failed", "The encrypted assertion could not be decrypted. Ask your administrator to check the encryption certificate configured at the identity provider."),
    SIGNATURE_MISSING("signature_missing", "The sign-in response is not signed. Ask your administrator to make the identity provider sign the response or the assertion."),
    SIGNATURE_PROFILE_INVALID("signature_profile_invalid", "The signature does not follow the SAML signature profile. Ask your administrator to check the identity provider."),
    SIGNATURE_ALGORITHM_FORBIDDEN("signature_algorithm_forbidden", "The identity provider signs with a weak algorithm (e.g. SHA-1). Ask your administrator to switch it to RSA-SHA256 or stronger."),
    WEAK_SIGNING_KEY("weak_signing_key", "The configured identity provider certificate has a key that is too weak. Ask your administrator to use an RSA key of at least 2048 bits."),
    INVALID_SIGNATURE("invalid_signature", "The signature could not be verified with the configured certificate. Ask your administrator to update the identity provider certificate."),
    INVALID_ISSUER("invalid_issuer", "The response comes from a different identity provider than the one configured. Ask your administrator to check the IdP entity ID."),
    INVALID_DESTINATION("invalid_destination", "The response was addressed to a different URL. Ask your administrator to check the ACS URL at the identity provider."),
    UNEXPECTED_IN_RESPONSE_TO("unexpected_in_response_to", "The response answers a sign-in request this service did not send. Please start the sign-in again."),
    IN_RESPONSE_TO_MISMATCH("in_response_to_mismatch", "The response answers a different sign-in request. Please start the sign-in again."),
    SUBJECT_MISSING("subject_missing", "The assertion names no user. Ask your administrator to check the identity provider."),
    BEARER_CONFIRMATION_MISSING("bearer_confirmation_missing", "The assertion has no bearer subject confirmation. Ask your administrator to check the identity provider."),
    INVALID_RECIPIENT("invalid_recipient", "The assertion was issued for a different URL. Ask your administrator to check the ACS URL at the identity provider."),
    SUBJECT_CONFIRMATION_EXPIRED("subject_confirmation_expired", "The sign-in response has expired. Please sign in again; if it persists ask your administrator to check clocks."),
    SUBJECT_CONFIRMATION_NOT_YET_VALID("subject_confirmation_not_yet_valid", "The sign-in response is not valid yet. Ask your administrator to check the identity provider's clock."),
    CONDITIONS_MISSING("conditions_missing", "The assertion has no conditions. Ask your administrator to check the identity provider."),
    ASSERTION_NOT_YET_VALID("assertion_not_yet_valid", "The assertion is not valid yet. Ask your administrator to check the identity provider's clock."),
    ASSERTION_EXPIRED("assertion_expired", "The assertion has expired. Please sign in again; if it persists ask your administrator to check clocks."),
    AUDIENCE_MISSING("audience_missing", "The assertion names no audience. Ask your administrator to set the audience (SP entity ID) at the identity provider."),
    INVALID_AUDIENCE("invalid_audience", "The assertion is meant for a different application. Ask your administrator to set this service's entity ID as the audience."),
    ISSUE_INSTANT_TOO_OLD("issue_instant_too_old", "The sign-in response is too old. Please sign in again."),
    ISSUE_INSTANT_IN_FUTURE("issue_instant_in_future", "The sign-in response is dated in the future. Ask your administrator to check the identity provider's clock."),
    AUTHN_STATEMENT_MISSING("authn_statement_missing", "The assertion does not say how you signed in. Ask your administrator to check the identity provider."),
    NAME_ID_MISSING("name_id_missing", "The assertion has no user identifier (NameID). Ask your administrator to configure a NameID at the identity provider."),
    REPLAYED_ASSERTION("replayed_assertion", "This sign-in response was already used. Please sign in again."),
    // Single Logout (issue 19)
    NOT_A_LOGOUT_REQUEST("not_a_logout_request", "The message is not a SAML 2.0 LogoutRequest. Ask your administrator to check the identity provider's logout URL."),
    REPLAYED_REQUEST("replayed_request", "This logout request was already used."),
    SLO_NOT_CONFIGURED("slo_not_configured", "Single sign-on is not configured for this workspace.");

    private final String code;
    private final String message;

    SamlErrorCode(String code, String message) {
        this.code = code;
        this.message = message;
    }

    /** Stable snake_case identifier. */
    public String code() {
        return code;
    }

    /** Short text for the end user. */
    public String message() {
        return message;
    }
}
