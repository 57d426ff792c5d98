package dev.jitprov.notification;

/** What an admin is told about (R16). */
public enum MailKind {
    JIT_ENABLED, JIT_DISABLED, MEMBER_PROVISIONED,
    /** Members created by JIT since the last digest, for a workspace that chose the daily digest. */
    MEMBER_DIGEST
}
