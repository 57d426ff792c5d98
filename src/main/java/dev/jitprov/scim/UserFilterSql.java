package dev.jitprov.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.filters.FilterType;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * A SCIM filter on Users (RFC 7644 §3.4.2.2), parsed by the UnboundID SDK, as a SQL condition on {@code member_index m}
 * with its parameters appended to {@code params}. Attributes: {@code id}, {@code userName} (case-insensitive, the
 * member key), {@code externalId} (case-exact), {@code emails} / {@code emails.value} / {@code emails[type eq "work"].value},
 * {@code displayName}, {@code name.givenName}, {@code name.familyName}, {@code active}, {@code meta.created},
 * {@code meta.lastModified}; operators eq, ne, co, sw, ew, pr, gt, ge, lt, le, and, or, not. Anything else is an
 * {@code invalidFilter} error.
 */
final class UserFilterSql {

    private final List<Object> params;

    private UserFilterSql(List<Object> params) {
        this.params = params;
    }

    /**
     * {@code emails[type eq "work"].value eq "…"}, which Entra ID and the clients send, is a PATCH path followed by
     * a comparison, outside RFC 7644's filter grammar; it means {@code emails[type eq "work" and value eq "…"]}.
     */
    private static final java.util.regex.Pattern VALUE_PATH_COMPARISON = java.util.regex.Pattern.compile(
            "([A-Za-z][\\w:.-]*)\\[([^\\]]*)\\]\\.([A-Za-z]\\w*)\\s+(?i:(eq|ne|co|sw|ew|gt|ge|lt|le)\\s+(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s)]+)|(pr))");

    static Filter parse(String filter) {
        java.util.regex.Matcher m = VALUE_PATH_COMPARISON.matcher(filter);
        StringBuilder rewritten = new StringBuilder();
        while (m.find()) {
            String comparison = m.group(6) != null ? m.group(3) + " pr" : m.group(3) + " " + m.group(4) + " " + m.group(5);
            m.appendReplacement(rewritten, java.util.regex.Matcher.quoteReplacement(m.group(1) + "[" + m.group(2) + " and " + comparison + "]"));
        }
        m.appendTail(rewritten);
        try {
            return Filter.fromString(rewritten.toString());
        } catch (BadRequestException e) {
            throw ScimError.badRequest(ScimError.INVALID_FILTER, "the filter does not parse: " + e.getMessage());
        }
    }

    /** The condition of {@code filter}; its values become $n parameters after those already in {@code params}. */
    static String where(Filter filter, List<Object> params) {
        return new UserFilterSql(params).condition(filter, null);
    }

    /** @param within the multi-valued attribute a complex filter is inside of ("emails"), else null */
    private String condition(Filter f, String within) {
        FilterType type = f.getFilterType();
        switch (type) {
            case AND:
            case OR: {
                StringBuilder sql = new StringBuilder("(");
                List<Filter> parts = f.getCombinedFilters();
                for (int i = 0; i < parts.size(); i++) {
                    if (i > 0) {
                        sql.append(type == FilterType.AND ? " AND " : " OR ");
                    }
                    sql.append(condition(parts.get(i), within));
                }
                return sql.append(')').toString();
            }
            case NOT:
                return "NOT coalesce(" + condition(f.getInvertedFilter(), within) + ", false)";
            case COMPLEX_VALUE: {
                String attribute = attributeOf(f.getAttributePath());
                if (!attribute.equals("emails")) {
                    throw unsupported(f.getAttributePath());
                }
                return condition(f.getValueFilter(), "emails");
            }
            default:
                return comparison(f, within);
        }
    }

    private String comparison(Filter f, String within) {
        Path path = f.getAttributePath();
        String attribute = within == null ? attributeOf(path) : within + "." + attributeOf(path);
        String filterOnElement = null;
        if (within == null && path.size() > 0 && path.getElement(0).getValueFilter() != null) {
            // emails[type eq "work"].value eq "…"
            if (!path.getElement(0).getAttribute().equalsIgnoreCase("emails")) {
                throw unsupported(path);
            }
            filterOnElement = condition(path.getElement(0).getValueFilter(), "emails");
        }
        String column;
        boolean caseInsensitive = true;
        Kind kind = Kind.TEXT;
        switch (attribute) {
            case "id":
                column = "m.member_id::text";
                caseInsensitive = false;
                break;
            case "username":
                column = "m.member_key";
                break;
            case "externalid":
                column = "m.external_id";
                caseInsensitive = false;
                break;
            case "emails":
            case "emails.value":
                column = "m.email";
                break;
            case "emails.type":
                // one e-mail per member, of type work
                return constant(f, "work");
            case "emails.primary":
                return constant(f, "true");
            case "displayname":
                column = "m.display_name";
                break;
            case "name.givenname":
                column = "(m.scim->>'givenName')";
                break;
            case "name.familyname":
                column = "(m.scim->>'familyName')";
                break;
            case "active":
                column = "(NOT m.deactivated)";
                kind = Kind.BOOLEAN;
                break;
            case "meta.created":
                column = "m.created_at";
                kind = Kind.TIME;
                break;
            case "meta.lastmodified":
                column = "coalesce(m.updated_at, m.created_at)";
                kind = Kind.TIME;
                break;
            default:
                throw unsupported(path);
        }
        String sql = compare(f, column, caseInsensitive, kind, attribute);
        return filterOnElement == null ? sql : "(" + filterOnElement + " AND " + sql + ")";
    }

    private enum Kind { TEXT, BOOLEAN, TIME }

    private String compare(Filter f, String column, boolean caseInsensitive, Kind kind, String attribute) {
        FilterType type = f.getFilterType();
        if (type == FilterType.PRESENT) {
            return column + " IS NOT NULL";
        }
        JsonNode value = f.getComparisonValue();
        if (value == null || value.isNull()) {
            // "eq null" is "not present" (RFC 7644 §3.4.2.2)
            return type == FilterType.NOT_EQUAL ? column + " IS NOT NULL" : column + " IS NULL";
        }
        if (kind == Kind.BOOLEAN) {
            if (!value.isBoolean() || (type != FilterType.EQUAL && type != FilterType.NOT_EQUAL)) {
                throw ScimError.badRequest(ScimError.INVALID_FILTER, attribute + " is compared with eq or ne and true or false");
            }
            return column + (type == FilterType.EQUAL ? " = " : " <> ") + param(value.booleanValue());
        }
        if (kind == Kind.TIME) {
            OffsetDateTime at;
            try {
                at = OffsetDateTime.ofInstant(Instant.parse(value.asText()), ZoneOffset.UTC);
            } catch (RuntimeException e) {
                throw ScimError.badRequest(ScimError.INVALID_FILTER, attribute + " needs a date-time such as 2026-12-01T10:00:00Z");
            }
            return column + " " + operator(type, attribute) + " " + param(at);
        }
        if (!value.isTextual()) {
            throw ScimError.badRequest(ScimError.INVALID_FILTER, attribute + " is compared with a string");
        }
        String text = value.asText();
        String left = caseInsensitive && !column.equals("m.member_key") ? "lower(" + column + ")" : column;
        String v = caseInsensitive ? text.toLowerCase(Locale.ROOT) : text;
        switch (type) {
            case CONTAINS:
                return left + " LIKE " + param("%" + escapeLike(v) + "%");
            case STARTS_WITH:
                return left + " LIKE " + param(escapeLike(v) + "%");
            case ENDS_WITH:
                return left + " LIKE " + param("%" + escapeLike(v));
            case EQUAL:
                return left + " = " + param(column.equals("m.member_key") ? v.strip() : v);
            case NOT_EQUAL:
                return left + " IS DISTINCT FROM " + param(v);
            default:
                return left + " " + operator(type, attribute) + " " + param(v);
        }
    }

    private static String operator(FilterType type, String attribute) {
        switch (type) {
            case EQUAL: return "=";
            case NOT_EQUAL: return "<>";
            case GREATER_THAN: return ">";
            case GREATER_OR_EQUAL: return ">=";
            case LESS_THAN: return "<";
            case LESS_OR_EQUAL: return "<=";
            default:
                throw ScimError.badRequest(ScimError.INVALID_FILTER, "operator " + type + " does not apply to " + attribute);
        }
    }

    /** A comparison on a value every member has the same of: true or false in SQL. */
    private static String constant(Filter f, String actual) {
        if (f.getFilterType() == FilterType.PRESENT) {
            return "true";
        }
        JsonNode value = f.getComparisonValue();
        boolean equal = value != null && value.asText().equalsIgnoreCase(actual);
        switch (f.getFilterType()) {
            case EQUAL: return String.valueOf(equal);
            case NOT_EQUAL: return String.valueOf(!equal);
            default: throw ScimError.badRequest(ScimError.INVALID_FILTER, "only eq, ne and pr apply to " + f.getAttributePath());
        }
    }

    private String param(Object value) {
        params.add(value);
        return "$" + params.size();
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** The attribute path in lower case without the core User schema's URN and without value filters. */
    private static String attributeOf(Path path) {
        if (path.getSchemaUrn() != null && !path.getSchemaUrn().equalsIgnoreCase(ScimSchemas.USER)) {
            throw unsupported(path);
        }
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < path.size(); i++) {
            if (i > 0) {
                name.append('.');
            }
            name.append(path.getElement(i).getAttribute().toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }

    private static ScimError unsupported(Path path) {
        return ScimError.badRequest(ScimError.INVALID_FILTER, "cannot filter on '" + path + "'; Users filter on id, userName, "
                + "externalId, emails, emails.value, displayName, name.givenName, name.familyName, active, meta.created, meta.lastModified");
    }
}
