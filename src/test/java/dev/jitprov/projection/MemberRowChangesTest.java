package dev.jitprov.projection;

import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.DeletionReason;
import dev.jitprov.provisioning.MemberEvent.RoleChanged;
import dev.jitprov.provisioning.MemberEvent.SessionEnded;
import dev.jitprov.provisioning.MemberEvent.SessionStarted;
import dev.jitprov.provisioning.MemberEvent.UserDeleted;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.MemberOrigin;
import dev.jitprov.provisioning.RoleChangeSource;
import dev.jitprov.provisioning.SignInMethod;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The membership view's fold of a batch (fast, in memory; {@code BatchEqualsOneAtATimeTest} checks the same against
 * PostgreSQL): one change per member, a whole row for a member the batch creates, a patch of the changed columns
 * for any other.
 */
@DisplayName("Membership view: a batch folded per member")
class MemberRowChangesTest {

    private static final String WS = "ws-1";
    private static final Instant T0 = Instant.parse("2026-11-29T08:00:00Z");
    private final List<Projection.Decoded> batch = new ArrayList<>();
    private long position;

    private void event(String key, Object payload) {
        ProjectedEvent event = new ProjectedEvent(UUID.randomUUID(), "t", MemberKeys.streamId(WS, key), WS, ++position, T0, null, null);
        batch.add(new Projection.Decoded(event, payload));
    }

    private static UserProvisioned provisioned(String key, String role) {
        return new UserProvisioned(key, key, null, role, MemberOrigin.JIT, true, null, Actor.idp("idp"), T0);
    }

    private static SessionStarted started(Instant at) {
        return new SessionStarted(UUID.randomUUID().toString(), "Analyst", at, at.plusSeconds(3600), SignInMethod.SAML, null, Actor.idp("idp"), at);
    }

    @Test
    void aMemberCreatedInTheBatchIsOneWholeRowWithItsLaterEventsApplied() {
        event("ann", provisioned("ann", "Analyst"));
        event("ann", started(T0.plusSeconds(60)));
        event("ann", new RoleChanged("Analyst", "Manager", RoleChangeSource.ADMIN, Actor.admin("boss"), T0));
        event("ann", started(T0.plusSeconds(30)));                 // earlier start applied later: the latest stays

        MemberRowChanges changes = MemberRowChanges.of(batch);

        assertThat(changes.patches()).isEmpty();
        assertThat(changes.rows()).singleElement().satisfies(row -> {
            assertThat(row.role).isEqualTo("Manager");
            assertThat(row.lastSignInAt).isEqualTo(T0.plusSeconds(60));
            assertThat(row.deleted).isFalse();
            assertThat(row.lastPosition).isEqualTo(4);
        });
    }

    @Test
    void r12_aDeletionThenANewLifeInOneBatchLeavesOnlyTheNewLife() {
        event("bob", new RoleChanged("Analyst", "Manager", RoleChangeSource.IDP, Actor.idp("idp"), T0));
        event("bob", new UserDeleted(DeletionReason.SESSION_ENDED, Actor.system("expirer"), T0));
        event("bob", provisioned("bob", "Marketer"));

        MemberRowChanges changes = MemberRowChanges.of(batch);

        assertThat(changes.patches()).isEmpty();
        assertThat(changes.rows()).singleElement().satisfies(row -> {
            assertThat(row.role).isEqualTo("Marketer");
            assertThat(row.deleted).isFalse();
            assertThat(row.deletedAt).isNull();
            assertThat(row.lastSignInAt).isNull();
        });
    }

    @Test
    void aMemberFromAnEarlierBatchGetsAPatchOfTheColumnsThisBatchChanged() {
        event("cat", started(T0));
        event("cat", new SessionEnded(UUID.randomUUID().toString(), null, Actor.user("cat"), T0));  // not a column of the view
        event("cat", new UserDeleted(DeletionReason.ACCESS_REVOKED, Actor.admin("boss"), T0.plusSeconds(5)));
        event("dan", new RoleChanged("Analyst", "Admin", RoleChangeSource.IDP, Actor.idp("idp"), T0));

        MemberRowChanges changes = MemberRowChanges.of(batch);

        assertThat(changes.rows()).isEmpty();
        assertThat(changes.patches()).hasSize(2).anySatisfy(patch -> {
            assertThat(patch.memberKey).isEqualTo("cat");
            assertThat(patch.role).as("role untouched").isNull();
            assertThat(patch.lastSignInAt).isEqualTo(T0);
            assertThat(patch.deleted).isTrue();
            assertThat(patch.deletedAt).isEqualTo(T0.plusSeconds(5));
            assertThat(patch.lastPosition).as("position of the last event the view follows").isEqualTo(3);
        }).anySatisfy(patch -> {
            assertThat(patch.memberKey).isEqualTo("dan");
            assertThat(patch.role).isEqualTo("Admin");
            assertThat(patch.lastSignInAt).isNull();
            assertThat(patch.deleted).isFalse();
        });
    }
}
