package dev.jitprov.web.operator;

import dev.jitprov.members.Onboarding;
import dev.jitprov.web.AdminConfig;
import dev.jitprov.web.Authorization;
import dev.jitprov.web.ProblemException;
import dev.jitprov.workspace.ServiceUrls;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;
import java.util.regex.Pattern;

/** Workspaces created by the operator, each with an owner admin ({@link Onboarding}). */
@Path("/api/workspaces")
public class WorkspaceResource {

    static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    public record OwnerRequest(String email, String password) {
    }

    public record CreateWorkspaceRequest(String name, OwnerRequest owner) {
    }

    public record WorkspaceCreated(String id, String name, String ownerId, String ownerEmail, String acsUrl, String spEntityId) {
    }

    private final Authorization authorization;
    private final Onboarding onboarding;
    private final AdminConfig config;
    private final ServiceUrls urls;

    public WorkspaceResource(Authorization authorization, Onboarding onboarding, AdminConfig config, ServiceUrls urls) {
        this.authorization = authorization;
        this.onboarding = onboarding;
        this.config = config;
        this.urls = urls;
    }

    @POST
    @Operation(summary = "Create a workspace with its owner (operator token)")
    public Uni<Response> create(@Context HttpHeaders headers, CreateWorkspaceRequest request) {
        authorization.requireOperator(headers);
        if (request == null || request.name() == null || request.name().isBlank() || request.name().length() > 100) {
            throw ProblemException.unprocessable("invalid_workspace", "'name' is required (1 to 100 characters)");
        }
        if (request.owner() == null || request.owner().email() == null || !EMAIL.matcher(request.owner().email().trim()).matches()) {
            throw ProblemException.unprocessable("invalid_owner", "'owner.email' must be an e-mail address");
        }
        String password = request.owner().password();
        if (password == null || password.length() < config.minPasswordLength()) {
            throw ProblemException.unprocessable("weak_password",
                    "'owner.password' must have at least " + config.minPasswordLength() + " characters");
        }
        return onboarding.createWorkspace(request.name(), request.owner().email(), password)
                .map(created -> Response.created(URI.create("/api/workspaces/" + created.workspaceId()))
                        .type(MediaType.APPLICATION_JSON)
                        .entity(new WorkspaceCreated(created.workspaceId(), created.name(), created.ownerId().toString(),
                                created.ownerEmail(), urls.acsUrl(created.workspaceId()), urls.spEntityId(created.workspaceId())))
                        .build());
    }
}
