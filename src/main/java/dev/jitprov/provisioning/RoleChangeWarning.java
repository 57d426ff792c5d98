package dev.jitprov.provisioning;

/** R13: an admin's Update Role is accepted, but the next sign-in overrides it when this says so. */
public final class RoleChangeWarning {

    public static final String CODE = "idp_overrides_role";
    public static final String MESSAGE =
            "update user's role is on: the member's next sign-in through the IdP replaces this role";

    private RoleChangeWarning() {
    }

    /** JIT enabled, update user's role ON, and the member was created by JIT or SCIM. */
    public static boolean idpWillOverride(WorkspaceState ws, MemberState member) {
        return ws.jitEnabled() && ws.provisioning().updateUserRole() && member.isMember()
                && (member.origin() == MemberOrigin.JIT || member.origin() == MemberOrigin.SCIM);
    }
}
