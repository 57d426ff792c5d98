package dev.jitprov.signin;

import dev.jitprov.support.Scenario;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** R8 through the real ACS: a signed response for an unknown user creates the member and a session. */
@QuarkusTest
class FirstSignInTest {

    @Test
    void r8_firstSignInCreatesTheMemberWithTheIdpRoleAndStartsASession() {
        Scenario scenario = Scenario.withJit("first-sign-in", Map.of());

        String cookie = scenario.signIn("grace@example.com", "Marketer");

        Map<String, Object> member = scenario.member("grace@example.com");
        assertThat(member).containsEntry("role", "Marketer").containsEntry("origin", "JIT").containsEntry("temporary", false);
        Map<String, Object> session = scenario.session(cookie);
        assertThat(session).containsEntry("effectiveRole", "Marketer").containsEntry("workspace", scenario.workspaceId);
    }
}
