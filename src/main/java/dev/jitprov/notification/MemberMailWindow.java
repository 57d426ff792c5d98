package dev.jitprov.notification;

import java.time.Duration;
import java.time.Instant;

/**
 * One admin's coalescing window for new-member mails (R16 at scale, issue 21). Pure: the notifier loads it, asks
 * {@link #plan} what to do with the new members one Kafka poll brings, writes the plan and stores {@link Plan#after}.
 *
 * <ul>
 *   <li>Quiet (the window closed and the last one had no members after its first): the first member is mailed at
 *       once and a window of {@code length} opens; the others of the poll join its summary.</li>
 *   <li>Open: every member joins the summary mailed when the window closes.</li>
 *   <li>Just closed but busy (an onboarding wave): the wave continues in the next window, chained to the last
 *       one, so a long wave costs one summary per window and no extra at-once mails.</li>
 * </ul>
 *
 * @param closesAt when the current window ends (its summary's send time)
 * @param busy     whether members joined the current window's summary
 */
public record MemberMailWindow(Instant closesAt, boolean busy) {

    /** An admin who never got a new-member mail. */
    public static final MemberMailWindow QUIET = new MemberMailWindow(Instant.EPOCH, false);

    /**
     * @param atOnce     whether the first member is mailed at once (its own mail)
     * @param summarized how many members (the last ones of the poll) join the summary
     * @param summaryDue when that summary is sent (null when none joins)
     * @param after      the window to store
     */
    public record Plan(boolean atOnce, int summarized, Instant summaryDue, MemberMailWindow after) {
    }

    public Plan plan(int members, Instant now, Duration length) {
        if (members <= 0) {
            return new Plan(false, 0, null, this);
        }
        if (now.isBefore(closesAt)) {
            return new Plan(false, members, closesAt, new MemberMailWindow(closesAt, true));
        }
        Instant next = closesAt.plus(length);
        if (busy && now.isBefore(next)) {
            return new Plan(false, members, next, new MemberMailWindow(next, true));
        }
        Instant closes = now.plus(length);
        boolean rest = members > 1;
        return new Plan(true, members - 1, rest ? closes : null, new MemberMailWindow(closes, rest));
    }
}
