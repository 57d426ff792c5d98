package dev.jitprov.web.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.scim.ScimDiscovery;
import dev.jitprov.scim.ScimError;
import dev.jitprov.scim.ScimGroups;
import dev.jitprov.scim.ScimJson;
import dev.jitprov.scim.ScimSchemas;
import dev.jitprov.scim.ScimTokens;
import dev.jitprov.scim.ScimUsers;
import dev.jitprov.workspace.ServiceUrls;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.URI;

/**
 * The SCIM 2.0 service provider of a workspace (RFC 7644; issue 18) at {@code {public base}/scim/v2/{ws}}: Users,
 * Groups and discovery, for Okta and Microsoft Entra ID. Every call needs the workspace's SCIM token
 * ({@code Authorization: Bearer}); while the workspace's method is not SCIM every call is refused with 403. Errors
 * are SCIM error bodies ({@code urn:ietf:params:scim:api:messages:2.0:Error}), never problem+json.
 */
@Path("/scim/v2/{ws}")
@Produces({ScimResource.SCIM_JSON, "application/json"})
@Consumes("*/*")
@Tag(name = "SCIM 2.0")
public class ScimResource {

    static final String SCIM_JSON = "application/scim+json";
    private static final String BEARER = "Bearer ";
    private static final Logger LOG = Logger.getLogger(ScimResource.class);

    private final ScimTokens tokens;
    private final ScimUsers users;
    private final ScimGroups groups;
    private final Workspaces workspaces;
    private final ServiceUrls urls;

    public ScimResource(ScimTokens tokens, ScimUsers users, ScimGroups groups, Workspaces workspaces, ServiceUrls urls) {
        this.tokens = tokens;
        this.users = users;
        this.groups = groups;
        this.workspaces = workspaces;
        this.urls = urls;
    }

    // ---- discovery ----

    @GET
    @Path("/ServiceProviderConfig")
    @Operation(summary = "What this service provider supports (RFC 7644 §4)")
    public Uni<Response> serviceProviderConfig(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorize(headers, ws).map(caller -> ok(ScimDiscovery.serviceProviderConfig(url(ws))));
    }

    @GET
    @Path("/ResourceTypes")
    public Uni<Response> resourceTypes(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorize(headers, ws).map(caller -> ok(ScimDiscovery.resourceTypes(url(ws))));
    }

    @GET
    @Path("/ResourceTypes/{name}")
    public Uni<Response> resourceType(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("name") String name) {
        return authorize(headers, ws).map(caller -> ok(ScimDiscovery.resourceType(url(ws), name)));
    }

    @GET
    @Path("/Schemas")
    public Uni<Response> schemas(@Context HttpHeaders headers, @PathParam("ws") String ws) {
        return authorize(headers, ws).map(caller -> ok(ScimDiscovery.schemas(url(ws))));
    }

    @GET
    @Path("/Schemas/{urn}")
    public Uni<Response> schema(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("urn") String urn) {
        return authorize(headers, ws).map(caller -> ok(ScimDiscovery.schema(url(ws), urn)));
    }

    // ---- users ----

    @GET
    @Path("/Users")
    @Operation(summary = "Users of the workspace, filtered and paged (RFC 7644 §3.4.2)")
    public Uni<Response> searchUsers(@Context HttpHeaders headers, @PathParam("ws") String ws, @QueryParam("filter") String filter,
                                     @QueryParam("startIndex") String startIndex, @QueryParam("count") String count,
                                     @QueryParam("attributes") String attributes, @QueryParam("excludedAttributes") String excluded) {
        return authorize(headers, ws).flatMap(caller -> users.search(caller.base(), filter, number("startIndex", startIndex),
                number("count", count), attributes, excluded)).map(ScimResource::ok);
    }

    @POST
    @Path("/Users")
    public Uni<Response> createUser(@Context HttpHeaders headers, @PathParam("ws") String ws, String body) {
        return authorize(headers, ws).flatMap(caller -> users.create(caller.base(), caller.actor(), ScimJson.parse(body))).map(ScimResource::created);
    }

    @GET
    @Path("/Users/{id}")
    public Uni<Response> getUser(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("id") String id,
                                 @QueryParam("attributes") String attributes, @QueryParam("excludedAttributes") String excluded) {
        return authorize(headers, ws).flatMap(caller -> users.get(caller.base(), id, attributes, excluded)).map(ScimResource::ok);
    }

    @PUT
    @Path("/Users/{id}")
    public Uni<Response> replaceUser(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("id") String id, String body) {
        return authorize(headers, ws).flatMap(caller -> users.replace(caller.base(), caller.actor(), id, ScimJson.parse(body))).map(ScimResource::ok);
    }

    @PATCH
    @Path("/Users/{id}")
    public Uni<Response> patchUser(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("id") String id, String body) {
        return authorize(headers, ws).flatMap(caller -> users.patch(caller.base(), caller.actor(), id, ScimJson.parse(body))).map(ScimResource::ok);
    }

    @DELETE
    @Path("/Users/{id}")
    public Uni<Response> deleteUser(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("id") String id) {
        return authorize(headers, ws).flatMap(caller -> users.delete(caller.base(), caller.actor(), id)).map(ignored -> Response.noContent().build());
    }

    // ---- groups ----

    @GET
    @Path("/Groups")
    public Uni<Response> searchGroups(@Context HttpHeaders headers, @PathParam("ws") String ws, @QueryParam("filter") String filter,
                                      @QueryParam("startIndex") String startIndex, @QueryParam("count") String count,
                                      @QueryParam("attributes") String attributes, @QueryParam("excludedAttributes") String excluded) {
        return authorize(headers, ws).flatMap(caller -> groups.search(caller.base(), filter, number("startIndex", startIndex),
                number("count", count), attributes, excluded)).map(ScimResource::ok);
    }

    @POST
    @Path("/Groups")
    public Uni<Response> createGroup(@Context HttpHeaders headers, @PathParam("ws") String ws, String body) {
        return authorize(headers, ws).flatMap(caller -> groups.create(caller.base(), caller.actor(), ScimJson.parse(body))).map(ScimResource::created);
    }

    @GET
    @Path("/Groups/{id}")
    public Uni<Response> getGroup(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("id") String id,
                                  @QueryParam("attributes") String attributes, @QueryParam("excludedAttributes") String excluded) {
        return authorize(headers, ws).flatMap(caller -> groups.get(caller.base(), id, attributes, excluded)).map(ScimResource::ok);
    }

    @PUT
    @Path("/Groups/{id}")
    public Uni<Response> replaceGroup(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("id") String id, String body) {
        return authorize(headers, ws).flatMap(caller -> groups.replace(caller.base(), caller.actor(), id, ScimJson.parse(body))).map(ScimResource::ok);
    }

    @PATCH
    @Path("/Groups/{id}")
    public Uni<Response> patchGroup(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("id") String id, String body) {
        return authorize(headers, ws).flatMap(caller -> groups.patch(caller.base(), caller.actor(), id, ScimJson.parse(body))).map(ScimResource::ok);
    }

    @DELETE
    @Path("/Groups/{id}")
    public Uni<Response> deleteGroup(@Context HttpHeaders headers, @PathParam("ws") String ws, @PathParam("id") String id) {
        return authorize(headers, ws).flatMap(caller -> groups.delete(caller.base(), caller.actor(), id)).map(ignored -> Response.noContent().build());
    }

    /** Anything else under the base: a SCIM 404, not the service's problem+json. */
    @GET
    @Path("/{rest: .*}")
    public Response unknown(@PathParam("rest") String rest) {
        throw ScimError.notFound("no SCIM endpoint /" + rest + "; this service provider has /Users, /Groups, /ServiceProviderConfig, "
                + "/ResourceTypes and /Schemas");
    }

    // ---- credentials and method ----

    /** Who calls (the SCIM token's actor) and where: the workspace as this request found it. */
    private record Caller(Actor actor, ScimUsers.Base base) {
    }

    /**
     * The token and the workspace are read at the same time (two round trips become one wait); the answer is decided
     * in the order a caller must meet it: credentials (401), then the method (403).
     */
    private Uni<Caller> authorize(HttpHeaders headers, String ws) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.startsWith(BEARER)) {
            return Uni.createFrom().failure(new ScimError(401, null, "send 'Authorization: Bearer <SCIM token>'"));
        }
        return Uni.combine().all().unis(tokens.authenticate(authorization.substring(BEARER.length()).trim()), workspaces.current(ws))
                .asTuple().map(found -> {
                    var holder = found.getItem1();
                    if (holder.isEmpty() || !holder.get().workspaceId().equals(ws)) {
                        throw new ScimError(401, null,
                                "the SCIM token is unknown, revoked, or belongs to another workspace (an API token is not a SCIM token)");
                    }
                    var state = found.getItem2();
                    if (!state.scimMethod()) {
                        throw new ScimError(403, null, "SCIM is disabled for this workspace: its provisioning method is "
                                + state.provisioning().method() + "; an admin turns SCIM on under Automate user provisioning");
                    }
                    return new Caller(Actor.scim(holder.get().tokenId()), new ScimUsers.Base(ws, urls.baseUrl() + "/scim/v2/" + ws, state));
                });
    }

    private String url(String ws) {
        return urls.baseUrl() + "/scim/v2/" + ws;
    }

    private static Integer number(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw ScimError.badRequest(ScimError.INVALID_VALUE, name + " must be a whole number");
        }
    }

    private static Response ok(JsonNode node) {
        return Response.ok(node.toString(), SCIM_JSON).build();
    }

    private static Response created(JsonNode node) {
        String location = node.path("meta").path("location").asText();
        return Response.created(URI.create(location)).type(SCIM_JSON).entity(node.toString()).build();
    }

    // ---- errors: SCIM bodies only ----

    @ServerExceptionMapper
    public Response scimError(ScimError e) {
        return error(e.status(), e.scimType(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response domain(dev.jitprov.provisioning.DomainException e) {
        return mapped(e);
    }

    @ServerExceptionMapper
    public Response conflict(dev.jitprov.eventstore.ConcurrencyConflictException e) {
        return mapped(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return error(status, null, status == 405 ? "this method is not allowed here" : e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        Throwable mapped = ScimError.from(e);
        if (mapped instanceof ScimError s) {
            return scimError(s);
        }
        LOG.error("SCIM request failed", e);
        return error(500, null, "the request failed on the server; it was logged");
    }

    private Response mapped(RuntimeException e) {
        Throwable mapped = ScimError.from(e);
        return mapped instanceof ScimError s ? scimError(s) : unexpected(new IllegalStateException(e));
    }

    static Response error(int status, String scimType, String detail) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putArray("schemas").add(ScimSchemas.ERROR);
        body.put("status", String.valueOf(status));
        if (scimType != null) {
            body.put("scimType", scimType);
        }
        body.put("detail", detail);
        return Response.status(status).type(SCIM_JSON).entity(body.toString()).build();
    }
}
