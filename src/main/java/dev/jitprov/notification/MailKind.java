package dev.jitprov.notification;

/** What an admin is told about (R16), and how urgently: configuration and security mails go before member mails. */
public enum MailKind {
    JIT_ENABLED(Priority.CONFIGURATION),
    JIT_DISABLED(Priority.CONFIGURATION),
    /** The JIT configuration changed (default role, mappings, update or session-scoped roles, deletion). */
    JIT_UPDATED(Priority.CONFIGURATION),
    /** A member's second factor was locked after repeated wrong codes (G6): someone may hold its first factor. */
    TWO_FACTOR_LOCKED(Priority.CONFIGURATION),
    /** The first member created by JIT after a quiet period, mailed at once. */
    MEMBER_PROVISIONED(Priority.MEMBERS),
    /** The members created by JIT during one coalescing window, in one mail at the window's end (issue 21). */
    MEMBER_BATCH(Priority.MEMBERS),
    /** Members created by JIT since the last digest, for a workspace that chose the daily digest. */
    MEMBER_DIGEST(Priority.MEMBERS);

    /** The outbox's {@code priority} column: lower is claimed first. */
    public enum Priority {
        /** Never delayed by member mails, and no admin can turn them off (the seed's security intent). */
        CONFIGURATION,
        MEMBERS;

        public short column() {
            return (short) ordinal();
        }
    }

    private final Priority priority;

    MailKind(Priority priority) {
        this.priority = priority;
    }

    public Priority priority() {
        return priority;
    }
}
