package dev.jitprov.saml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class SpMetadataTest {

    static final String MD = "urn:oasis:names:tc:SAML:2.0:metadata";

    @BeforeAll
    static void setUp() {
        OpenSamlBootstrap.ensureInitialized();
    }

    static Document parse(String xml) throws Exception {
        return OpenSamlBootstrap.parserPool().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void renderWhenNoEncryptionCertificateThenSpDescriptorWithPostAcsAndNameIdFormats() throws Exception {
        Document document = parse(SpMetadata.render(TestIdp.DEFAULT_SP, null));
        Element root = document.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("EntityDescriptor");
        assertThat(root.getAttribute("entityID")).isEqualTo(TestIdp.DEFAULT_SP.entityId());
        Element sp = (Element) root.getElementsByTagNameNS(MD, "SPSSODescriptor").item(0);
        assertThat(sp.getAttribute("protocolSupportEnumeration")).isEqualTo("urn:oasis:names:tc:SAML:2.0:protocol");
        assertThat(sp.getAttribute("WantAssertionsSigned")).isEqualTo("true");
        Element acs = (Element) sp.getElementsByTagNameNS(MD, "AssertionConsumerService").item(0);
        assertThat(acs.getAttribute("Binding")).isEqualTo("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
        assertThat(acs.getAttribute("Location")).isEqualTo(TestIdp.DEFAULT_SP.acsUrl());
        assertThat(sp.getElementsByTagNameNS(MD, "NameIDFormat").getLength()).isEqualTo(3);
        assertThat(sp.getElementsByTagNameNS(MD, "KeyDescriptor").getLength()).isZero();
    }

    @Test
    void renderWhenEncryptionCertificateThenEncryptionKeyDescriptor() throws Exception {
        TestCredentials sp = TestCredentials.rsa("sp.example.test", 2048);
        Document document = parse(SpMetadata.render(TestIdp.DEFAULT_SP, sp.certificate()));
        Element key = (Element) document.getElementsByTagNameNS(MD, "KeyDescriptor").item(0);
        assertThat(key.getAttribute("use")).isEqualTo("encryption");
        String certificate = key.getElementsByTagNameNS("http://www.w3.org/2000/09/xmldsig#", "X509Certificate")
                .item(0).getTextContent();
        assertThat(Certificates.parsePem(certificate)).isEqualTo(sp.certificate());
    }

    @Test
    void renderWhenValuesContainXmlSpecialCharactersThenEscaped() throws Exception {
        SpSettings sp = new SpSettings("https://sp.example.test/saml?ws=a&b=\"c\"", "https://sp.example.test/acs?x=<1>");
        Element root = parse(SpMetadata.render(sp, null)).getDocumentElement();
        assertThat(root.getAttribute("entityID")).isEqualTo(sp.entityId());
        Element acs = (Element) root.getElementsByTagNameNS(MD, "AssertionConsumerService").item(0);
        assertThat(acs.getAttribute("Location")).isEqualTo(sp.acsUrl());
    }
}
