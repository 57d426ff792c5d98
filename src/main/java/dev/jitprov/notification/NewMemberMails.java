package dev.jitprov.notification;

/** How a workspace's admins hear about members created by JIT (R16). */
public enum NewMemberMails {
    /**
     * As they happen (the default): the first new member after a quiet period at once, the members of the
     * following window ({@code jit.notification.member-window}) in one mail per admin when it closes.
     */
    IMMEDIATE,
    /** One mail a day listing the members created since the last one. */
    DAILY_DIGEST
}
