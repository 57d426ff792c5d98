package dev.jitprov.projection;

import dev.jitprov.replica.StartWherePreviousGroupsWere;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;

/**
 * Where the projections' shared consumer group ({@code jit-projections}, ADR 0015) starts on a partition it never
 * committed: where the three groups of the releases before it had all arrived.
 */
@Singleton // not a client proxy: its base class has no no-args constructor
@Identifier("projection-groups-merged")
public class ProjectionGroupsMerged extends StartWherePreviousGroupsWere {

    public ProjectionGroupsMerged(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        super(kafka, "projections", List.of("jit-projection-members", "jit-projection-sessions", "jit-projection-audit"));
    }
}
