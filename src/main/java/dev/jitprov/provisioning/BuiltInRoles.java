package dev.jitprov.provisioning;

import static dev.jitprov.provisioning.Permissions.AUDIT_VIEW;
import static dev.jitprov.provisioning.Permissions.CAMPAIGNS_MANAGE;
import static dev.jitprov.provisioning.Permissions.CONTENT_EDIT;
import static dev.jitprov.provisioning.Permissions.REPORTS_VIEW;
import static dev.jitprov.provisioning.Permissions.TEAM_MANAGE;

import java.util.List;
import java.util.Set;

/** The roles every workspace starts with; they cannot be removed. */
public final class BuiltInRoles {

    public static final String ADMIN_NAME = "Admin";
    public static final String MANAGER_NAME = "Manager";
    public static final String MARKETER_NAME = "Marketer";
    public static final String ANALYST_NAME = "Analyst";

    public static final Role ADMIN = new Role(ADMIN_NAME, Permissions.ALL);
    public static final Role MANAGER = new Role(MANAGER_NAME,
            Set.of(TEAM_MANAGE, AUDIT_VIEW, CAMPAIGNS_MANAGE, REPORTS_VIEW, CONTENT_EDIT));
    public static final Role MARKETER = new Role(MARKETER_NAME, Set.of(CAMPAIGNS_MANAGE, CONTENT_EDIT, REPORTS_VIEW));
    public static final Role ANALYST = new Role(ANALYST_NAME, Set.of(REPORTS_VIEW));

    /** In the order they are defined when a workspace is created. */
    public static final List<Role> ALL = List.of(ADMIN, MANAGER, MARKETER, ANALYST);

    private BuiltInRoles() {
    }

    public static boolean isBuiltIn(String name) {
        return ALL.stream().anyMatch(r -> r.name().equals(name));
    }
}
