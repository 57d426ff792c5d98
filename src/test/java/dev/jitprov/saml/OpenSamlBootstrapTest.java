package dev.jitprov.saml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.w3c.dom.Document;

class OpenSamlBootstrapTest {

    @Test
    void ensureInitializedWhenCalledConcurrentlyThenOneHardenedPoolIsRegistered() {
        CompletableFuture<?>[] calls = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.runAsync(OpenSamlBootstrap::ensureInitialized))
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(calls).join();
        assertThat(XMLObjectProviderRegistrySupport.getParserPool()).isSameAs(OpenSamlBootstrap.parserPool());
    }

    @Test
    void parserPoolWhenCommentSplitsTextThenTextIsCoalescedWithoutComment() throws Exception {
        Document document = OpenSamlBootstrap.parserPool().parse(new ByteArrayInputStream(
                "<a>user@evil.com<!---->.example.com</a>".getBytes(StandardCharsets.UTF_8)));
        assertThat(document.getDocumentElement().getChildNodes().getLength()).isEqualTo(1);
        assertThat(document.getDocumentElement().getFirstChild().getNodeValue()).isEqualTo("user@evil.com.example.com");
    }

    @Test
    void parserPoolWhenDoctypeThenRefused() {
        assertThatThrownBy(() -> OpenSamlBootstrap.parserPool().parse(new ByteArrayInputStream(
                "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(net.shibboleth.utilities.java.support.xml.XMLParserException.class);
    }
}
