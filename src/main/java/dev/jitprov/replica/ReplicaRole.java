package dev.jitprov.replica;

import java.util.Locale;

/**
 * What a replica of the one image does. A replica runs the roles listed in {@code jit.roles} (default {@code all}).
 * Each role starts only its own background work: consumers, loops and scheduled jobs.
 */
public enum ReplicaRole {
    /** ACS, console and REST API (the HTTP endpoints themselves are always served; see docs/operations.md). */
    API,
    /** The transactional-outbox relay from the event store to Kafka. */
    RELAY,
    /** Read-model projections (members, sessions, audit log) fed from the topic. */
    PROJECTOR,
    /** E-mail notifications to workspace administrators. */
    NOTIFIER,
    /** Session and temporary-member deadlines (24-hour expiry, session end). */
    EXPIRER;

    /** The name used in {@code jit.roles}: lower case. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
