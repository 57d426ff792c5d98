package dev.jitprov.notification;

/** What an admin is told about (R16). */
public enum MailKind {
    JIT_ENABLED, JIT_DISABLED, MEMBER_PROVISIONED,
    /** A member's second factor was locked after repeated wrong codes (G6): someone may hold its first factor. */
    TWO_FACTOR_LOCKED,
    /** Members created by JIT since the last digest, for a workspace that chose the daily digest. */
    MEMBER_DIGEST
}
