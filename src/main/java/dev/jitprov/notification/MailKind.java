package dev.jitprov.notification;

/** What an admin is told about (R16). */
public enum MailKind {
    JIT_ENABLED, JIT_DISABLED, MEMBER_PROVISIONED
}
