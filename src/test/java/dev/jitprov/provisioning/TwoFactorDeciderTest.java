package dev.jitprov.provisioning;

import dev.jitprov.provisioning.DomainException.Kind;
import dev.jitprov.provisioning.TwoFactorDecider.Factor;
import dev.jitprov.provisioning.TwoFactorDecider.Policy;
import dev.jitprov.provisioning.TwoFactorDecider.RecoveryCode;
import dev.jitprov.provisioning.TwoFactorDecider.Request;
import dev.jitprov.provisioning.TwoFactorDecider.Step;
import dev.jitprov.provisioning.TwoFactorDecider.TotpCode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** R14 and G6 as a pure decision: what one second-factor attempt leads to. */
class TwoFactorDeciderTest {

    private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");
    private static final Policy POLICY = new Policy(5, Duration.ofMinutes(15), Duration.ofHours(24), 10);
    private static final Factor ENROLLED = new Factor(true, 100, 0, null, null);

    private static Step attempt(Factor factor, TwoFactorDecider.Code code, boolean enrolling, String session) {
        return TwoFactorDecider.decide(new Request(session, enrolling, factor, code, Set.of("h1", "h2"), POLICY, NOW));
    }

    @Test
    @DisplayName("R14: a fresh code verifies; the same step again is refused as reused (no replay)")
    void r14_aCodeWorksOnce() {
        assertThat(attempt(ENROLLED, new TotpCode(OptionalLong.of(101)), false, "s")).isEqualTo(new Step.CodeAccepted(101, 2));
        assertThat(attempt(ENROLLED, new TotpCode(OptionalLong.of(100)), false, "s")).isEqualTo(new Step.Fail("code_reused", 1, null));
    }

    @Test
    @DisplayName("R14: a recovery code works once: an unspent hash is accepted, any other counts as a failure")
    void r14_recoveryCodes() {
        assertThat(attempt(ENROLLED, new RecoveryCode("h1"), false, "s")).isEqualTo(new Step.Recovery("h1", 1));
        assertThat(attempt(ENROLLED, new RecoveryCode("spent"), false, "s")).isEqualTo(new Step.Fail("invalid_code", 1, null));
    }

    @Test
    @DisplayName("G6: the fifth wrong code locks for 15 minutes, each further one doubles the lock (capped at 24 h), and a locked factor checks no code")
    void g6_locksEscalate() {
        assertThat(attempt(new Factor(true, 100, 4, null, null), new TotpCode(OptionalLong.empty()), false, "s"))
                .isEqualTo(new Step.Fail("invalid_code", 5, NOW.plus(Duration.ofMinutes(15))));
        assertThat(attempt(new Factor(true, 100, 6, null, null), new TotpCode(OptionalLong.empty()), false, "s"))
                .isEqualTo(new Step.Fail("invalid_code", 7, NOW.plus(Duration.ofMinutes(60))));
        assertThat(attempt(new Factor(true, 100, 30, null, null), new TotpCode(OptionalLong.empty()), false, "s"))
                .isEqualTo(new Step.Fail("invalid_code", 31, NOW.plus(Duration.ofHours(24))));
        Step locked = attempt(new Factor(true, 100, 5, NOW.plusSeconds(60), null), new TotpCode(OptionalLong.of(101)), false, "s");
        assertThat(locked).isInstanceOfSatisfying(Step.Refuse.class, r -> {
            assertThat(r.kind()).isEqualTo(Kind.TOO_MANY_ATTEMPTS);
            assertThat(r.lockedUntil()).isEqualTo(NOW.plusSeconds(60));
        });
    }

    @Test
    @DisplayName("G6: only the session that was shown the secret can confirm the enrolment, and only once")
    void g6_enrolmentBelongsToItsSession() {
        Factor pending = new Factor(false, 0, 0, null, "session-a");
        assertThat(attempt(pending, new TotpCode(OptionalLong.of(7)), true, "session-a")).isEqualTo(new Step.Enrolled(7, 10));
        assertThat(attempt(pending, new TotpCode(OptionalLong.of(7)), true, "session-b"))
                .isInstanceOfSatisfying(Step.Refuse.class, r -> assertThat(r.code()).isEqualTo("two_factor_enrolment_elsewhere"));
        assertThat(attempt(ENROLLED, new TotpCode(OptionalLong.of(101)), true, "s"))
                .isInstanceOfSatisfying(Step.Refuse.class, r -> assertThat(r.code()).isEqualTo("two_factor_already_enrolled"));
        assertThat(attempt(null, null, false, "s"))
                .isInstanceOfSatisfying(Step.Refuse.class, r -> assertThat(r.code()).isEqualTo("two_factor_not_enrolled"));
    }

    @Test
    @DisplayName("R14/G6: each outcome's audit events on the member stream (a refusal before any check writes none)")
    void r14_auditEvents() {
        Actor user = Actor.user("ann@acme.test");
        assertThat(new Step.Fail("invalid_code", 5, NOW).events("s", user, NOW)).singleElement().isInstanceOf(MemberEvent.TwoFactorFailed.class);
        assertThat(new Step.Recovery("h", 1).events("s", user, NOW)).hasSize(2);
        assertThat(TwoFactorDecider.locked(NOW).events("s", user, NOW)).isEmpty();
    }
}
