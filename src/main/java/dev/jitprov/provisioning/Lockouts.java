package dev.jitprov.provisioning;

import java.time.Duration;

/** Locks that double with every failure past a limit (password sign-in, G5; second factor, G6). */
public final class Lockouts {

    private Lockouts() {
    }

    /** {@code first} × 2^{@code beyondLimit}, at most {@code max}. */
    public static Duration doubling(Duration first, int beyondLimit, Duration max) {
        Duration lock = first;
        for (int i = 0; i < beyondLimit && lock.compareTo(max) < 0; i++) {
            lock = lock.multipliedBy(2);
        }
        return lock.compareTo(max) > 0 ? max : lock;
    }

    /** A wait in whole seconds as {@code Retry-After} and messages give it: rounded up, at least 1. */
    public static long wholeSeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
