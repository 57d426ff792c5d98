package dev.jitprov.security;

import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.exceptions.CodeGenerationException;
import dev.samstevens.totp.exceptions.QrGenerationException;
import dev.samstevens.totp.qr.QrData;
import dev.samstevens.totp.qr.ZxingPngQrGenerator;
import dev.samstevens.totp.recovery.RecoveryCodeGenerator;
import dev.samstevens.totp.secret.DefaultSecretGenerator;
import dev.samstevens.totp.util.Utils;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * RFC 6238 TOTP through the dev.samstevens.totp library: HMAC-SHA1, 6 digits, 30-second steps (what every
 * authenticator app reads from an otpauth URI). Verification returns the matching time step, so the caller can
 * refuse a step it has already accepted (a code works once).
 */
public final class Totp {

    public static final int PERIOD_SECONDS = 30;
    public static final int DIGITS = 6;
    private static final DefaultCodeGenerator CODES = new DefaultCodeGenerator(HashingAlgorithm.SHA1, DIGITS);
    private static final DefaultSecretGenerator SECRETS = new DefaultSecretGenerator(32);
    private static final RecoveryCodeGenerator RECOVERY = new RecoveryCodeGenerator();

    private Totp() {
    }

    /** A new shared secret: 32 base32 characters (160 bits), from SecureRandom. */
    public static String newSecret() {
        return SECRETS.generate();
    }

    public static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), PERIOD_SECONDS);
    }

    /** The code of {@code secret} for time step {@code step}. */
    public static String code(String secret, long step) {
        try {
            return CODES.generate(secret, step);
        } catch (CodeGenerationException e) {
            throw new IllegalStateException("TOTP generation failed", e);
        }
    }

    /** The step within {@code window} steps of {@code now} whose code equals {@code code} (constant-time compare). */
    public static OptionalLong matchingStep(String secret, String code, Instant now, int window) {
        if (code == null || !code.matches("\\d{" + DIGITS + "}")) {
            return OptionalLong.empty();
        }
        long current = step(now);
        long found = Long.MIN_VALUE;
        for (long s = current - window; s <= current + window; s++) {
            if (MessageDigest.isEqual(code(secret, s).getBytes(StandardCharsets.US_ASCII), code.getBytes(StandardCharsets.US_ASCII))
                    && found == Long.MIN_VALUE) {
                found = s;
            }
        }
        return found == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(found);
    }

    public static QrData qrData(String issuer, String account, String secret) {
        return new QrData.Builder().issuer(issuer).label(issuer + ":" + account).secret(secret)
                .algorithm(HashingAlgorithm.SHA1).digits(DIGITS).period(PERIOD_SECONDS).build();
    }

    /** The otpauth URI as a PNG QR code in a data URI (ZXing); a few milliseconds of CPU. */
    public static String qrDataUri(QrData data) {
        try {
            ZxingPngQrGenerator generator = new ZxingPngQrGenerator();
            generator.setImageSize(240);
            return Utils.getDataUriForImage(generator.generate(data), generator.getImageMimeType());
        } catch (QrGenerationException e) {
            throw new IllegalStateException("QR code generation failed", e);
        }
    }

    /** One-time recovery codes {@code xxxx-xxxx-xxxx-xxxx} ([a-z0-9], about 82 bits each, SecureRandom). */
    public static List<String> newRecoveryCodes(int count) {
        return List.of(RECOVERY.generateCodes(count));
    }

    /** A recovery code as typed (any case, with or without dashes or spaces) in the form that is hashed. */
    public static String normalizeRecoveryCode(String input) {
        return input == null ? "" : input.toLowerCase(Locale.ROOT).replaceAll("[\\s-]", "");
    }

    public static boolean looksLikeRecoveryCode(String input) {
        return normalizeRecoveryCode(input).matches("[a-z0-9]{16}");
    }
}
