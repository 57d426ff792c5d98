package dev.jitprov.web.admin;

import dev.jitprov.projection.AuditFormatRouting;
import dev.jitprov.projection.AuditLog;

import dev.jitprov.web.AdminConfig;
import dev.jitprov.web.Authorization;
import dev.jitprov.paging.PageRequest;
import dev.jitprov.web.ProblemException;
import dev.jitprov.provisioning.Permissions;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.List;
import java.util.Map;

/**
 * Audit log API (R17, permission {@code audit:view}).
 *
 * <ul>
 *   <li>{@code GET /api/workspaces/{ws}/audit?from=&to=&type=&actor=&member=&page=&size=}: a page, newest first,
 *       {@code {items, total, page, size}}.</li>
 *   <li>Export, every matching entry, oldest first, streamed in chunks: {@code GET …/audit?format=csv} (or
 *       {@code …/audit/export.csv}) and {@code GET …/audit?format=json&export=true} (or {@code …/audit/export.json}, a
 *       JSON array). {@code page} and {@code size} do not apply to an export.</li>
 * </ul>
 * JAX-RS picks a method by path and media type, not by query parameter, so {@link AuditFormatRouting} (a pre-matching
 * filter) sends the {@code format=csv} / {@code export=true} forms of {@code /audit} to the export paths.
 * Times are ISO-8601 ({@code from} inclusive, {@code to} exclusive); a bad value is a 400 with a code.
 */
@Path("/api/workspaces/{ws}/audit")
public class AuditResource {

    public static final String CSV = "text/csv";

    private final Authorization authorization;
    private final AuditLog audit;
    private final AdminConfig config;

    public AuditResource(Authorization authorization, AuditLog audit, AdminConfig config) {
        this.authorization = authorization;
        this.audit = audit;
        this.config = config;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Audit entries, newest first, filtered by time range, type, actor and member; paged")
    public Uni<PageRequest.Page<AuditLog.Entry>> page(@Context HttpHeaders headers, @PathParam("ws") String ws,
                                                      @QueryParam("from") String from, @QueryParam("to") String to,
                                                      @QueryParam("type") String type, @QueryParam("actor") String actor,
                                                      @QueryParam("member") String member, @QueryParam("format") String format,
                                                      @QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        if (format != null && !format.isBlank() && !format.equalsIgnoreCase("json")) {
            throw ProblemException.badRequest("invalid_format", "'format' must be json or csv");
        }
        PageRequest paging = PageRequest.of(page, size, config.maxPageSize());
        AuditLog.Filter filter = AuditLog.Filter.of(from, to, type, actor, member);
        return authorization.require(headers, ws, Permissions.AUDIT_VIEW).flatMap(caller -> audit.page(ws, filter, paging));
    }

    @GET
    @Path("/export.csv")
    @Produces(CSV)
    @Operation(summary = "Every matching audit entry as CSV with a header row, oldest first, streamed")
    public RestMulti<String> exportCsv(@Context HttpHeaders headers, @PathParam("ws") String ws,
                                       @QueryParam("from") String from, @QueryParam("to") String to,
                                       @QueryParam("type") String type, @QueryParam("actor") String actor,
                                       @QueryParam("member") String member) {
        AuditLog.Filter filter = AuditLog.Filter.of(from, to, type, actor, member);
        // One chunk per database batch: few writes, bounded memory.
        return RestMulti.fromUniResponse(authorization.require(headers, ws, Permissions.AUDIT_VIEW),
                caller -> Multi.createBy().concatenating().streams(
                        Multi.createFrom().item(AuditLog.csvLine(AuditLog.CSV_HEADER)),
                        audit.stream(ws, filter).map(batch -> {
                            StringBuilder chunk = new StringBuilder(batch.size() * 256);
                            batch.forEach(entry -> chunk.append(AuditLog.csvLine(AuditLog.csvFields(entry))));
                            return chunk.toString();
                        })),
                caller -> Map.of("Content-Disposition", List.of("attachment; filename=\"audit-" + ws + ".csv\"")));
    }

    @GET
    @Path("/export.json")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every matching audit entry as a JSON array, oldest first, streamed")
    public RestMulti<AuditLog.Entry> exportJson(@Context HttpHeaders headers, @PathParam("ws") String ws,
                                                @QueryParam("from") String from, @QueryParam("to") String to,
                                                @QueryParam("type") String type, @QueryParam("actor") String actor,
                                                @QueryParam("member") String member) {
        AuditLog.Filter filter = AuditLog.Filter.of(from, to, type, actor, member);
        // application/json + Multi: the server writes a JSON array element by element as batches arrive.
        return RestMulti.fromUniResponse(authorization.require(headers, ws, Permissions.AUDIT_VIEW),
                caller -> audit.stream(ws, filter).onItem().disjoint(),
                caller -> Map.of("Content-Disposition", List.of("attachment; filename=\"audit-" + ws + ".json\"")));
    }
}
