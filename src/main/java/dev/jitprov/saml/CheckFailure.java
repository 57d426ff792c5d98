package dev.jitprov.saml;

/**
 * A failed check inside the pipeline: carries the error code and an admin-safe detail. Checked, so no step can
 * forget to handle it; no stack trace because it is control flow, not a bug.
 */
final class CheckFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final SamlErrorCode error;
    private final String detail;

    CheckFailure(SamlErrorCode error, String detail) {
        super(error.code() + ": " + detail, null, false, false);
        this.error = error;
        this.detail = detail;
    }

    SamlErrorCode error() {
        return error;
    }

    String detail() {
        return detail;
    }

    static CheckFailure of(SamlErrorCode error, String detail) {
        return new CheckFailure(error, detail);
    }
}
