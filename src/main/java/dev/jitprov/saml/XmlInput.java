package dev.jitprov.saml;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import net.shibboleth.utilities.java.support.xml.XMLParserException;
import org.w3c.dom.Document;

/**
 * Step 1: size limit, base64, hardened parse. Everything here runs before any SAML logic sees the bytes.
 */
final class XmlInput {

    private XmlInput() {
    }

    /** The limit applies to the form field as received, so an oversized body is refused before any work. */
    static void checkSize(String samlResponseBase64, int maxBodyBytes) throws CheckFailure {
        if (samlResponseBase64 == null || samlResponseBase64.isEmpty()) {
            throw CheckFailure.of(SamlErrorCode.INVALID_BASE64, "SAMLResponse is empty");
        }
        if (samlResponseBase64.length() > maxBodyBytes) {
            throw CheckFailure.of(SamlErrorCode.BODY_TOO_LARGE,
                    samlResponseBase64.length() + " characters exceed the limit of " + maxBodyBytes);
        }
    }

    /**
     * Base64 decode tolerating line breaks and spaces (some IdPs wrap at 76 columns) but nothing else:
     * {@code Base64.getMimeDecoder()} would silently skip garbage characters, so whitespace is removed first and
     * the strict decoder rejects the rest.
     */
    static byte[] decode(String samlResponseBase64) throws CheckFailure {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(withoutWhitespace(samlResponseBase64));
        } catch (IllegalArgumentException e) {
            throw CheckFailure.of(SamlErrorCode.INVALID_BASE64, "not valid base64");
        }
        if (decoded.length == 0) {
            throw CheckFailure.of(SamlErrorCode.INVALID_BASE64, "decodes to nothing");
        }
        return decoded;
    }

    /**
     * Line breaks and blanks that some IdPs put into the base64 (it is folded at 76 columns by some), removed; the
     * string itself when it has none (the usual case: no copy, issue 20).
     */
    private static String withoutWhitespace(String base64) {
        int length = base64.length();
        int i = 0;
        while (i < length && !isWhitespace(base64.charAt(i))) {
            i++;
        }
        if (i == length) {
            return base64;
        }
        StringBuilder compact = new StringBuilder(length).append(base64, 0, i);
        for (; i < length; i++) {
            char c = base64.charAt(i);
            if (!isWhitespace(c)) {
                compact.append(c);
            }
        }
        return compact.toString();
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** Parses with the hardened pool only; a DOCTYPE gets its own code because it signals an attack (XXE). */
    static Document parse(byte[] xml) throws CheckFailure {
        try {
            return OpenSamlBootstrap.parserPool().parse(new ByteArrayInputStream(xml));
        } catch (XMLParserException e) {
            if (mentionsDoctype(e) || containsDoctype(xml)) {
                throw CheckFailure.of(SamlErrorCode.DOCTYPE_FORBIDDEN, "DOCTYPE is not allowed");
            }
            throw CheckFailure.of(SamlErrorCode.MALFORMED_XML, "not well-formed XML");
        }
    }

    private static boolean mentionsDoctype(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("DOCTYPE")) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsDoctype(byte[] xml) {
        return new String(xml, StandardCharsets.ISO_8859_1).contains("<!DOCTYPE");
    }
}
