package dev.jitprov.background;

import dev.jitprov.replica.StartWherePreviousGroupsWere;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;

/**
 * Where the co-located consumers' group ({@code jit-background}, ADR 0016) starts on a partition it never committed:
 * where the groups of the three consumers' own channels had all arrived.
 */
@Singleton // not a client proxy: its base class has no no-args constructor
@Identifier("background-groups-merged")
public class BackgroundGroupsMerged extends StartWherePreviousGroupsWere {

    public BackgroundGroupsMerged(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        super(kafka, "background consumers", List.of("jit-projections", "jit-notification", "jit-expiry"));
    }
}
