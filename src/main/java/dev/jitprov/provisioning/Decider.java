package dev.jitprov.provisioning;

import java.util.List;

/**
 * The one shape of a decision in the domain (ADR 0003): a stream's state is {@link #fold folded} from
 * {@link #initialState()} with {@link #evolve}; {@link #decide} turns a request and the current state into the new
 * events (empty when nothing changes) or refuses with a {@link DomainException} (nothing is written). Pure: no I/O,
 * no clock (the request carries the time), no framework.
 *
 * <p>One runner per stream kind appends what a decider decides: {@code workspace.Workspaces} for
 * {@link WorkspaceDecider#DECIDER}, {@code members.MemberStreams} for {@link MemberDecider#DECIDER} (and the sign-in
 * decision, whose outcome carries more than events: {@link SignInDecider}).
 *
 * @param <C> the request: the command with everything the decision needs besides the stream's own state
 * @param <S> the stream's state
 * @param <E> the stream's events
 */
public interface Decider<C, S, E> {

    S initialState();

    List<E> decide(C request, S state);

    S evolve(S state, E event);

    default S fold(List<? extends E> events) {
        return fold(initialState(), events);
    }

    default S fold(S state, List<? extends E> events) {
        S folded = state;
        for (E event : events) {
            folded = evolve(folded, event);
        }
        return folded;
    }
}
