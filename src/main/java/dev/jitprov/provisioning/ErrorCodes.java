package dev.jitprov.provisioning;

/** Stable problem codes of refused commands and rejected sign-ins. */
public final class ErrorCodes {

    // workspace stream
    public static final String WORKSPACE_EXISTS = "workspace_exists";
    public static final String WORKSPACE_NOT_FOUND = "workspace_not_found";
    public static final String INVALID_WORKSPACE = "invalid_workspace";
    public static final String INVALID_ROLE = "invalid_role";
    public static final String ROLE_EXISTS = "role_exists";
    public static final String ROLE_NOT_FOUND = "role_not_found";
    public static final String BUILTIN_ROLE = "builtin_role";
    public static final String ROLE_IN_USE = "role_in_use";
    public static final String INVALID_SSO_SETTINGS = "invalid_sso_settings";
    public static final String SSO_NOT_CONFIGURED = "sso_not_configured";
    public static final String SCIM_ENABLED = "scim_enabled";
    public static final String JIT_ENABLED = "jit_enabled";
    public static final String JIT_NOT_ENABLED = "jit_not_enabled";
    public static final String UNKNOWN_DEFAULT_ROLE = "unknown_default_role";
    public static final String UNKNOWN_MAPPED_ROLE = "unknown_mapped_role";

    // SCIM (issue 18)
    public static final String GROUP_EXISTS = "group_exists";
    public static final String GROUP_NOT_FOUND = "group_not_found";
    public static final String INVALID_GROUP = "invalid_group";
    public static final String SCIM_NOT_ENABLED = "scim_not_enabled";
    public static final String USER_NAME_IMMUTABLE = "user_name_immutable";

    // member streams
    public static final String MEMBER_EXISTS = "member_exists";
    public static final String MEMBER_NOT_FOUND = "member_not_found";
    public static final String INVALID_MEMBER = "invalid_member";
    public static final String UNKNOWN_ROLE = "unknown_role";
    public static final String LAST_ADMIN_PROTECTED = "last_admin_protected";
    public static final String SESSION_NOT_FOUND = "session_not_found";
    public static final String INVALID_SESSION_END_REASON = "invalid_session_end_reason";
    public static final String INVALID_TOKEN_NAME = "invalid_token_name";

    // grants (docs/security.md G1)
    public static final String ROLE_EXCEEDS_CALLER = "role_exceeds_caller";
    public static final String MEMBER_EXCEEDS_CALLER = "member_exceeds_caller";
    public static final String OWN_ROLE_CHANGE = "own_role_change";

    // sign-in rejections (LoginRejected.code)
    public static final String UNKNOWN_USER = "unknown_user";
    /** The IdP deactivated the member through SCIM: no sign-in, no session, no API token until reactivated. */
    public static final String MEMBER_DEACTIVATED = "member_deactivated";
    public static final String ROLE_MISSING = "role_missing";
    public static final String ROLE_UNKNOWN = "role_unknown";
    public static final String NO_USABLE_ROLE = "no_usable_role";

    private ErrorCodes() {
    }
}
