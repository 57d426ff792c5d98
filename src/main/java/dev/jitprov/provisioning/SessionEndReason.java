package dev.jitprov.provisioning;

/** Why a session ended. {@code ROLE_CHANGED}: the member was demoted (docs/security.md G4). */
public enum SessionEndReason {
    LOGOUT, FORCE_LOGOUT, EXPIRED, MEMBER_DELETED, ACCESS_REVOKED, ROLE_CHANGED,
    /** The IdP deactivated the member through SCIM ({@code active:false}, issue 18). */
    MEMBER_DEACTIVATED,
    /** The IdP ended the member's session with a SAML LogoutRequest (Single Logout, issue 19). */
    IDP_LOGOUT
}
