package dev.jitprov.provisioning;

/** Which role wins when the role attribute carries several values (R6). */
public enum MultiValuePolicy {
    /** The first non-empty value in document order (default). */
    FIRST,
    /** Among the values that match a role, the role with the most permissions (ties: first in order). */
    HIGHEST_PRIVILEGE
}
