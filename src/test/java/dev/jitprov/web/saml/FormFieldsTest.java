package dev.jitprov.web.saml;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ACS's own form decoding (issue 20) reads what a browser's form post sends, as {@code @FormParam} did. */
class FormFieldsTest {

    private static final Set<String> FIELDS = Set.of("SAMLResponse", "RelayState");

    @Test
    void decodesWhatABrowserEncodesAndKeepsTheFirstOccurrence() {
        String response = "PHNhbWxwOlJlc3BvbnNl+/abc==";
        String relay = "/console?tab=members&x=ä é";
        String body = "SAMLResponse=" + URLEncoder.encode(response, StandardCharsets.UTF_8) + "&RelayState="
                + URLEncoder.encode(relay, StandardCharsets.UTF_8) + "&SAMLResponse=second&other=1";

        assertThat(FormFields.parse(body, FIELDS)).containsEntry("SAMLResponse", response).containsEntry("RelayState", relay).hasSize(2);
    }

    @Test
    void aValueWithoutEscapesIsTakenAsItIsAndMissingOrEmptyFieldsAreTolerated() {
        assertThat(FormFields.parse("SAMLResponse=abc", FIELDS)).containsEntry("SAMLResponse", "abc");
        assertThat(FormFields.parse("RelayState=&=x&&SAMLResponse", FIELDS)).containsEntry("RelayState", "").doesNotContainKey("SAMLResponse");
        assertThat(FormFields.parse("", FIELDS)).isEmpty();
        assertThat(FormFields.parse(null, FIELDS)).isEmpty();
    }

    @Test
    void aMalformedEscapeIsRefused() {
        assertThatThrownBy(() -> FormFields.parse("SAMLResponse=ab%2", FIELDS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FormFields.parse("SAMLResponse=ab%zz", FIELDS)).isInstanceOf(IllegalArgumentException.class);
    }
}
