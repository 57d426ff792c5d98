package dev.jitprov.provisioning;

/** Who caused an event (R17). */
public enum ActorType {
    IDP, ADMIN, OPERATOR, SYSTEM, USER,
    /** A SCIM client (the IdP pushing users and groups with the workspace's SCIM token, issue 18). */
    SCIM
}
