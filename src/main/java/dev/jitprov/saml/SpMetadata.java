package dev.jitprov.saml;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * Renders this SP's metadata for an administrator to upload to the IdP. Plain text templating (no OpenSAML
 * marshalling) so it is cheap and deterministic; every value is XML-escaped.
 */
public final class SpMetadata {

    private SpMetadata() {
    }

    /**
     * @param sp                   entity ID and ACS URL
     * @param encryptionCertOrNull the SP certificate IdPs should encrypt assertions to, or {@code null}
     */
    public static String render(SpSettings sp, X509Certificate encryptionCertOrNull) {
        return render(sp, java.util.List.of(), null, encryptionCertOrNull);
    }

    /**
     * @param signing the SP's signing certificates (the active one, and the next one during a rollover; issue 19)
     * @param sloUrl  this workspace's Single Logout URL (HTTP-Redirect and HTTP-POST), or {@code null}
     */
    public static String render(SpSettings sp, java.util.List<X509Certificate> signing, String sloUrl, X509Certificate encryptionCertOrNull) {
        StringBuilder xml = new StringBuilder(1024);
        xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"")
                .append(escape(sp.entityId())).append("\">\n")
                .append("  <md:SPSSODescriptor AuthnRequestsSigned=\"").append(!signing.isEmpty()).append("\" WantAssertionsSigned=\"true\"")
                .append(" protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n");
        for (X509Certificate certificate : signing) {
            xml.append("    <md:KeyDescriptor use=\"signing\">\n")
                    .append("      <ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data><ds:X509Certificate>")
                    .append(base64(certificate))
                    .append("</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n")
                    .append("    </md:KeyDescriptor>\n");
        }
        if (encryptionCertOrNull != null) {
            xml.append("    <md:KeyDescriptor use=\"encryption\">\n")
                    .append("      <ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data><ds:X509Certificate>")
                    .append(base64(encryptionCertOrNull))
                    .append("</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n")
                    .append("      <md:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"/>\n")
                    .append("      <md:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes256-cbc\"/>\n")
                    .append("      <md:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p\"/>\n")
                    .append("    </md:KeyDescriptor>\n");
        }
        if (sloUrl != null) {
            xml.append("    <md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"")
                    .append(escape(sloUrl)).append("\"/>\n")
                    .append("    <md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"")
                    .append(escape(sloUrl)).append("\"/>\n");
        }
        xml.append("    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>\n")
                .append("    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>\n")
                .append("    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>\n")
                .append("    <md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\"")
                .append(" Location=\"").append(escape(sp.acsUrl())).append("\" index=\"0\" isDefault=\"true\"/>\n")
                .append("  </md:SPSSODescriptor>\n")
                .append("</md:EntityDescriptor>\n");
        return xml.toString();
    }

    private static String base64(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        }
    }

    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
