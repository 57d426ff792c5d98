package dev.jitprov.support;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The service's one time source in tests: the system clock, optionally moved by an offset or pinned to an
 * instant. Tests that move it reset it in {@code @AfterEach}, because the SAML validator reads the same clock and
 * the test IdP signs responses in real time.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class TestClock extends Clock {

    private volatile Duration offset = Duration.ZERO;
    private volatile Instant pinned;

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.fixed(instant(), zone);
    }

    @Override
    public Instant instant() {
        Instant at = pinned;
        return at != null ? at : Instant.now().plus(offset);
    }

    /** Time runs on from the system clock plus {@code by}. */
    public void offset(Duration by) {
        pinned = null;
        offset = by;
    }

    /** Time stands still at {@code at} until {@link #reset()} (so "one second before" stays one second before). */
    public void pin(Instant at) {
        pinned = at;
    }

    public void reset() {
        pinned = null;
        offset = Duration.ZERO;
    }
}
