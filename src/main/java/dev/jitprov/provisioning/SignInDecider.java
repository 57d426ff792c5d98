package dev.jitprov.provisioning;

import dev.jitprov.provisioning.MemberEvent.RoleChangeSkipped;
import dev.jitprov.provisioning.MemberEvent.RoleChanged;
import dev.jitprov.provisioning.MemberEvent.SessionStarted;
import dev.jitprov.provisioning.MemberEvent.UserProvisioned;
import dev.jitprov.provisioning.SignInOutcome.Accepted;
import dev.jitprov.provisioning.SignInOutcome.Rejected;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Decides what an accepted SAML response (or a password sign-in) does to the member's stream (R7–R11, R13, R18). */
public final class SignInDecider {

    /** {@code SessionStarted.roleResolution} when the role was not read from the IdP. */
    public static final String NOT_EVALUATED = "not_evaluated";

    private SignInDecider() {
    }

    /**
     * @param member            the member's own stream, folded (never a projection)
     * @param otherActiveAdmins active members other than this one whose role grants
     *                          {@code security-settings:manage} (R10)
     */
    public static SignInOutcome decide(WorkspaceState ws, MemberState member, SignIn signIn, int otherActiveAdmins) {
        if (!ws.exists()) {
            return new Rejected(ErrorCodes.UNKNOWN_USER, "workspace does not exist");
        }
        if (!member.isMember()) {
            return firstSignIn(ws, signIn);
        }
        if (member.deactivated()) {
            return deactivated();
        }
        if (!ws.jitEnabled()) {
            // R11, R18: existing members still sign in, with their stored role, and nothing is updated.
            return accepted(List.of(), member.storedRole(), NOT_EVALUATED, SignInMethod.SAML, signIn, false);
        }
        ProvisioningConfig config = ws.provisioning();
        RoleResolution resolution = RoleResolver.resolve(config, ws, signIn.attributes());
        if (config.strictRole() && !resolution.resolved()) {
            return strictRejection(resolution);
        }
        List<MemberEvent> events = new ArrayList<>();
        String effectiveRole;
        Optional<String> idpRole = resolution.idpRole();
        if (config.updateUserRole()) {
            effectiveRole = member.storedRole();
            if (idpRole.isPresent() && !idpRole.get().equals(member.storedRole())) {
                String to = idpRole.get();
                boolean losesLastAdmin = ws.isAdminRole(member.storedRole()) && !ws.isAdminRole(to)
                        && otherActiveAdmins == 0;
                if (losesLastAdmin) {
                    events.add(new RoleChangeSkipped(to, member.storedRole(), ErrorCodes.LAST_ADMIN_PROTECTED,
                            signIn.idpActor(), signIn.now()));
                } else {
                    events.add(new RoleChanged(member.storedRole(), to, RoleChangeSource.IDP, signIn.idpActor(),
                            signIn.now()));
                    effectiveRole = to;
                }
            }
        } else {
            effectiveRole = idpRole.orElse(member.storedRole());
        }
        // G4: the IdP now says less than an open session of the member holds: those sessions end.
        events.addAll(MemberDecider.endSessionsAbove(ws, member, MemberDecider.roleOrNothing(ws, effectiveRole),
                signIn.idpActor(), signIn.now()));
        return accepted(events, effectiveRole, resolution.reason(), SignInMethod.SAML, signIn, false);
    }

    private static SignInOutcome firstSignIn(WorkspaceState ws, SignIn signIn) {
        if (!ws.jitEnabled()) {
            return new Rejected(ErrorCodes.UNKNOWN_USER, "not a member of this workspace and JIT provisioning is off");
        }
        ProvisioningConfig config = ws.provisioning();
        RoleResolution resolution = RoleResolver.resolve(config, ws, signIn.attributes());
        if (config.strictRole() && !resolution.resolved()) {
            return strictRejection(resolution);
        }
        if (resolution.role().isEmpty()) {
            // Unreachable while R3 holds (the default role cannot be removed); fail closed anyway.
            return new Rejected(ErrorCodes.NO_USABLE_ROLE, resolution.reason() + "; default role does not exist");
        }
        String role = resolution.role().get();
        String email = signIn.email() == null || signIn.email().isBlank() ? signIn.memberKey() : signIn.email().strip();
        UserProvisioned provisioned = new UserProvisioned(signIn.memberKey(), email, signIn.displayName(), role,
                MemberOrigin.JIT, config.deleteAtSessionEnd(), resolution.reason(), signIn.idpActor(), signIn.now());
        return accepted(List.of(provisioned), role, resolution.reason(), SignInMethod.SAML, signIn, true);
    }

    private static Rejected deactivated() {
        return new Rejected(ErrorCodes.MEMBER_DEACTIVATED, "the member was deactivated by the IdP (SCIM)");
    }

    private static Rejected strictRejection(RoleResolution resolution) {
        return new Rejected(resolution.code(), resolution.reason() + " (strict role is on)");
    }

    private static Accepted accepted(List<MemberEvent> before, String effectiveRole, String roleResolution,
            SignInMethod via, SignIn signIn, boolean provisioned) {
        List<MemberEvent> events = new ArrayList<>(before);
        events.add(sessionStarted(signIn.sessionId(), effectiveRole, signIn.now(), signIn.sessionLifetime(), via,
                roleResolution, signIn.idpActor()));
        return new Accepted(events, effectiveRole, provisioned);
    }

    /**
     * Break-glass password sign-in (checked by the caller): the member signs in with its stored role, whatever the
     * provisioning method.
     */
    public static SignInOutcome decidePasswordSignIn(MemberState member, String sessionId, Instant now,
            Duration sessionLifetime, Actor actor) {
        if (!member.isMember()) {
            return new Rejected(ErrorCodes.UNKNOWN_USER, "not a member of this workspace");
        }
        if (member.deactivated()) {
            return deactivated();
        }
        return new Accepted(List.of(sessionStarted(sessionId, member.storedRole(), now, sessionLifetime,
                SignInMethod.PASSWORD, NOT_EVALUATED, actor)), member.storedRole(), false);
    }

    private static SessionStarted sessionStarted(String sessionId, String role, Instant now, Duration lifetime,
            SignInMethod via, String roleResolution, Actor actor) {
        return new SessionStarted(sessionId, role, now, now.plus(lifetime), via, roleResolution, actor, now);
    }
}
