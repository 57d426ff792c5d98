package dev.jitprov.saml;

/**
 * Makes attacker-controlled values (ids, issuers, offending values) safe for logs and the inspector:
 * control characters are replaced (no forged log lines) and length is capped.
 */
final class SafeText {

    private static final int MAX = 200;

    private SafeText() {
    }

    static String of(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX + 1));
        for (int i = 0; i < value.length() && out.length() < MAX; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        if (value.length() > MAX) {
            out.append('…');
        }
        return out.toString();
    }

    static String quoted(String value) {
        return value == null ? "(absent)" : "'" + of(value) + "'";
    }
}
