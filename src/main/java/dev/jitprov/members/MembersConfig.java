package dev.jitprov.members;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Member decisions ({@link MemberStreams}). */
@ConfigMapping(prefix = "jit.members")
public interface MembersConfig {

    /** Attempts of a member decision when its stream moved on concurrently. */
    @WithDefault("8")
    int maxAttempts();
}
