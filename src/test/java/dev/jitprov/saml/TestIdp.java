package dev.jitprov.saml;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;

import net.shibboleth.utilities.java.support.xml.SerializeSupport;
import org.w3c.dom.Node;

/**
 * An in-code SAML IdP for tests: its own RSA key and self-signed certificate, an entity ID and a clock. Build
 * responses with {@link #response()}:
 *
 * <pre>{@code
 * TestIdp idp = TestIdp.create("https://idp.example.test", clock);
 * String samlResponse = idp.response().to(sp).shape(IdpShape.OKTA).nameId("ada@example.com")
 *         .attribute("role", "Admin").build();           // base64, ready to POST as SAMLResponse
 * IdpTrust trust = idp.trust();                           // what the workspace must be configured with
 * }</pre>
 *
 * Creating an IdP generates a key (~0.1 s); building a signed response takes ~20 ms: share both where possible.
 * Thread-safe as long as each builder is used by one thread.
 */
public final class TestIdp {

    /** A default SP for tests that do not care. */
    public static final SpSettings DEFAULT_SP = new SpSettings("https://sp.example.test/saml/metadata",
            "https://sp.example.test/saml/acs");

    private final String entityId;
    private final TestCredentials credentials;
    private final Clock clock;

    private TestIdp(String entityId, TestCredentials credentials, Clock clock) {
        OpenSamlBootstrap.ensureInitialized();
        this.entityId = entityId;
        this.credentials = credentials;
        this.clock = clock;
    }

    /** IdP with a fresh RSA-2048 key. */
    public static TestIdp create(String entityId, Clock clock) {
        return new TestIdp(entityId, TestCredentials.rsa(hostOf(entityId), 2048), clock);
    }

    /** IdP with the given credentials (e.g. {@code TestCredentials.rsa(cn, 1024)}, or a second key for rollover). */
    public static TestIdp create(String entityId, TestCredentials credentials, Clock clock) {
        return new TestIdp(entityId, credentials, clock);
    }

    public String entityId() {
        return entityId;
    }

    public TestCredentials credentials() {
        return credentials;
    }

    public Clock clock() {
        return clock;
    }

    /** Workspace trust for this IdP: its entity ID and certificate, no encryption. */
    public IdpTrust trust() {
        return IdpTrust.of(entityId, List.of(credentials.certificate()));
    }

    /**
     * A builder for a Success response to {@link #DEFAULT_SP}, NameID {@code ada@example.com}, Response and
     * Assertion signed (RSA-SHA256, SHA-256, exclusive c14n, certificate in KeyInfo), valid for 5 minutes from now.
     */
    public SamlResponseBuilder response() {
        return new SamlResponseBuilder(this);
    }

    /** Base64 of the serialized node, as a browser would post it. */
    public static String encode(Node node) {
        return Base64.getEncoder().encodeToString(serialize(node).getBytes(StandardCharsets.UTF_8));
    }

    /** Serializes without pretty-printing (pretty-printing would break signatures). */
    public static String serialize(Node node) {
        return SerializeSupport.nodeToString(node);
    }

    /** Base64 of the given XML text. */
    public static String encode(String xml) {
        return Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
    }

    private static String hostOf(String entityId) {
        String host = entityId.replaceFirst("^[a-z]+://", "").replaceAll("[/:].*$", "");
        return host.isBlank() ? "test-idp" : host;
    }
}
