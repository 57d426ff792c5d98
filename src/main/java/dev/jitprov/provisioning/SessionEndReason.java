package dev.jitprov.provisioning;

/** Why a session ended. */
public enum SessionEndReason {
    LOGOUT, FORCE_LOGOUT, EXPIRED, MEMBER_DELETED, ACCESS_REVOKED
}
