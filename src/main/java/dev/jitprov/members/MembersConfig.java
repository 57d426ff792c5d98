package dev.jitprov.members;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Member decisions ({@link MemberStreams}). */
@ConfigMapping(prefix = "jit.members")
public interface MembersConfig {

    /** Attempts of a member decision when its stream moved on concurrently. */
    @WithDefault("8")
    int maxAttempts();

    /**
     * A decision writes a snapshot of the member's stream when this many events or more lie on top of the last one
     * ({@link MemberSnapshots}): no decision reads more events than this. 0 turns snapshots off (every decision folds
     * the whole stream, as before issue 20's snapshots).
     */
    @WithDefault("16")
    int snapshotAfter();
}
