package dev.jitprov.bench;

import dev.jitprov.saml.SamlResponseBuilder;
import dev.jitprov.saml.SpSettings;
import dev.jitprov.saml.TestIdp;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Pre-signed responses for the benchmarks: signing takes ~20 ms each, so they are signed before the timed part,
 * on every core. Each is a realistic size (e-mail, names, department attributes), Response
 * and Assertion signed (RSA-SHA256), for a distinct user unless the caller repeats e-mails, with its own
 * assertion ID. (The fixtures' Okta-shaped signed Response is already ~7-8 KB with these attributes: the
 * two signatures with their certificates are ~4 KB of it.) {@code validFor} stretches NotOnOrAfter so a batch signed before a long warm-up is still valid.
 */
final class Responses {

    private Responses() {
    }

    static List<String> sign(TestIdp idp, SpSettings sp, List<String> emails, Duration validFor, String... roles) {
        return sign(emails, email -> {
            Instant now = Instant.now();
            SamlResponseBuilder builder = idp.response().to(sp).nameId(email)
                    .notOnOrAfter(now.plus(validFor)).conditionsNotOnOrAfter(now.plus(validFor))
                    .attribute("email", email)
                    .attribute("firstName", "Ada")
                    .attribute("lastName", "Lovelace-" + email.hashCode())
                    .attribute("department", "Research and Development");
            if (roles.length > 0) {
                builder.attribute("role", roles);
            }
            return builder.build();
        });
    }

    private static List<String> sign(List<String> emails, Function<String, String> one) {
        // OpenSAML finds its signer through ServiceLoader with the thread's context class loader; common-pool threads
        // carry the system loader under exec:java, so hand them this thread's (the harness classpath).
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return emails.parallelStream().map(email -> {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                return one.apply(email);
            } finally {
                thread.setContextClassLoader(previous);
            }
        }).toList();
    }

    static List<String> emails(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i + "@example.com").toList();
    }

    static int xmlBytes(String base64) {
        return java.util.Base64.getMimeDecoder().decode(base64).length;
    }
}
