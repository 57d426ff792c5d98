package dev.jitprov.provisioning;

/** How a member was created (R8, R13). */
public enum MemberOrigin {
    JIT, SCIM, INVITE, PASSWORD
}
