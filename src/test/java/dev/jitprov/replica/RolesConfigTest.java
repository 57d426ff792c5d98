package dev.jitprov.replica;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing {@code jit.roles}. */
class RolesConfigTest {

    @Test
    void allEnablesEveryRole() {
        assertThat(RolesConfig.parse(List.of("all"))).containsExactlyInAnyOrder(ReplicaRole.values());
    }

    @Test
    void namesAreTrimmedAndCaseInsensitive() {
        assertThat(RolesConfig.parse(List.of(" API", "relay "))).containsExactlyInAnyOrder(ReplicaRole.API, ReplicaRole.RELAY);
    }

    @Test
    void anUnknownRoleFailsInsteadOfSilentlyDisablingWork() {
        assertThatThrownBy(() -> RolesConfig.parse(List.of("api", "projecter")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("projecter");
    }

    @Test
    void anEmptyListFails() {
        assertThatThrownBy(() -> RolesConfig.parse(List.of(" "))).isInstanceOf(IllegalArgumentException.class);
    }
}
