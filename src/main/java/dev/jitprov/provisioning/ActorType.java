package dev.jitprov.provisioning;

/** Who caused an event (R17). */
public enum ActorType {
    IDP, ADMIN, OPERATOR, SYSTEM, USER
}
