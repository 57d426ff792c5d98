package dev.jitprov.notification;

/** How a workspace's admins hear about members created by JIT (R16). */
public enum NewMemberMails {
    /** One mail per new member, as soon as it is created (the default). */
    IMMEDIATE,
    /** One mail a day listing the members created since the last one. */
    DAILY_DIGEST
}
