package dev.jitprov.provisioning;

import dev.jitprov.provisioning.DomainException.Kind;
import dev.jitprov.provisioning.MemberEvent.RecoveryCodeUsed;
import dev.jitprov.provisioning.MemberEvent.TwoFactorEnrolled;
import dev.jitprov.provisioning.MemberEvent.TwoFactorFailed;
import dev.jitprov.provisioning.MemberEvent.TwoFactorVerified;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One second-factor attempt (R14, G6), decided from the member's stored factor and what the typed code turned out to
 * be. Pure: the caller holds the secret and the recovery-code hashes, works out which TOTP step the code matches (or
 * the hash of a recovery code) and writes what the decision says beside the log; the {@link Step#events audit events}
 * go on the member's stream.
 */
public final class TwoFactorDecider {

    public static final String TWO_FACTOR_LOCKED = "two_factor_locked";

    private TwoFactorDecider() {
    }

    /**
     * The member's factor as stored. {@code enrolmentSession}: the pending session that was shown the unconfirmed
     * secret (G6); only that session can confirm it.
     */
    public record Factor(boolean confirmed, long lastUsedStep, int failedAttempts, Instant lockedUntil, String enrolmentSession) {
    }

    /** What the typed input is. */
    public sealed interface Code {
    }

    /** A TOTP code: the time step it matches within the allowed window, or empty when it matches none. */
    public record TotpCode(OptionalLong matchingStep) implements Code {
    }

    /** Something shaped like a recovery code: its hash. */
    public record RecoveryCode(String hash) implements Code {
    }

    /** G6: attempts before the first lock, its length, and the cap of the doubling. */
    public record Policy(int maxAttempts, Duration lockDuration, Duration maxLockDuration, int recoveryCodes) {
    }

    /**
     * One attempt of session {@code sessionId}; {@code factor} is null when none was ever set up, and
     * {@code unusedRecoveryHashes} holds the member's unspent recovery codes (empty while enrolling).
     */
    public record Request(String sessionId, boolean enrolling, Factor factor, Code code, Set<String> unusedRecoveryHashes,
                          Policy policy, Instant now) {
    }

    /** What one attempt decided; {@link #events} are its audit events on the member stream (never a secret). */
    public sealed interface Step {

        List<MemberEvent> events(String sessionId, Actor actor, Instant now);

        /** Refused before any code was checked (nothing enrolled, already enrolled, another session's secret, locked). */
        record Refuse(Kind kind, String code, String message, Instant lockedUntil) implements Step {
            public List<MemberEvent> events(String sessionId, Actor actor, Instant now) {
                return List.of();
            }
        }

        /** A wrong or replayed code: counted, and locks the factor from {@code maxAttempts} on. */
        record Fail(String reason, int failures, Instant lockedUntil) implements Step {
            public List<MemberEvent> events(String sessionId, Actor actor, Instant now) {
                return List.of(new TwoFactorFailed(sessionId, reason, failures, lockedUntil, actor, now));
            }
        }

        /** The first valid code confirms the enrolment; {@code recoveryCodes} codes are to be issued. */
        record Enrolled(long step, int recoveryCodes) implements Step {
            public List<MemberEvent> events(String sessionId, Actor actor, Instant now) {
                return List.of(new TwoFactorEnrolled(sessionId, recoveryCodes, actor, now));
            }
        }

        record CodeAccepted(long step, int recoveryCodesLeft) implements Step {
            public List<MemberEvent> events(String sessionId, Actor actor, Instant now) {
                return List.of(new TwoFactorVerified(sessionId, TwoFactorMethod.TOTP, actor, now));
            }
        }

        record Recovery(String hash, int left) implements Step {
            public List<MemberEvent> events(String sessionId, Actor actor, Instant now) {
                return List.of(new RecoveryCodeUsed(sessionId, left, actor, now),
                        new TwoFactorVerified(sessionId, TwoFactorMethod.RECOVERY_CODE, actor, now));
            }
        }
    }

    public static Step decide(Request r) {
        Objects.requireNonNull(r.now(), "now");
        Factor factor = r.factor();
        if (factor == null || (!r.enrolling() && !factor.confirmed())) {
            return new Step.Refuse(Kind.CONFLICT, "two_factor_not_enrolled", "enroll an authenticator first (GET /2fa)", null);
        }
        if (r.enrolling() && factor.confirmed()) {
            return new Step.Refuse(Kind.CONFLICT, "two_factor_already_enrolled",
                    "an authenticator is already enrolled: send a code to /2fa/verify", null);
        }
        if (r.enrolling() && !r.sessionId().equals(factor.enrolmentSession())) {
            return new Step.Refuse(Kind.CONFLICT, "two_factor_enrolment_elsewhere",
                    "the secret being enrolled was shown to another sign-in: open /2fa (GET /api/2fa) again for this session's own", null);
        }
        if (factor.lockedUntil() != null && factor.lockedUntil().isAfter(r.now())) {
            return locked(factor.lockedUntil());
        }
        if (!r.enrolling() && r.code() instanceof RecoveryCode recovery) {
            return r.unusedRecoveryHashes().contains(recovery.hash()) ? new Step.Recovery(recovery.hash(), r.unusedRecoveryHashes().size() - 1)
                    : fail(r, "invalid_code");
        }
        OptionalLong step = r.code() instanceof TotpCode totp ? totp.matchingStep() : OptionalLong.empty();
        if (step.isEmpty()) {
            return fail(r, "invalid_code");
        }
        if (step.getAsLong() <= factor.lastUsedStep()) {
            return fail(r, "code_reused");
        }
        return r.enrolling() ? new Step.Enrolled(step.getAsLong(), r.policy().recoveryCodes())
                : new Step.CodeAccepted(step.getAsLong(), r.unusedRecoveryHashes().size());
    }

    /** The refusal while the factor is locked (429, until when). */
    public static Step.Refuse locked(Instant until) {
        return new Step.Refuse(Kind.TOO_MANY_ATTEMPTS, TWO_FACTOR_LOCKED,
                "too many wrong codes: two-factor authentication is locked until " + until, until);
    }

    /** G6: the count survives a lock (only a valid factor resets it); the first lock at the limit, doubled beyond it. */
    private static Step fail(Request r, String reason) {
        int failures = r.factor().failedAttempts() + 1;
        Policy policy = r.policy();
        if (failures >= policy.maxAttempts()) {
            return new Step.Fail(reason, failures, r.now().plus(Lockouts.doubling(policy.lockDuration(), failures - policy.maxAttempts(),
                    policy.maxLockDuration())));
        }
        return new Step.Fail(reason, failures, null);
    }
}
