package dev.jitprov.projection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.paging.PageRequest;
import dev.jitprov.provisioning.DomainException;
import dev.jitprov.provisioning.ActorType;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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

    private static final String SELECT = "SELECT id, position, occurred_at, type, actor_type, actor_id, member_key, member_email, "
            + "summary, details::text AS details FROM audit_log";

    /** From inclusive, to exclusive. */
    private static final String WHERE = " WHERE workspace_id = $1"
            + " AND ($2::timestamptz IS NULL OR occurred_at >= $2) AND ($3::timestamptz IS NULL OR occurred_at < $3)"
            + " AND ($4::text[] IS NULL OR type = ANY($4))"
            + " AND ($5::text IS NULL OR actor_type = $5) AND ($6::text IS NULL OR actor_id = $6)"
            + " AND ($7::text IS NULL OR member_key = $7 OR lower(member_email) = $7)";

    private final Pool pool;
    private final ObjectMapper json;
    private final ProjectionsConfig config;

    public AuditLog(Pool pool, ObjectMapper json, ProjectionsConfig config) {
        this.pool = pool;
        this.json = json;
        this.config = config;
    }

    public Uni<PageRequest.Page<Entry>> page(String workspaceId, Filter filter, PageRequest page) {
        List<Object> params = params(workspaceId, filter);
        return pool.preparedQuery("SELECT count(*) AS total FROM audit_log" + WHERE).execute(Tuple.tuple(params))
                .flatMap(count -> {
                    List<Object> paged = new ArrayList<>(params);
                    paged.add(page.size());
                    paged.add(page.offset());
                    return pool.preparedQuery(SELECT + WHERE + " ORDER BY occurred_at DESC, position DESC LIMIT $8 OFFSET $9")
                            .execute(Tuple.tuple(paged))
                            .map(rows -> {
                                List<Entry> items = new ArrayList<>();
                                rows.forEach(row -> items.add(toEntry(row)));
                                return page.page(items, count.iterator().next().getLong("total"));
                            });
                });
    }

    /**
     * Every matching entry, oldest first, as batches of {@code jit.projections.export-batch-size}. Keyset on
     * {@code (occurred_at, position)}: each query starts after the last row of the previous one, so the cost per
     * batch stays flat, and a batch is read only when the consumer (the HTTP response) asks for more.
     */
    public Multi<List<Entry>> stream(String workspaceId, Filter filter) {
        List<Object> params = params(workspaceId, filter);
        String sql = SELECT + WHERE + " AND (occurred_at, position) > ($8, $9) ORDER BY occurred_at, position LIMIT $10";
        class Cursor {
            OffsetDateTime at = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
            long position = Long.MIN_VALUE;
        }
        return Multi.createBy().repeating()
                .uni(Cursor::new, cursor -> {
                    List<Object> keyed = new ArrayList<>(params);
                    keyed.add(cursor.at);
                    keyed.add(cursor.position);
                    keyed.add(config.exportBatchSize());
                    return pool.preparedQuery(sql).execute(Tuple.tuple(keyed)).map(rows -> {
                        List<Entry> batch = new ArrayList<>(rows.size());
                        for (Row row : rows) {
                            batch.add(toEntry(row));
                            cursor.at = row.getOffsetDateTime("occurred_at");
                            cursor.position = row.getLong("position");
                        }
                        return batch;
                    });
                })
                .whilst(batch -> batch.size() == config.exportBatchSize())
                .select().where(batch -> !batch.isEmpty());
    }

    private static List<Object> params(String workspaceId, Filter filter) {
        return new ArrayList<>(Arrays.asList(workspaceId, utc(filter.from()), utc(filter.to()),
                filter.types() == null ? null : filter.types().toArray(new String[0]),
                filter.actorType(), filter.actorId(), filter.member()));
    }

    private Entry toEntry(Row row) {
        JsonNode details;
        try {
            details = json.readTree(row.getString("details"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit entry " + row.getUUID("id") + " has details that are not JSON", e);
        }
        return new Entry(row.getUUID("id"), row.getOffsetDateTime("occurred_at").toInstant(), row.getString("type"),
                row.getString("actor_type"), row.getString("actor_id"), row.getString("member_key"), row.getString("member_email"),
                row.getString("summary"), details);
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
