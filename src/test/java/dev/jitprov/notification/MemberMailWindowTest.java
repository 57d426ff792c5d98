package dev.jitprov.notification;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** R16 at scale (issue 21): when a new-member mail goes out at once and when it joins the admin's window summary. */
class MemberMailWindowTest {

    private static final Duration WINDOW = Duration.ofMinutes(15);
    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    @Test
    @DisplayName("R16: the first new member after a quiet period is mailed at once; the others of the same poll join the summary at the window's end")
    void r16_firstMemberAfterQuietIsMailedAtOnce() {
        MemberMailWindow.Plan plan = MemberMailWindow.QUIET.plan(5, T0, WINDOW);

        assertThat(plan.atOnce()).isTrue();
        assertThat(plan.summarized()).isEqualTo(4);
        assertThat(plan.summaryDue()).isEqualTo(T0.plus(WINDOW));
        assertThat(plan.after()).isEqualTo(new MemberMailWindow(T0.plus(WINDOW), true));
    }

    @Test
    @DisplayName("R16: a lone member opens an empty window; members within it join its summary, nobody is mailed at once")
    void r16_membersWithinTheWindowJoinItsSummary() {
        MemberMailWindow open = MemberMailWindow.QUIET.plan(1, T0, WINDOW).after();
        assertThat(open).isEqualTo(new MemberMailWindow(T0.plus(WINDOW), false));

        MemberMailWindow.Plan later = open.plan(3, T0.plus(Duration.ofMinutes(10)), WINDOW);

        assertThat(later.atOnce()).isFalse();
        assertThat(later.summarized()).isEqualTo(3);
        assertThat(later.summaryDue()).isEqualTo(T0.plus(WINDOW));
        assertThat(later.after().busy()).isTrue();
    }

    @Test
    @DisplayName("R16: a wave that goes on past the window continues in the next window (one summary per window, no new mail at once)")
    void r16_aLongWaveCostsOneSummaryPerWindow() {
        MemberMailWindow busy = new MemberMailWindow(T0.plus(WINDOW), true);

        MemberMailWindow.Plan next = busy.plan(2, T0.plus(WINDOW).plusSeconds(30), WINDOW);

        assertThat(next.atOnce()).isFalse();
        assertThat(next.summaryDue()).isEqualTo(T0.plus(WINDOW).plus(WINDOW));
        assertThat(next.after()).isEqualTo(new MemberMailWindow(T0.plus(WINDOW).plus(WINDOW), true));
    }

    @Test
    @DisplayName("R16: after a window without further members, or a whole window of silence, the next member is mailed at once again")
    void r16_afterQuietTheNextMemberIsMailedAtOnce() {
        MemberMailWindow idle = new MemberMailWindow(T0.plus(WINDOW), false);
        assertThat(idle.plan(1, T0.plus(WINDOW), WINDOW).atOnce()).isTrue();

        MemberMailWindow busyLongAgo = new MemberMailWindow(T0.plus(WINDOW), true);
        MemberMailWindow.Plan plan = busyLongAgo.plan(1, T0.plus(WINDOW).plus(WINDOW).plusSeconds(1), WINDOW);
        assertThat(plan.atOnce()).isTrue();
        assertThat(plan.summarized()).isZero();
        assertThat(plan.summaryDue()).isNull();
    }

    @Test
    @DisplayName("R16: a poll without new members changes nothing")
    void r16_noMembersNoMail() {
        MemberMailWindow.Plan plan = MemberMailWindow.QUIET.plan(0, T0, WINDOW);
        assertThat(plan.atOnce()).isFalse();
        assertThat(plan.after()).isEqualTo(MemberMailWindow.QUIET);
    }
}
