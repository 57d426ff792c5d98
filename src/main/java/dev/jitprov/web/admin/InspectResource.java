package dev.jitprov.web.admin;

import dev.jitprov.web.Authorization;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.jitprov.web.ProblemException;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberEvent;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.Permissions;
import dev.jitprov.provisioning.SignIn;
import dev.jitprov.provisioning.SignInDecider;
import dev.jitprov.provisioning.SignInOutcome;
import dev.jitprov.saml.CheckResult;
import dev.jitprov.saml.SamlAttribute;
import dev.jitprov.saml.SamlConfig;
import dev.jitprov.saml.SamlSignIn;
import dev.jitprov.saml.WorkspaceSamlValidator;
import dev.jitprov.saml.UnverifiedContent;
import dev.jitprov.session.SessionConfig;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The assertion inspector (R20, the source's "inspect the ACS payload"): every validation step with pass/fail, the
 * attributes the IdP sent, and the provisioning decision the response would lead to. It changes nothing: no
 * replay-cache entry, no event, no session.
 */
@Path("/api/workspaces/{ws}/saml/inspect")
public class InspectResource {

    /** Either a pasted response, or {@code lastRejected: true} for the workspace's last refused one. */
    public record InspectRequest(String samlResponse, Boolean lastRejected) {
    }

    public record Check(String step, boolean passed, String code, String detail) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Decision(String outcome, String role, String storedRole, String roleResolution, String code, String detail) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Inspection(boolean valid, String errorCode, String responseId, String issuer, String nameId,
                             boolean attributesVerified, List<SamlAttribute> attributes, List<Check> checks, Decision decision) {
    }

    private final Authorization authorization;
    private final Workspaces workspaces;
    private final WorkspaceSamlValidator validation;
    private final MemberStreams members;
    private final SessionConfig sessions;
    private final SamlConfig samlConfig;
    private final SamlSignIn signIns;
    private final Clock clock;

    public InspectResource(Authorization authorization, Workspaces workspaces, WorkspaceSamlValidator validation, MemberStreams members,
                           SessionConfig sessions, SamlConfig samlConfig, SamlSignIn signIns, Clock clock) {
        this.authorization = authorization;
        this.workspaces = workspaces;
        this.validation = validation;
        this.members = members;
        this.sessions = sessions;
        this.samlConfig = samlConfig;
        this.signIns = signIns;
        this.clock = clock;
    }

    @POST
    @Operation(summary = "Inspect a SAML Response: checks, attributes and the decision it would lead to; changes nothing (R20)")
    public Uni<Inspection> inspect(@Context HttpHeaders headers, @PathParam("ws") String ws, InspectRequest request) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                .flatMap(caller -> responseToInspect(ws, request))
                .flatMap(saml -> workspaces.require(ws).flatMap(workspace -> {
                    if (workspace.sso() == null) {
                        throw ProblemException.conflict("sso_not_configured", "configure SSO before inspecting responses");
                    }
                    return validation.validate(workspace, saml, Optional.empty()).flatMap(report -> {
                        List<Check> checks = report.checks().stream().map(InspectResource::toCheck).toList();
                        if (!report.accepted()) {
                            UnverifiedContent.Content claimed = UnverifiedContent.read(saml, samlConfig.maxBodyBytes());
                            return Uni.createFrom().item(new Inspection(false, report.error().code(), report.responseId(), report.issuer(),
                                    claimed.nameId(), false, claimed.attributes(), checks,
                                    new Decision("REFUSED", null, null, null, report.error().code(), report.error().message())));
                        }
                        var principal = report.principal();
                        String key = MemberKeys.normalize(principal.nameId());
                        return members.peek(ws, key).map(ctx -> {
                            SignIn signIn = new SignIn(key, principal.email(), principal.displayName(), principal::attributeValues,
                                    UUID.randomUUID().toString(), clock.instant(), sessions.lifetime(), Actor.idp(principal.issuer()));
                            SignInOutcome outcome = SignInDecider.decide(ctx.workspace(), ctx.member(), signIn, ctx.otherActiveAdmins());
                            return new Inspection(true, null, report.responseId(), report.issuer(), principal.nameId(), true,
                                    principal.attributes(), checks, describe(outcome, ctx.member().isMember() ? ctx.member().storedRole() : null));
                        });
                    });
                }));
    }

    private Uni<String> responseToInspect(String ws, InspectRequest request) {
        if (request != null && Boolean.TRUE.equals(request.lastRejected())) {
            return signIns.lastRejected(ws).map(found -> found.orElseThrow(() ->
                    ProblemException.notFound("no_rejected_response", "no sign-in has been refused in this workspace yet")));
        }
        if (request == null || request.samlResponse() == null || request.samlResponse().isBlank()) {
            throw ProblemException.badRequest("saml_response_missing", "send {samlResponse: <base64>} or {lastRejected: true}");
        }
        return Uni.createFrom().item(request.samlResponse());
    }

    private static Check toCheck(CheckResult result) {
        return new Check(result.step(), result.passed(), result.error() == null ? null : result.error().code(), result.detail());
    }

    private static Decision describe(SignInOutcome outcome, String storedRole) {
        if (outcome instanceof SignInOutcome.Rejected rejected) {
            return new Decision("REFUSED", null, storedRole, null, rejected.code(), rejected.detail());
        }
        SignInOutcome.Accepted accepted = (SignInOutcome.Accepted) outcome;
        String resolution = accepted.events().stream().filter(e -> e instanceof MemberEvent.SessionStarted)
                .map(e -> ((MemberEvent.SessionStarted) e).roleResolution()).findFirst().orElse(null);
        if (accepted.provisioned()) {
            return new Decision("NEW_MEMBER", accepted.effectiveRole(), null, resolution, null, "a new member would be created with role " + accepted.effectiveRole());
        }
        boolean roleChange = accepted.events().stream().anyMatch(e -> e instanceof MemberEvent.RoleChanged);
        if (roleChange) {
            return new Decision("ROLE_CHANGE", accepted.effectiveRole(), storedRole, resolution, null,
                    "the stored role would change from " + storedRole + " to " + accepted.effectiveRole());
        }
        if (!accepted.effectiveRole().equals(storedRole)) {
            return new Decision("SESSION_ONLY_ROLE", accepted.effectiveRole(), storedRole, resolution, null,
                    "the session would use " + accepted.effectiveRole() + "; the stored role stays " + storedRole);
        }
        boolean skipped = accepted.events().stream().anyMatch(e -> e instanceof MemberEvent.RoleChangeSkipped);
        return new Decision("SIGN_IN", accepted.effectiveRole(), storedRole, resolution, skipped ? "last_admin_protected" : null,
                "the member would sign in with role " + accepted.effectiveRole());
    }
}
