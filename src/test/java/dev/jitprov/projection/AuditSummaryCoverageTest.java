package dev.jitprov.projection;

import dev.jitprov.provisioning.LoginRejected;
import dev.jitprov.provisioning.MemberEvent;
import dev.jitprov.provisioning.WorkspaceEvent;
import dev.jitprov.support.Instances;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** R17: every event type has its own audit summary; none falls through to the class name of the default branch. */
class AuditSummaryCoverageTest {

    @Test
    @DisplayName("R17: every workspace event, member event and rejected sign-in has a summary of its own")
    void r17_everyEventTypeHasASummary() {
        List<Object> events = new ArrayList<>();
        events.addAll(Instances.ofEveryCase(WorkspaceEvent.class));
        events.addAll(Instances.ofEveryCase(MemberEvent.class));
        events.add(Instances.of(LoginRejected.class));
        for (Object event : events) {
            assertThat(AuditProjection.summaryOf(event, "ann@acme.test", "ann@acme.test"))
                    .as(event.getClass().getSimpleName()).isNotEqualTo(event.getClass().getSimpleName());
        }
        assertThat(events).hasSize(35);
    }
}
