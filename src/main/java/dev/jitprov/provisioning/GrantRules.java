package dev.jitprov.provisioning;

import java.util.Set;
import java.util.TreeSet;

/**
 * Authorization that cannot be climbed (docs/security.md, rule G1): a grantor may hand out, and take away, only
 * roles whose permissions are all its own, and never changes its own role. Holding {@code team:manage} is what lets
 * a member reach the Members page at all; these rules decide what it may do there.
 */
public final class GrantRules {

    private GrantRules() {
    }

    /** {@code role_exceeds_caller} unless every permission of {@code role} is one of the grantor's. */
    public static void requireGrantable(Grantor grantor, Role role) {
        requireWithin(grantor, role.permissions(), ErrorCodes.ROLE_EXCEEDS_CALLER, "the role '" + role.name() + "'");
    }

    /** Same rule for a custom role being defined with {@code permissions}. */
    public static void requireDefinable(Grantor grantor, Set<String> permissions) {
        requireWithin(grantor, permissions, ErrorCodes.ROLE_EXCEEDS_CALLER, "a role");
    }

    /**
     * The member's current role must be within the grantor's permissions too: taking a role away (a demotion or a
     * revocation) is as powerful as granting it, so a Manager cannot demote or remove an Admin.
     */
    public static void requireAboveTarget(Grantor grantor, Role targetRole) {
        requireWithin(grantor, targetRole.permissions(), ErrorCodes.MEMBER_EXCEEDS_CALLER,
                "this member's role '" + targetRole.name() + "'");
    }

    /** Nobody changes their own role: promotion would be climbing, demotion is done by another admin. */
    public static void requireNotSelf(Grantor grantor, String memberKey) {
        if (grantor.memberKey().equals(memberKey)) {
            throw DomainException.forbidden(ErrorCodes.OWN_ROLE_CHANGE, "nobody can change their own role; ask another admin");
        }
    }

    /** Whether {@code role} is one the grantor may grant (what the console offers). */
    public static boolean grantable(Set<String> grantorPermissions, Role role) {
        return grantorPermissions.containsAll(role.permissions());
    }

    /** A demotion: the new role lacks at least one permission of the old one (its open sessions end, rule G4). */
    public static boolean isDemotion(Role from, Role to) {
        return !to.permissions().containsAll(from.permissions());
    }

    private static void requireWithin(Grantor grantor, Set<String> permissions, String code, String what) {
        Set<String> missing = new TreeSet<>(permissions);
        missing.removeAll(grantor.permissions());
        if (!missing.isEmpty()) {
            throw DomainException.forbidden(code, what + " holds permissions you do not have: " + String.join(", ", missing));
        }
    }
}
