package dev.jitprov.provisioning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Given events, when a request, then events or a refusal: the one fixture of the decider tests, on the
 * {@link Decider} contract (the state is always folded from the history, never built by hand).
 */
final class DeciderSpec<C, S, E> {

    private final Decider<C, S, E> decider;
    private final List<E> history = new ArrayList<>();
    private List<E> decided = List.of();

    DeciderSpec(Decider<C, S, E> decider) {
        this.decider = decider;
    }

    @SafeVarargs
    final void given(E... events) {
        history.addAll(Arrays.asList(events));
    }

    void given(List<? extends E> events) {
        history.addAll(events);
    }

    /** Decides on the state the history folds to; the events are kept for {@link #then} and {@link #stateAfter}. */
    List<E> when(C request) {
        decided = decider.decide(request, stateNow());
        return decided;
    }

    @SafeVarargs
    final void then(E... expected) {
        assertThat(decided).containsExactly(expected);
    }

    /** The request is refused with {@code code} and {@code kind}, and nothing is decided. */
    void thenRefused(C request, String code, DomainException.Kind kind) {
        S state = stateNow();
        assertThatThrownBy(() -> decider.decide(request, state))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.kind()).isEqualTo(kind);
                });
    }

    /** What was decided last joins the history (the next {@code when} decides after it). */
    void accept() {
        history.addAll(decided);
    }

    void forget() {
        history.clear();
    }

    List<E> decided() {
        return decided;
    }

    S stateNow() {
        return decider.fold(history);
    }

    S stateAfter() {
        List<E> all = new ArrayList<>(history);
        all.addAll(decided);
        return decider.fold(all);
    }
}
