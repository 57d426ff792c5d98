package dev.jitprov.saml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** IdP metadata as Okta, Entra ID and Keycloak publish it, and the ways an upload can be unusable. */
class IdpMetadataParserTest {

    static TestCredentials current;
    static TestCredentials next;
    static TestCredentials weak;

    @BeforeAll
    static void setUp() {
        OpenSamlBootstrap.ensureInitialized();
        current = TestCredentials.rsa("idp.example.test", 2048);
        next = TestCredentials.rsa("idp.example.test-next", 2048);
        weak = TestCredentials.rsa("weak.example.test", 1024);
    }

    static String b64(X509Certificate certificate) {
        try {
            return Base64.getMimeEncoder().encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String keyDescriptor(String use, String certificateBase64) {
        return "<md:KeyDescriptor" + (use == null ? "" : " use=\"" + use + "\"") + ">"
                + "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data><ds:X509Certificate>"
                + certificateBase64 + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>";
    }

    static String okta(String keyDescriptors) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"http://www.okta.com/exk1abcd\">"
                + "<md:IDPSSODescriptor WantAuthnRequestsSigned=\"false\" protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
                + keyDescriptors
                + "<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>"
                + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://acme.okta.com/app/acme_jit/exk1abcd/sso/saml\"/>"
                + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://acme.okta.com/app/acme_jit/exk1abcd/sso/saml/post\"/>"
                + "</md:IDPSSODescriptor></md:EntityDescriptor>";
    }

    @Nested
    class WhenMetadataIsUsable {

        @Test
        void parseWhenOktaMetadataThenEntityIdCertificateAndPostSsoUrl() {
            IdpMetadata metadata = IdpMetadataParser.parse(okta(keyDescriptor("signing", b64(current.certificate()))));
            assertThat(metadata.entityId()).isEqualTo("http://www.okta.com/exk1abcd");
            assertThat(metadata.signingCertificates()).containsExactly(current.certificate());
            assertThat(metadata.ssoUrl()).isEqualTo("https://acme.okta.com/app/acme_jit/exk1abcd/sso/saml/post");
            assertThat(metadata.sloUrl()).isNull();
        }

        @Test
        void parseWhenEntraIdMetadataWithWsFedRolesAndTwoSigningKeysThenBothCertificates() {
            String xml = "<EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\" ID=\"_e1\""
                    + " entityID=\"https://sts.windows.net/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/\">"
                    + "<RoleDescriptor xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                    + " xmlns:fed=\"http://docs.oasis-open.org/wsfed/federation/200706\" xsi:type=\"fed:SecurityTokenServiceType\""
                    + " protocolSupportEnumeration=\"http://docs.oasis-open.org/wsfed/federation/200706\">"
                    + "<KeyDescriptor use=\"signing\"><KeyInfo xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><X509Data><X509Certificate>"
                    + b64(current.certificate()) + "</X509Certificate></X509Data></KeyInfo></KeyDescriptor>"
                    + "</RoleDescriptor>"
                    + "<IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
                    + "<KeyDescriptor use=\"signing\"><KeyInfo xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><X509Data><X509Certificate>"
                    + b64(current.certificate()) + "</X509Certificate></X509Data></KeyInfo></KeyDescriptor>"
                    + "<KeyDescriptor use=\"signing\"><KeyInfo xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><X509Data><X509Certificate>"
                    + b64(next.certificate()) + "</X509Certificate></X509Data></KeyInfo></KeyDescriptor>"
                    + "<SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\""
                    + " Location=\"https://login.microsoftonline.com/0f1e2d3c/saml2\"/>"
                    + "<SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\""
                    + " Location=\"https://login.microsoftonline.com/0f1e2d3c/saml2\"/>"
                    + "<SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\""
                    + " Location=\"https://login.microsoftonline.com/0f1e2d3c/saml2\"/>"
                    + "</IDPSSODescriptor></EntityDescriptor>";
            IdpMetadata metadata = IdpMetadataParser.parse(xml);
            assertThat(metadata.entityId()).isEqualTo("https://sts.windows.net/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/");
            assertThat(metadata.signingCertificates()).containsExactly(current.certificate(), next.certificate());
            assertThat(metadata.ssoUrl()).isEqualTo("https://login.microsoftonline.com/0f1e2d3c/saml2");
            assertThat(metadata.sloUrl()).isEqualTo("https://login.microsoftonline.com/0f1e2d3c/saml2");
        }

        @Test
        void parseWhenKeycloakEntitiesDescriptorWithKeyWithoutUseThenFirstIdp() {
            String xml = "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" Name=\"urn:keycloak\">"
                    + "<md:EntityDescriptor entityID=\"http://localhost:8180/realms/acme\">"
                    + "<md:IDPSSODescriptor WantAuthnRequestsSigned=\"true\" protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
                    + keyDescriptor(null, b64(current.certificate()))
                    + keyDescriptor("encryption", b64(next.certificate()))
                    + "<md:ArtifactResolutionService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:SOAP\""
                    + " Location=\"http://localhost:8180/realms/acme/protocol/saml/resolve\" index=\"0\"/>"
                    + "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\""
                    + " Location=\"http://localhost:8180/realms/acme/protocol/saml\"/>"
                    + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\""
                    + " Location=\"http://localhost:8180/realms/acme/protocol/saml\"/>"
                    + "</md:IDPSSODescriptor></md:EntityDescriptor></md:EntitiesDescriptor>";
            IdpMetadata metadata = IdpMetadataParser.parse(xml);
            assertThat(metadata.entityId()).isEqualTo("http://localhost:8180/realms/acme");
            assertThat(metadata.signingCertificates()).containsExactly(current.certificate());
            assertThat(metadata.ssoUrl()).isEqualTo("http://localhost:8180/realms/acme/protocol/saml");
            assertThat(metadata.sloUrl()).isEqualTo("http://localhost:8180/realms/acme/protocol/saml");
        }

        @Test
        void parseWhenOnlyRedirectSsoThenRedirectUrl() {
            String xml = okta(keyDescriptor("signing", b64(current.certificate())))
                    .replaceAll("<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\"[^>]*/>", "");
            assertThat(IdpMetadataParser.parse(xml).ssoUrl())
                    .isEqualTo("https://acme.okta.com/app/acme_jit/exk1abcd/sso/saml");
        }
    }

    @Nested
    class WhenMetadataIsUnusable {

        @Test
        void parseWhenNotXmlThenNotWellFormed() {
            assertThatThrownBy(() -> IdpMetadataParser.parse("<md:EntityDescriptor"))
                    .isInstanceOf(InvalidSamlConfigurationException.class).hasMessage("metadata is not well-formed XML");
        }

        @Test
        void parseWhenEmptyThenEmpty() {
            assertThatThrownBy(() -> IdpMetadataParser.parse(" "))
                    .isInstanceOf(InvalidSamlConfigurationException.class).hasMessage("metadata is empty");
        }

        @Test
        void parseWhenDoctypeThenRejected() {
            String xml = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                    + okta(keyDescriptor("signing", "&e;")).replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "");
            assertThatThrownBy(() -> IdpMetadataParser.parse(xml))
                    .isInstanceOf(InvalidSamlConfigurationException.class).hasMessage("metadata must not contain a DOCTYPE");
        }

        @Test
        void parseWhenSpMetadataThenNoIdpSsoDescriptor() {
            String xml = SpMetadata.render(TestIdp.DEFAULT_SP, null);
            assertThatThrownBy(() -> IdpMetadataParser.parse(xml))
                    .isInstanceOf(InvalidSamlConfigurationException.class).hasMessage("metadata has no IDPSSODescriptor");
        }

        @Test
        void parseWhenOtherRootElementThenNoEntityDescriptor() {
            assertThatThrownBy(() -> IdpMetadataParser.parse("<html><body>login</body></html>"))
                    .isInstanceOf(InvalidSamlConfigurationException.class).hasMessageContaining("EntityDescriptor");
        }

        @Test
        void parseWhenNoCertificateThenNoSigningCertificate() {
            assertThatThrownBy(() -> IdpMetadataParser.parse(okta("")))
                    .isInstanceOf(InvalidSamlConfigurationException.class).hasMessage("metadata has no signing certificate");
        }

        @Test
        void parseWhenOnlyEncryptionCertificateThenNoSigningCertificate() {
            assertThatThrownBy(() -> IdpMetadataParser.parse(okta(keyDescriptor("encryption", b64(current.certificate())))))
                    .isInstanceOf(InvalidSamlConfigurationException.class).hasMessage("metadata has no signing certificate");
        }

        @Test
        void parseWhenCertificateIsGarbageThenNotValidX509() {
            assertThatThrownBy(() -> IdpMetadataParser.parse(okta(keyDescriptor("signing", "TUlJQ2dhcmJhZ2U="))))
                    .isInstanceOf(InvalidSamlConfigurationException.class).hasMessage("certificate is not valid X.509");
        }

        @Test
        void parseWhenRsa1024CertificateThenWeakKey() {
            assertThatThrownBy(() -> IdpMetadataParser.parse(okta(keyDescriptor("signing", b64(weak.certificate())))))
                    .isInstanceOf(InvalidSamlConfigurationException.class)
                    .hasMessage("RSA key of 1024 bits is below the minimum 2048");
        }

        @Test
        void parseWhenNoSsoServiceThenNoSingleSignOnService() {
            String xml = okta(keyDescriptor("signing", b64(current.certificate())))
                    .replaceAll("<md:SingleSignOnService[^>]*/>", "");
            assertThatThrownBy(() -> IdpMetadataParser.parse(xml))
                    .isInstanceOf(InvalidSamlConfigurationException.class).hasMessageContaining("SingleSignOnService");
        }
    }

    @Nested
    class Certificates {

        @Test
        void parsePemWhenPemWithHeadersThenCertificate() {
            String pem = dev.jitprov.saml.Certificates.toPem(current.certificate());
            assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
            assertThat(dev.jitprov.saml.Certificates.parsePem(pem)).isEqualTo(current.certificate());
        }

        @Test
        void parsePemWhenBareBase64ThenCertificate() {
            assertThat(dev.jitprov.saml.Certificates.parsePem(b64(current.certificate()))).isEqualTo(current.certificate());
        }

        @Test
        void parsePemWhenEcKeyThenCertificate() {
            TestCredentials ec = TestCredentials.ec("ec.example.test");
            assertThat(dev.jitprov.saml.Certificates.parsePem(b64(ec.certificate()))).isEqualTo(ec.certificate());
        }

        @Test
        void parsePemWhenWeakKeyThenRejected() {
            assertThatThrownBy(() -> dev.jitprov.saml.Certificates.parsePem(b64(weak.certificate())))
                    .isInstanceOf(InvalidSamlConfigurationException.class)
                    .hasMessage("RSA key of 1024 bits is below the minimum 2048");
        }

        @Test
        void parsePemWhenGarbageThenRejected() {
            assertThatThrownBy(() -> dev.jitprov.saml.Certificates.parsePem("-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----"))
                    .isInstanceOf(InvalidSamlConfigurationException.class).hasMessage("certificate is not valid base64");
            assertThatThrownBy(() -> dev.jitprov.saml.Certificates.parsePem("aGVsbG8="))
                    .isInstanceOf(InvalidSamlConfigurationException.class).hasMessage("certificate is not valid X.509");
        }
    }
}
