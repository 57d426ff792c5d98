package dev.jitprov.saml;

import java.util.HashMap;
import java.util.Map;

import javax.xml.XMLConstants;

import net.shibboleth.utilities.java.support.component.ComponentInitializationException;
import net.shibboleth.utilities.java.support.xml.BasicParserPool;
import net.shibboleth.utilities.java.support.xml.ParserPool;
import org.opensaml.core.config.InitializationException;
import org.opensaml.core.config.InitializationService;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;

/**
 * One-time OpenSAML initialisation plus the hardened XML parser every SAML input goes through.
 *
 * <p>{@link InitializationService#initialize()} loads every OpenSAML module found by the ServiceLoader and
 * takes several seconds, so it runs once per JVM. Call {@link #ensureInitialized()} at startup (it is
 * idempotent and thread-safe) so the first SAML request does not pay for it.
 *
 * <p>The parser is the first line of defence against hostile XML:
 * <ul>
 * <li>DOCTYPE is refused outright: SAML never needs a DTD, and a DTD is what XXE and "billion laughs"
 * entity expansion need.</li>
 * <li>comments are dropped and adjacent text nodes coalesced, so a comment injected into a signed value
 * ({@code user@evil.com<!---->.example.com}) cannot make a reader see only the first text node
 * ({@code user@evil.com}). Exclusive canonicalisation ignores comments, so the signature still verifies
 * and the value read is the whole string.</li>
 * <li>no XInclude, no entity reference expansion, no external entities, no DTD loading.</li>
 * </ul>
 */
public final class OpenSamlBootstrap {

    private static final Object LOCK = new Object();
    private static volatile BasicParserPool parserPool;

    private OpenSamlBootstrap() {
    }

    /** Initialises OpenSAML and installs the hardened parser pool, once. Safe to call from any thread. */
    public static void ensureInitialized() {
        if (parserPool != null) {
            return;
        }
        synchronized (LOCK) {
            if (parserPool != null) {
                return;
            }
            try {
                InitializationService.initialize();
            } catch (InitializationException e) {
                throw new IllegalStateException("OpenSAML initialisation failed", e);
            }
            BasicParserPool pool = newHardenedParserPool();
            XMLObjectProviderRegistrySupport.setParserPool(pool);
            parserPool = pool;
        }
    }

    /** The hardened parser pool (thread-safe); initialises OpenSAML if needed. */
    public static ParserPool parserPool() {
        ensureInitialized();
        return parserPool;
    }

    static BasicParserPool newHardenedParserPool() {
        BasicParserPool pool = new BasicParserPool();
        pool.setNamespaceAware(true);
        pool.setIgnoreComments(true);
        pool.setCoalescing(true);
        pool.setExpandEntityReferences(false);
        pool.setXincludeAware(false);
        pool.setDTDValidating(false);
        pool.setIgnoreElementContentWhitespace(false);
        Map<String, Boolean> features = new HashMap<>();
        features.put("http://apache.org/xml/features/disallow-doctype-decl", Boolean.TRUE);
        features.put("http://xml.org/sax/features/external-general-entities", Boolean.FALSE);
        features.put("http://xml.org/sax/features/external-parameter-entities", Boolean.FALSE);
        features.put("http://apache.org/xml/features/nonvalidating/load-external-dtd", Boolean.FALSE);
        features.put(XMLConstants.FEATURE_SECURE_PROCESSING, Boolean.TRUE);
        pool.setBuilderFeatures(features);
        pool.setEntityResolver((publicId, systemId) -> {
            throw new org.xml.sax.SAXException("external entities are not allowed");
        });
        try {
            pool.initialize();
        } catch (ComponentInitializationException e) {
            throw new IllegalStateException("cannot build the hardened XML parser", e);
        }
        return pool;
    }
}
