package dev.jitprov.projection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.paging.PageRequest;
import dev.jitprov.provisioning.DomainException;
import dev.jitprov.provisioning.ActorType;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import static dev.jitprov.projection.MembersProjection.utc;

/**
 * Questions asked of the audit log (R17): a page (newest first) or a stream of every matching entry (oldest
 * first) read in keyset batches, so an export of millions of entries holds one batch in memory at a time.
 */
@ApplicationScoped
public class AuditLog {

    public record Entry(UUID id, Instant occurredAt, String type, String actorType, String actorId, String memberKey,
                        String memberEmail, String summary, JsonNode details) {
    }

    /**
     * Validated filters; every field nullable.
     *
     * @param types  event type names, with or without their version suffix ({@code user.provisioned} = {@code user.provisioned.v1})
     * @param actor  an actor type ({@code IDP}, {@code ADMIN}, {@code SYSTEM}, {@code OPERATOR}, {@code USER}) or an actor id
     * @param member a member key or e-mail (case-insensitive)
     */
    public record Filter(Instant from, Instant to, List<String> types, String actorType, String actorId, String member) {

        public static Filter of(String from, String to, String type, String actor, String member) {
            Instant f = instant("from", from);
            Instant t = instant("to", to);
            if (f != null && t != null && f.isAfter(t)) {
                throw DomainException.invalid("invalid_range", "'from' must not be after 'to'");
            }
            List<String> types = null;
            if (type != null && !type.isBlank()) {
                Set<String> matched = new LinkedHashSet<>();
                for (String one : type.split(",")) {
                    String name = one.trim();
                    List<String> hits = AuditProjection.TYPES.stream()
                            .filter(known -> known.equals(name) || known.replaceFirst("\\.v[0-9]+$", "").equals(name)).toList();
                    if (hits.isEmpty()) {
                        throw DomainException.invalid("invalid_type", "unknown audit entry type '" + name + "'; known: "
                                + String.join(", ", AuditProjection.TYPES.stream().sorted().toList()));
                    }
                    matched.addAll(hits);
                }
                types = List.copyOf(matched);
            }
            String actorType = null;
            String actorId = null;
            if (actor != null && !actor.isBlank()) {
                String a = actor.trim();
                if (Arrays.stream(ActorType.values()).anyMatch(v -> v.name().equalsIgnoreCase(a))) {
                    actorType = a.toUpperCase(Locale.ROOT);
                } else {
                    actorId = a;
                }
            }
            return new Filter(f, t, types, actorType, actorId, member == null || member.isBlank() ? null : member.trim().toLowerCase(Locale.ROOT));
        }

        private static Instant instant(String name, String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            try {
                return OffsetDateTime.parse(value.trim()).toInstant();
            } catch (DateTimeParseException e) {
                throw DomainException.invalid("invalid_" + name, "'" + name + "' must be an ISO-8601 time such as 2026-01-31T12:00:00Z");
            }
        }
    }

    private final ObjectMapper json;
    private final ProjectionsConfig config;

    public AuditLog(ObjectMapper json, ProjectionsConfig config) {
        this.json = json;
        this.config = config;
    }

    /** A page of matching entries, newest first, and the count of all of them, in one Hibernate Reactive session. */
    public Uni<PageRequest.Page<Entry>> page(String workspaceId, Filter filter, PageRequest page) {
        Query query = query(workspaceId, filter);
        return Panache.withSession(() -> {
            PanacheQuery<AuditLogRow> found = AuditLogRow.find(query.where(), Sort.descending("occurredAt", "position"), query.params());
            return found.count().flatMap(total -> found.page(Page.of(page.page() - 1, page.size())).list()
                    .map(rows -> page.page(rows.stream().map(this::toEntry).toList(), total)));
        });
    }

    /**
     * Every matching entry, oldest first, as batches of {@code jit.projections.export-batch-size}. Keyset on
     * {@code (occurred_at, position)}: each query starts after the last row of the previous one, so the cost per
     * batch stays flat, and a batch is read only when the consumer (the HTTP response) asks for more.
     */
    public Multi<List<Entry>> stream(String workspaceId, Filter filter) {
        Query query = query(workspaceId, filter);
        String where = query.where() + " and (occurredAt > :afterAt or (occurredAt = :afterAt and position > :afterPosition))";
        class Cursor {
            Instant at = Instant.parse("0001-01-01T00:00:00Z");
            long position = Long.MIN_VALUE;
        }
        return Multi.createBy().repeating()
                .uni(Cursor::new, cursor -> Panache.withSession(() -> AuditLogRow.<AuditLogRow>find(where, Sort.ascending("occurredAt", "position"),
                                copy(query.params()).and("afterAt", cursor.at).and("afterPosition", cursor.position))
                        .page(Page.ofSize(config.exportBatchSize())).list())
                        .map(rows -> {
                            List<Entry> batch = new ArrayList<>(rows.size());
                            for (AuditLogRow row : rows) {
                                batch.add(toEntry(row));
                                cursor.at = row.occurredAt;
                                cursor.position = row.position;
                            }
                            return batch;
                        }))
                .whilst(batch -> batch.size() == config.exportBatchSize())
                .select().where(batch -> !batch.isEmpty());
    }

    /** The filters given, as an HQL condition and its parameters (only what is set: each can use its index). */
    private record Query(String where, Parameters params) {
    }

    private static Query query(String workspaceId, Filter filter) {
        StringBuilder where = new StringBuilder("workspaceId = :ws");
        Parameters params = Parameters.with("ws", workspaceId);
        if (filter.from() != null) {
            where.append(" and occurredAt >= :from");
            params.and("from", filter.from());
        }
        if (filter.to() != null) {
            where.append(" and occurredAt < :to");
            params.and("to", filter.to());
        }
        if (filter.types() != null) {
            where.append(" and type in :types");
            params.and("types", filter.types());
        }
        if (filter.actorType() != null) {
            where.append(" and actorType = :actorType");
            params.and("actorType", filter.actorType());
        }
        if (filter.actorId() != null) {
            where.append(" and actorId = :actorId");
            params.and("actorId", filter.actorId());
        }
        if (filter.member() != null) {
            where.append(" and (memberKey = :member or lower(memberEmail) = :member)");
            params.and("member", filter.member());
        }
        return new Query(where.toString(), params);
    }

    private static Parameters copy(Parameters params) {
        Parameters copy = new Parameters();
        params.map().forEach(copy::and);
        return copy;
    }

    private Entry toEntry(AuditLogRow row) {
        JsonNode details;
        try {
            details = json.readTree(row.details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit entry " + row.id + " has details that are not JSON", e);
        }
        return new Entry(row.id, row.occurredAt, row.type, row.actorType, row.actorId, row.memberKey, row.memberEmail, row.summary, details);
    }

    /** One CSV line (RFC 4180 quoting, CRLF). */
    public static String csvLine(List<String> fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(csvField(fields.get(i)));
        }
        return line.append("\r\n").toString();
    }

    public static final List<String> CSV_HEADER = List.of("id", "occurredAt", "type", "actorType", "actorId", "memberKey",
            "memberEmail", "summary", "details");

    public static List<String> csvFields(Entry e) {
        return Arrays.asList(e.id().toString(), e.occurredAt().toString(), e.type(), e.actorType(), e.actorId(), e.memberKey(),
                e.memberEmail(), e.summary(), e.details() == null ? null : e.details().toString());
    }

    /**
     * Quotes when needed; a value a spreadsheet would run as a formula (leading {@code = + - @}, tab, CR) gets a
     * leading apostrophe (OWASP CSV injection), since NameIDs in rejected sign-ins come from outside.
     */
    static String csvField(String value) {
        if (value == null) {
            return "";
        }
        String v = value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
