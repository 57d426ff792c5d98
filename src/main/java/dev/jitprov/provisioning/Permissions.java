package dev.jitprov.provisioning;

import java.util.Set;

/** The permissions a role can grant. The set is closed: roles may only use these names. */
public final class Permissions {

    /** The source's "Security Settings: Setup &amp; Manage": SSO, provisioning, security settings (R4). */
    public static final String SECURITY_SETTINGS_MANAGE = "security-settings:manage";
    /** Members page: invite, update role, revoke access. */
    public static final String TEAM_MANAGE = "team:manage";
    /** Audit log. */
    public static final String AUDIT_VIEW = "audit:view";
    public static final String CAMPAIGNS_MANAGE = "campaigns:manage";
    public static final String REPORTS_VIEW = "reports:view";
    public static final String CONTENT_EDIT = "content:edit";

    /** Every known permission. */
    public static final Set<String> ALL = Set.of(
            SECURITY_SETTINGS_MANAGE, TEAM_MANAGE, AUDIT_VIEW, CAMPAIGNS_MANAGE, REPORTS_VIEW, CONTENT_EDIT);

    private Permissions() {
    }

    public static boolean isKnown(String permission) {
        return permission != null && ALL.contains(permission);
    }
}
