package dev.jitprov.provisioning;

/** Why a member was deleted (R12, R13). */
public enum DeletionReason {
    SESSION_ENDED, TTL_EXPIRED, ACCESS_REVOKED,
    /** Deleted by the IdP through SCIM ({@code DELETE /Users/{id}}, issue 18). */
    SCIM
}
