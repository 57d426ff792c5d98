package dev.jitprov.support;

import dev.jitprov.stack.TestStack;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.util.Arrays;
import java.util.List;

/** The mails the test SMTP server (GreenMail) received. */
public final class Mails {

    private Mails() {
    }

    /** Mails to {@code recipient} whose subject starts with {@code subjectPrefix}. */
    public static List<MimeMessage> to(String recipient, String subjectPrefix) {
        return Arrays.stream(TestStack.smtp().getReceivedMessages()).filter(m -> {
            try {
                Address[] to = m.getAllRecipients();
                return to != null && Arrays.stream(to).anyMatch(a -> a.toString().equalsIgnoreCase(recipient))
                        && m.getSubject() != null && m.getSubject().startsWith(subjectPrefix);
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** The recipients of the mails whose subject starts with {@code subjectPrefix}, in one pass over the inbox. */
    public static java.util.Set<String> recipientsOf(String subjectPrefix) {
        java.util.Set<String> recipients = new java.util.HashSet<>();
        for (MimeMessage m : TestStack.smtp().getReceivedMessages()) {
            try {
                Address[] to = m.getAllRecipients();
                if (to != null && m.getSubject() != null && m.getSubject().startsWith(subjectPrefix)) {
                    Arrays.stream(to).forEach(a -> recipients.add(a.toString().toLowerCase(java.util.Locale.ROOT)));
                }
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return recipients;
    }
}
