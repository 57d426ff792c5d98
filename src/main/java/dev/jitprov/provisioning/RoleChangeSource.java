package dev.jitprov.provisioning;

/** Who changed a stored role. */
public enum RoleChangeSource {
    IDP, ADMIN
}
