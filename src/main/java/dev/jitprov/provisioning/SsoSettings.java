package dev.jitprov.provisioning;

import java.util.List;

/**
 * The IdP side of a workspace's SAML configuration. {@code ssoUrl} and {@code sloUrl} are nullable.
 *
 * @param certificatesPem one or more IdP signing certificates (several during a rollover)
 */
public record SsoSettings(
        String idpEntityId,
        List<String> certificatesPem,
        String ssoUrl,
        String sloUrl,
        boolean active,
        boolean encryptedAssertions,
        boolean aesCbcAllowed) {

    public SsoSettings {
        certificatesPem = certificatesPem == null ? List.of() : List.copyOf(certificatesPem);
    }

    /** Without AES-CBC: encrypted assertions, when on, must use AES-GCM (issue 19). */
    public SsoSettings(String idpEntityId, List<String> certificatesPem, String ssoUrl, String sloUrl, boolean active,
            boolean encryptedAssertions) {
        this(idpEntityId, certificatesPem, ssoUrl, sloUrl, active, encryptedAssertions, false);
    }
}
