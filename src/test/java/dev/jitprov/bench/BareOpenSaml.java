package dev.jitprov.bench;

import dev.jitprov.saml.OpenSamlBootstrap;
import net.shibboleth.utilities.java.support.xml.ParserPool;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.support.SignatureValidator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.io.ByteArrayInputStream;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The baseline of issues 3 and 10: what OpenSAML alone does with a signed Response, nothing else. Decode base64,
 * parse with the (hardened) parser pool, unmarshal, then for the Response signature and the Assertion signature
 * (the fixtures sign both, and our pipeline verifies both) the SAML signature profile check and
 * {@link SignatureValidator#validate} with the IdP's certificate. No issuer, audience, time or replay checks.
 */
final class BareOpenSaml {

    private final BasicX509Credential credential;
    private final ParserPool parserPool;

    BareOpenSaml(X509Certificate idpCertificate) {
        OpenSamlBootstrap.ensureInitialized();
        this.credential = new BasicX509Credential(idpCertificate);
        this.parserPool = OpenSamlBootstrap.parserPool();
    }

    /** Validates one base64 response; throws if it does not verify (so the loop cannot be optimised away). */
    void validate(String base64) {
        try {
            byte[] xml = Base64.getMimeDecoder().decode(base64);
            Document document = parserPool.parse(new ByteArrayInputStream(xml));
            Element root = document.getDocumentElement();
            Response response = (Response) XMLObjectProviderRegistrySupport.getUnmarshallerFactory().getUnmarshaller(root).unmarshall(root);
            SAMLSignatureProfileValidator profile = new SAMLSignatureProfileValidator();
            profile.validate(response.getSignature());
            SignatureValidator.validate(response.getSignature(), credential);
            var assertion = response.getAssertions().get(0);
            profile.validate(assertion.getSignature());
            SignatureValidator.validate(assertion.getSignature(), credential);
        } catch (Exception e) {
            throw new IllegalStateException("bare OpenSAML validation failed", e);
        }
    }

    /** Validates every response once with {@code threads} threads; returns responses per second. */
    static double rate(List<String> responses, int threads, Consumer<String> work) {
        if (threads == 1) {
            long start = System.nanoTime();
            responses.forEach(work);
            return responses.size() / ((System.nanoTime() - start) / 1e9);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            AtomicInteger next = new AtomicInteger();
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                workers.add(CompletableFuture.runAsync(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < responses.size()) {
                        work.accept(responses.get(i));
                    }
                }, pool));
            }
            workers.forEach(CompletableFuture::join);
            return responses.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
