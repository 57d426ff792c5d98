package dev.jitprov.provisioning;

/** Who changed a stored role. */
public enum RoleChangeSource {
    IDP, ADMIN,
    /** Recomputed from the SCIM user's groups, roles value or the SCIM default role (issue 18). */
    SCIM
}
