package dev.jitprov.web.operator;

import dev.jitprov.projection.ProjectionRebuild;

import dev.jitprov.web.Authorization;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;

/** Operator endpoints of the read side (operator bearer token): status and rebuild of each projection. */
@Path("/api/operator/projections")
public class ProjectionsResource {

    private final Authorization authorization;
    private final ProjectionRebuild rebuild;

    public ProjectionsResource(Authorization authorization, ProjectionRebuild rebuild) {
        this.authorization = authorization;
        this.rebuild = rebuild;
    }

    @GET
    @Operation(summary = "Each projection: rebuild state and progress, lag behind the event store")
    public Uni<List<ProjectionRebuild.Status>> list(@Context HttpHeaders headers) {
        authorization.requireOperator(headers);
        return rebuild.statuses();
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "One projection: rebuild state and progress, lag behind the event store")
    public Uni<ProjectionRebuild.Status> get(@Context HttpHeaders headers, @PathParam("name") String name) {
        authorization.requireOperator(headers);
        rebuild.projection(name).orElseThrow(() -> dev.jitprov.web.ProblemException.notFound("unknown_projection", "no projection '" + name + "'"));
        return rebuild.status(name);
    }

    @POST
    @Path("/{name}/rebuild")
    @Operation(summary = "Truncate the projection and replay it from the event store (202; progress on GET)")
    public Uni<Response> rebuild(@Context HttpHeaders headers, @PathParam("name") String name, @QueryParam("force") boolean force) {
        authorization.requireOperator(headers);
        return rebuild.start(name, force).map(status -> Response.accepted(status).build());
    }
}
