package dev.jitprov.notification;

import io.quarkus.mailer.MailTemplate.MailTemplateInstance;
import io.quarkus.qute.CheckedTemplate;

/**
 * Type-safe mail templates: {@code templates/AdminMails/<name>.html} and {@code .txt} are the HTML and text parts
 * of one mail; a parameter missing from a template fails the build, not a send.
 */
@CheckedTemplate(basePath = "AdminMails")
public class AdminMails {

    private AdminMails() {
    }

    public static native MailTemplateInstance jitEnabled(String workspace, String actor, String defaultRole, boolean deleteAtSessionEnd, String at);

    public static native MailTemplateInstance jitDisabled(String workspace, String actor, String at);

    public static native MailTemplateInstance jitUpdated(String workspace, String actor, String defaultRole, String changed, String at);

    /** Members created by JIT in one window or one day: {@code count} in all, the first of them listed, {@code more} not. */
    public static native MailTemplateInstance memberSummary(String workspace, int count, java.util.List<DigestEntry> members, int more,
                                                            String link, boolean digest, String method);

    public static native MailTemplateInstance twoFactorLocked(String workspace, String member, int failures, String until, String at);

    /** {@code scim}: created by the IdP through SCIM (issue 18), not at a first sign-in. */
    public static native MailTemplateInstance memberProvisioned(String workspace, String email, String role, boolean temporary, String at,
                                                                String link, boolean scim);
}
