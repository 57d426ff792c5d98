package dev.jitprov.saml;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * The SAML HTTP-Redirect binding (Bindings §3.4) for the messages this SP sends (AuthnRequest, LogoutRequest,
 * LogoutResponse): the XML DEFLATE-compressed and base64-encoded in {@code SAMLRequest} or {@code SAMLResponse}, then
 * {@code RelayState}, {@code SigAlg}, and an RSA-SHA256 {@code Signature} over exactly those parameters as URL-encoded.
 */
final class RedirectBinding {

    static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

    private RedirectBinding() {
    }

    /** {@code url} with the signed message in its query. */
    static String signedUrl(String url, String parameter, String xml, String relayState, PrivateKey key) {
        StringBuilder query = new StringBuilder(parameter).append('=').append(encode(deflated(xml)));
        if (relayState != null && !relayState.isBlank()) {
            query.append("&RelayState=").append(encode(relayState));
        }
        query.append("&SigAlg=").append(encode(RSA_SHA256));
        try {
            java.security.Signature signer = java.security.Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(query.toString().getBytes(StandardCharsets.UTF_8));
            query.append("&Signature=").append(encode(Base64.getEncoder().encodeToString(signer.sign())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the " + parameter, e);
        }
        return url + (url.contains("?") ? "&" : "?") + query;
    }

    private static String deflated(String xml) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, new Deflater(Deflater.DEFLATED, true))) {
            out.write(xml.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
