package dev.jitprov.saml;

/**
 * One step of the pipeline as shown to administrators by the inspector.
 *
 * @param step   stable step name, e.g. {@code "response_signature"}
 * @param passed whether the step passed
 * @param error  the error code, {@code null} if passed
 * @param detail ids, issuer, or the offending value of a failed check; never assertion content
 */
public record CheckResult(String step, boolean passed, SamlErrorCode error, String detail) {

    public static CheckResult pass(String step, String detail) {
        return new CheckResult(step, true, null, detail);
    }

    public static CheckResult fail(String step, SamlErrorCode error, String detail) {
        return new CheckResult(step, false, error, detail);
    }
}
