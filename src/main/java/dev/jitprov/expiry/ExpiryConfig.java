package dev.jitprov.expiry;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Expiry of sessions and temporary members (R12). */
@ConfigMapping(prefix = "jit.expiry")
public interface ExpiryConfig {

    /** Whether this replica runs the scheduler (the deadline consumer always runs; deployment roles, SPEC §6). */
    @WithDefault("true")
    boolean enabled();

    /** Lifetime of a temporary member from its creation, whether or not it still has a session (R12). */
    @WithDefault("PT24H")
    Duration memberTtl();

    /**
     * How often the scheduler looks for due deadlines (Quarkus {@code every} syntax: {@code 5s}, {@code PT5S}).
     * R12 promises 30 s; the default leaves room for a slow batch.
     */
    @WithDefault("5s")
    String scanInterval();

    /** Deadlines claimed per transaction: bounds how long a transaction holds back the Kafka relay. */
    @WithDefault("100")
    int batchSize();

    /** Batches run at once by one replica; each claims different rows (SKIP LOCKED). */
    @WithDefault("2")
    int workers();

    /** Attempts of one deadline inside its batch when the member's stream moved on concurrently. */
    @WithDefault("3")
    int conflictAttempts();

    /** How far an unexpected failure pushes a deadline back before it is tried again. */
    @WithDefault("PT10S")
    Duration retryDelay();
}
