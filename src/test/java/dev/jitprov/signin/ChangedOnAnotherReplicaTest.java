package dev.jitprov.signin;

import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.support.EventLog;
import io.vertx.mutiny.sqlclient.Pool;
import dev.jitprov.provisioning.SecuritySettings;
import dev.jitprov.provisioning.SsoSettings;
import dev.jitprov.provisioning.WorkspaceCommand;
import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.saml.Certificates;
import dev.jitprov.saml.TestCredentials;
import dev.jitprov.saml.TestIdp;
import dev.jitprov.support.Scenario;
import dev.jitprov.workspace.Workspaces;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/**
 * Issue 20: the ACS starts from its replica's cached workspace state (no read per sign-in). A configuration written
 * by another replica (here: to the store only, which this replica's cache does not see) still decides the very next
 * sign-in: an acceptance is decided on the current state, a refusal only after the state is confirmed current.
 */
@QuarkusTest
@DisplayName("Issue 20: a sign-in follows SSO changes made on another replica at once")
class ChangedOnAnotherReplicaTest {

    @Inject
    Workspaces workspaces;
    @Inject
    Pool pool;

    @Test
    void r1_ssoDeactivatedOnAnotherReplica_theNextSignInIsRefused() {
        Scenario s = Scenario.withJit("other-replica-off", Map.of());
        s.signIn("warm@example.com");                                       // this replica's cache holds SSO active

        changeOnAnotherReplica(s, sso -> with(sso, sso.certificatesPem(), false));

        s.postAcs(s.signedResponse("late@example.com")).then().statusCode(403).body(containsString("sso_not_configured"));
        assertThat(memberEvents(s, "late@example.com")).isEmpty();
    }

    @Test
    void sp_certificateRemovedOnAnotherReplica_aResponseSignedWithItIsRefused() {
        Scenario s = Scenario.withJit("other-replica-removed", Map.of());
        s.signIn("warm@example.com");
        TestIdp successor = TestIdp.create(s.idp.entityId(), TestCredentials.rsa("successor", 2048), Clock.systemUTC());

        changeOnAnotherReplica(s, sso -> with(sso, List.of(Certificates.toPem(successor.credentials().certificate())), sso.active()));

        s.postAcs(s.signedResponse("old-key@example.com")).then().statusCode(403).body(containsString("invalid_signature"));
        assertThat(memberEvents(s, "old-key@example.com")).isEmpty();
    }

    @Test
    void sp_certificateAddedOnAnotherReplica_aResponseSignedWithItIsAccepted() {
        Scenario s = Scenario.withJit("other-replica-added", Map.of());
        s.signIn("warm@example.com");
        TestIdp successor = TestIdp.create(s.idp.entityId(), TestCredentials.rsa("successor", 2048), Clock.systemUTC());

        changeOnAnotherReplica(s, sso -> {
            List<String> both = new ArrayList<>(sso.certificatesPem());
            both.add(Certificates.toPem(successor.credentials().certificate()));
            return with(sso, both, sso.active());
        });

        s.signInWith(successor.response().to(s.sp()).nameId("new-key@example.com").attribute("email", "new-key@example.com").build());
        assertThat(memberEvents(s, "new-key@example.com")).containsExactly("user.provisioned.v1", "session.started.v1");
    }

    @Test
    void r15_allowListSetOnAnotherReplica_theNextSignInFromOutsideIsRefusedOnce() {
        Scenario s = Scenario.withJit("other-replica-firewall", Map.of());
        s.signIn("warm@example.com");                                       // this replica's cache holds no allow-list

        workspaces.execute(s.workspaceId, new WorkspaceCommand.ChangeSecuritySettings(
                new SecuritySettings(false, List.of("198.51.100.0/24")), Actor.operator("another-replica")), UUID.randomUUID().toString())
                .await().indefinitely();

        // the tests post from 127.0.0.1
        s.postAcs(s.signedResponse("outside@example.com")).then().statusCode(403).body(containsString("firewall"));
        assertThat(memberEvents(s, "outside@example.com")).isEmpty();
        assertThat(new EventLog(pool).ofType(s.workspaceId, "login.rejected.v1")).singleElement()
                .satisfies(e -> assertThat(e.payload()).contains("\"code\":\"firewall\""));
    }

    private List<String> memberEvents(Scenario s, String email) {
        return new EventLog(pool).types(MemberKeys.streamId(s.workspaceId, MemberKeys.normalize(email)));
    }

    private static SsoSettings with(SsoSettings sso, List<String> certificates, boolean active) {
        return new SsoSettings(sso.idpEntityId(), certificates, sso.ssoUrl(), sso.sloUrl(), active, sso.encryptedAssertions(), sso.aesCbcAllowed());
    }

    /** Writes the change as another replica would: in the store, without this replica's cache seeing it. */
    private void changeOnAnotherReplica(Scenario s, UnaryOperator<SsoSettings> change) {
        WorkspaceState before = workspaces.current(s.workspaceId).await().indefinitely();
        workspaces.execute(s.workspaceId, new WorkspaceCommand.ConfigureSso(change.apply(before.sso()), Actor.operator("another-replica")),
                UUID.randomUUID().toString()).await().indefinitely();
    }
}
