package dev.jitprov.web.admin;

import dev.jitprov.security.IpAllowList;

import dev.jitprov.web.Authorization;
import dev.jitprov.web.ProblemException;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.Permissions;
import dev.jitprov.provisioning.SecuritySettings;
import dev.jitprov.provisioning.WorkspaceCommand;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;
import java.util.UUID;

/**
 * Security settings that apply to every member, JIT members included: enforced 2FA (R14) and the IP allow-list
 * (R15). Changes go through the workspace decider and are audited as {@code SecuritySettingsChanged} with
 * before and after (R17).
 */
@Path("/api/workspaces/{ws}/security")
public class SecuritySettingsResource {

    public static final String INVALID_CIDR = "invalid_cidr";
    /** More entries than this is a configuration mistake, not a firewall. */
    static final int MAX_ENTRIES = 1000;

    /** PUT body: both fields are required (a PUT replaces the settings). */
    public record SecurityRequest(Boolean twoFactorRequired, List<String> ipAllowList) {
    }

    public record SecurityView(boolean twoFactorRequired, List<String> ipAllowList) {

        static SecurityView of(SecuritySettings settings) {
            return new SecurityView(settings.twoFactorRequired(), settings.ipAllowList());
        }
    }

    private final Authorization authorization;
    private final Workspaces workspaces;

    public SecuritySettingsResource(Authorization authorization, Workspaces workspaces) {
        this.authorization = authorization;
        this.workspaces = workspaces;
    }

    @GET
    @Operation(summary = "Enforced 2FA and the IP allow-list (R4: security-settings:manage)")
    public Uni<SecurityView> get(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                .flatMap(caller -> workspaces.require(ws))
                .map(state -> SecurityView.of(state.security()));
    }

    @PUT
    @Operation(summary = "Replace the security settings: {twoFactorRequired, ipAllowList:[CIDR…]} (R14, R15)")
    public Uni<SecurityView> put(@Context HttpHeaders headers, @PathParam("ws") String ws, SecurityRequest request) {
        return authorization.require(headers, ws, Permissions.SECURITY_SETTINGS_MANAGE)
                .flatMap(caller -> {
                    SecuritySettings settings = validate(request);
                    return workspaces.require(ws).flatMap(state -> workspaces.execute(ws,
                            new WorkspaceCommand.ChangeSecuritySettings(settings, Actor.admin(caller.memberKey())),
                            UUID.randomUUID().toString()));
                })
                .map(result -> SecurityView.of(result.after().security()));
    }

    /** Every entry is checked before anything is saved; the first bad one is named in the 422. */
    static SecuritySettings validate(SecurityRequest request) {
        if (request == null || request.twoFactorRequired() == null || request.ipAllowList() == null) {
            throw ProblemException.badRequest("field_required", "send both 'twoFactorRequired' and 'ipAllowList' ([] for no firewall)");
        }
        if (request.ipAllowList().size() > MAX_ENTRIES) {
            throw ProblemException.unprocessable("too_many_entries", "the IP allow-list holds at most " + MAX_ENTRIES + " entries");
        }
        try {
            return new SecuritySettings(request.twoFactorRequired(), IpAllowList.canonical(request.ipAllowList()));
        } catch (IpAllowList.InvalidCidrException e) {
            throw ProblemException.unprocessable(INVALID_CIDR, e.getMessage());
        }
    }
}
