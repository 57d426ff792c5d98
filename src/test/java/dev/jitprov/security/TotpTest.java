package dev.jitprov.security;

import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** R14: the TOTP the service checks is RFC 6238's, and its secrets are sealed to their owner. */
class TotpTest {

    /** The RFC 6238 appendix B seed for HMAC-SHA1, as an authenticator app receives it (base32). */
    private static final String RFC_SECRET = new Base32().encodeToString("12345678901234567890".getBytes(StandardCharsets.US_ASCII));

    @ParameterizedTest
    @CsvSource({"59, 94287082", "1111111109, 07081804", "1111111111, 14050471", "1234567890, 89005924",
            "2000000000, 69279037", "20000000000, 65353130"})
    void r14_codesMatchTheRfc6238TestVectors(long unixTime, String eightDigits) {
        long step = Totp.step(Instant.ofEpochSecond(unixTime));
        // Six digits are the last six of the RFC's eight (the same truncated value modulo 10^6).
        assertThat(Totp.code(RFC_SECRET, step)).isEqualTo(eightDigits.substring(2));
        assertThat(Totp.matchingStep(RFC_SECRET, eightDigits.substring(2), Instant.ofEpochSecond(unixTime), 1)).hasValue(step);
    }

    @Test
    void r14_theWindowIsOneStepEitherSide() {
        String secret = Totp.newSecret();
        Instant now = Instant.ofEpochSecond(1_800_000_000L);
        long current = Totp.step(now);
        assertThat(Totp.matchingStep(secret, Totp.code(secret, current - 1), now, 1)).hasValue(current - 1);
        assertThat(Totp.matchingStep(secret, Totp.code(secret, current + 1), now, 1)).hasValue(current + 1);
        assertThat(Totp.matchingStep(secret, Totp.code(secret, current - 3), now, 1)).isEmpty();
        assertThat(Totp.matchingStep(secret, "12345", now, 1)).isEmpty();
        assertThat(Totp.matchingStep(secret, null, now, 1)).isEmpty();
    }

    @Test
    void r14_recoveryCodesAreTenDistinctAndNormalizeAsTyped() {
        var codes = Totp.newRecoveryCodes(10);
        assertThat(codes).hasSize(10).doesNotHaveDuplicates().allMatch(Totp::looksLikeRecoveryCode);
        String code = codes.get(0);
        assertThat(Totp.normalizeRecoveryCode(" " + code.toUpperCase() + " ")).isEqualTo(code.replace("-", ""));
    }

    @Test
    void r14_secretsAreEncryptedWithAesGcmAndBoundToTheirOwner() {
        SecretCipher cipher = new SecretCipher("dGVzdC1vbmx5LWtleS10ZXN0LW9ubHkta2V5LXRlc3Q=");
        String sealed = cipher.encrypt("JBSWY3DPEHPK3PXP", "ws\nalice");
        assertThat(sealed).startsWith("v1:").doesNotContain("JBSWY3DPEHPK3PXP");
        assertThat(cipher.encrypt("JBSWY3DPEHPK3PXP", "ws\nalice")).isNotEqualTo(sealed);
        assertThat(cipher.decrypt(sealed, "ws\nalice")).isEqualTo("JBSWY3DPEHPK3PXP");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "ws\nmallory")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SecretCipher("c2hvcnQ=")).isInstanceOf(IllegalStateException.class);
    }
}
