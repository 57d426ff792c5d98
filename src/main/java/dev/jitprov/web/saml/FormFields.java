package dev.jitprov.web.saml;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The fields of an {@code application/x-www-form-urlencoded} body the ACS reads (SAMLResponse, RelayState), decoded
 * without the framework's form parser: that one rebuilt each ~10 KB SAMLResponse char by char and was ~7 % of the
 * service's Java CPU per sign-in (scripts/sign-in-cost.sh, issue 20). A value without escapes is a substring; escapes
 * are decoded as UTF-8 bytes. The first occurrence of a field wins, as with {@code @FormParam}.
 */
final class FormFields {

    private FormFields() {
    }

    /** @throws IllegalArgumentException for a malformed escape ({@code %} not followed by two hex digits) */
    static Map<String, String> parse(String body, Set<String> wanted) {
        Map<String, String> fields = new HashMap<>(4);
        if (body == null) {
            return fields;
        }
        int start = 0;
        int length = body.length();
        while (start <= length) {
            int end = body.indexOf('&', start);
            if (end < 0) {
                end = length;
            }
            int equals = body.indexOf('=', start);
            if (equals > start && equals < end) {
                String name = decode(body, start, equals);
                if (wanted.contains(name) && !fields.containsKey(name)) {
                    fields.put(name, decode(body, equals + 1, end));
                }
            }
            start = end + 1;
        }
        return fields;
    }

    static String decode(String s, int from, int to) {
        int i = from;
        while (i < to && s.charAt(i) != '%' && s.charAt(i) != '+') {
            i++;
        }
        if (i == to) {
            return s.substring(from, to);
        }
        // into a plain array: a ~10 KB SAMLResponse is escaped throughout (%2B, %2F, %3D), and a stream's
        // synchronized write per byte showed in the sign-in's profile (issue 20)
        byte[] bytes = new byte[to - from];
        int n = 0;
        for (int j = from; j < to; j++) {
            char c = s.charAt(j);
            if (c == '+') {
                bytes[n++] = ' ';
            } else if (c == '%') {
                if (j + 2 >= to) {
                    throw new IllegalArgumentException("incomplete escape at the end of a form field");
                }
                int high = Character.digit(s.charAt(j + 1), 16);
                int low = Character.digit(s.charAt(j + 2), 16);
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("malformed escape in a form field");
                }
                bytes[n++] = (byte) (high * 16 + low);
                j += 2;
            } else if (c < 0x80) {
                bytes[n++] = (byte) c;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (n + encoded.length > bytes.length) {
                    bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, n + encoded.length));
                }
                System.arraycopy(encoded, 0, bytes, n, encoded.length);
                n += encoded.length;
            }
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
