package dev.jitprov.scim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.PatchOperation;
import com.unboundid.scim2.common.utils.JsonUtils;
import dev.jitprov.provisioning.ScimGroup;
import dev.jitprov.provisioning.ScimProfile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * SCIM resources as JSON (RFC 7643): a User body read into a {@link ScimProfile}, a member rendered as a User, a group
 * as a Group, and PATCH (RFC 7644 §3.5.2) applied with the UnboundID SDK after smoothing what the big clients send:
 * Entra ID's capitalized {@code "Replace"}/{@code "Add"}, booleans as strings ({@code "False"}), path-less operations
 * whose value map holds attribute paths, and {@code remove} of {@code members} with a value list.
 */
public final class ScimJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Attributes of a User body the profile models (or that are never kept: the password, read-only ones). */
    private static final Set<String> MODELLED = Set.of("schemas", "id", "meta", "groups", "password", "username", "externalid",
            "name", "displayname", "emails", "active", "roles");

    /** A User body as the service keeps it. */
    public record UserInput(ScimProfile profile, boolean active) {
    }

    /** A member as a User resource is made of. */
    public record Member(String memberId, String memberKey, String email, String displayName, String role, boolean active,
                         ScimProfile profile, Instant created, Instant lastModified) {
    }

    /** A Group body. */
    public record GroupInput(String displayName, String externalId, Set<String> memberIds) {
    }

    private ScimJson() {
    }

    public static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw ScimError.badRequest(ScimError.INVALID_SYNTAX, "the request has no JSON body");
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw ScimError.badRequest(ScimError.INVALID_SYNTAX, "the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ScimError.badRequest(ScimError.INVALID_SYNTAX, "the body is not JSON: " + e.getOriginalMessage());
        }
    }

    // ---- users ----

    public static UserInput readUser(JsonNode body) {
        requireSchemas(body, ScimSchemas.USER, Set.of(ScimSchemas.USER, ScimSchemas.ENTERPRISE_USER));
        String userName = text(body, "userName");
        if (userName == null || userName.isBlank()) {
            throw ScimError.badRequest(ScimError.INVALID_VALUE, "userName is required");
        }
        JsonNode name = field(body, "name");
        ScimProfile profile = new ScimProfile(userName.strip(), text(body, "externalId"),
                name == null ? null : text(name, "givenName"), name == null ? null : text(name, "familyName"),
                text(body, "displayName"), pick(field(body, "emails"), "emails"), pick(field(body, "roles"), "roles"),
                otherAttributes(body));
        return new UserInput(profile, bool(field(body, "active"), "active", true));
    }

    /** The User resource of a member; {@code groups} are the workspace's groups the member is in. */
    public static ObjectNode user(String location, Member m, List<ScimGroup> groups, String groupsBase) {
        ObjectNode node = userBase(m, false);
        if (!groups.isEmpty()) {
            ArrayNode list = node.putArray("groups");
            for (ScimGroup g : groups) {
                list.addObject().put("value", g.groupId()).put("display", g.displayName()).put("$ref", groupsBase + "/" + g.groupId())
                        .put("type", "direct");
            }
        }
        node.set("meta", meta("User", m.created(), m.lastModified(), location));
        return node;
    }

    /** What a PATCH applies to: the attributes as the IdP wrote them (no read-only attributes). */
    public static ObjectNode userForPatch(Member m) {
        return userBase(m, true);
    }

    private static ObjectNode userBase(Member m, boolean forPatch) {
        ScimProfile p = m.profile();
        ObjectNode node = NODES.objectNode();
        ArrayNode schemas = node.putArray("schemas").add(ScimSchemas.USER);
        if (!forPatch) {
            node.put("id", m.memberId());
        }
        if (p != null && p.externalId() != null) {
            node.put("externalId", p.externalId());
        }
        node.put("userName", p != null && p.userName() != null ? p.userName() : m.memberKey());
        if (p != null && (p.givenName() != null || p.familyName() != null)) {
            ObjectNode name = node.putObject("name");
            putIfPresent(name, "givenName", p.givenName());
            putIfPresent(name, "familyName", p.familyName());
        }
        String displayName = p != null && p.displayName() != null ? p.displayName() : forPatch ? null : m.displayName();
        putIfPresent(node, "displayName", displayName);
        String email = p != null && p.email() != null ? p.email() : m.email();
        if (email != null) {
            node.putArray("emails").addObject().put("value", email).put("type", "work").put("primary", true);
        }
        node.put("active", m.active());
        String role = p != null && p.roleValue() != null ? p.roleValue() : forPatch ? null : m.role();
        if (role != null) {
            node.putArray("roles").addObject().put("value", role).put("primary", true);
        }
        if (p != null && p.otherAttributesJson() != null) {
            ObjectNode others = (ObjectNode) readTree(p.otherAttributesJson());
            others.fields().forEachRemaining(f -> node.set(f.getKey(), f.getValue()));
            if (others.has(ScimSchemas.ENTERPRISE_USER)) {
                schemas.add(ScimSchemas.ENTERPRISE_USER);
            }
        }
        return node;
    }

    // ---- groups ----

    public static GroupInput readGroup(JsonNode body) {
        // Entra ID lists its own group schema beside the core one (kept out of the resource, nothing to store)
        requireSchemas(body, ScimSchemas.GROUP, Set.of(ScimSchemas.GROUP, ScimSchemas.ENTRA_GROUP));
        String displayName = text(body, "displayName");
        if (displayName == null || displayName.isBlank()) {
            throw ScimError.badRequest(ScimError.INVALID_VALUE, "displayName is required");
        }
        Set<String> members = new java.util.TreeSet<>();
        JsonNode list = field(body, "members");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw ScimError.badRequest(ScimError.INVALID_VALUE, "members must be a list");
            }
            for (JsonNode member : list) {
                String value = member.isTextual() ? member.asText() : text(member, "value");
                if (value == null || value.isBlank()) {
                    throw ScimError.badRequest(ScimError.INVALID_VALUE, "each member needs a value (a user id)");
                }
                members.add(value.strip());
            }
        }
        return new GroupInput(displayName.strip(), text(body, "externalId"), members);
    }

    public static ObjectNode group(ScimGroup g, String location, String usersBase, boolean withMembers) {
        ObjectNode node = NODES.objectNode();
        node.putArray("schemas").add(ScimSchemas.GROUP);
        node.put("id", g.groupId());
        putIfPresent(node, "externalId", g.externalId());
        node.put("displayName", g.displayName());
        if (withMembers) {
            ArrayNode members = node.putArray("members");
            for (String id : g.memberIds()) {
                members.addObject().put("value", id).put("$ref", usersBase + "/" + id).put("type", "User");
            }
        }
        node.set("meta", meta("Group", g.created(), g.lastModified(), location));
        return node;
    }

    // ---- PATCH ----

    /** Applies a PatchOp body to {@code resource} (changed in place). */
    public static void patch(ObjectNode resource, JsonNode body) {
        requireSchemas(body, ScimSchemas.PATCH_OP, Set.of(ScimSchemas.PATCH_OP));
        JsonNode operations = field(body, "Operations");
        if (operations == null || !operations.isArray() || operations.isEmpty()) {
            throw ScimError.badRequest(ScimError.INVALID_VALUE, "Operations must be a non-empty list");
        }
        for (JsonNode raw : operations) {
            for (ObjectNode op : smoothed(raw)) {
                PatchOperation operation;
                try {
                    operation = JsonUtils.getObjectReader().treeToValue(op, PatchOperation.class);
                } catch (Exception e) {
                    throw ScimError.badRequest(e.getMessage() != null && e.getMessage().contains("path") ? ScimError.INVALID_PATH
                            : ScimError.INVALID_VALUE, "operation " + op + " cannot be read: " + firstLine(e.getMessage()));
                }
                try {
                    operation.apply(resource);
                } catch (ScimException e) {
                    throw new ScimError(e.getScimError().getStatus() == null ? 400 : e.getScimError().getStatus(),
                            e.getScimError().getScimType(), e.getScimError().getDetail());
                } catch (RuntimeException e) {
                    throw ScimError.badRequest(ScimError.INVALID_VALUE, "operation " + op + " cannot be applied: " + firstLine(e.getMessage()));
                }
            }
        }
    }

    /** One operation as the SDK reads it: lower-case op; a path-less map split into one operation per key; Entra's member removal. */
    private static List<ObjectNode> smoothed(JsonNode raw) {
        if (!raw.isObject()) {
            throw ScimError.badRequest(ScimError.INVALID_VALUE, "each operation must be an object");
        }
        ObjectNode op = ((ObjectNode) raw).deepCopy();
        String name = text(op, "op");
        if (name == null) {
            throw ScimError.badRequest(ScimError.INVALID_VALUE, "each operation needs 'op': add, replace or remove");
        }
        op.put("op", name.toLowerCase(Locale.ROOT));
        List<ObjectNode> result = new ArrayList<>();
        JsonNode path = op.get("path");
        JsonNode value = op.get("value");
        boolean pathless = path == null || path.isNull() || path.asText().isBlank();
        if (pathless && value != null && value.isObject() && !name.equalsIgnoreCase("remove")) {
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                result.add(NODES.objectNode().put("op", op.get("op").asText()).put("path", f.getKey()).set("value", f.getValue()));
            }
            return result;
        }
        if ("remove".equals(op.get("op").asText()) && !pathless && path.asText().equalsIgnoreCase("members")
                && value != null && value.isArray()) {
            for (JsonNode member : value) {
                String id = member.isTextual() ? member.asText() : text(member, "value");
                result.add(NODES.objectNode().put("op", "remove").put("path", "members[value eq " + TextNode.valueOf(id) + "]"));
            }
            return result;
        }
        if ("remove".equals(op.get("op").asText())) {
            op.remove("value");
        }
        result.add(op);
        return result;
    }

    // ---- helpers ----

    private static void requireSchemas(JsonNode body, String required, Set<String> known) {
        JsonNode schemas = field(body, "schemas");
        if (schemas == null || !schemas.isArray()) {
            throw ScimError.badRequest(ScimError.INVALID_VALUE, "'schemas' must list " + required);
        }
        boolean found = false;
        for (JsonNode s : schemas) {
            if (!known.contains(s.asText())) {
                throw ScimError.badRequest(ScimError.INVALID_VALUE, "unknown schema " + s.asText() + "; this endpoint knows " + known);
            }
            found |= s.asText().equals(required);
        }
        if (!found) {
            throw ScimError.badRequest(ScimError.INVALID_VALUE, "'schemas' must list " + required);
        }
    }

    /** SCIM attribute names are case-insensitive (RFC 7643 §2.1). */
    static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getKey().equalsIgnoreCase(name)) {
                return f.getValue();
            }
        }
        return null;
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw ScimError.badRequest(ScimError.INVALID_VALUE, "'" + name + "' must be a single value");
        }
        return value.asText();
    }

    /** true/false, or the strings Entra ID sends ("True", "False"). */
    private static boolean bool(JsonNode value, String name, boolean absent) {
        if (value == null || value.isNull()) {
            return absent;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual() && (value.asText().equalsIgnoreCase("true") || value.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(value.asText().toLowerCase(Locale.ROOT));
        }
        throw ScimError.badRequest(ScimError.INVALID_VALUE, "'" + name + "' must be true or false");
    }

    /** The primary value of a multi-valued attribute, else the work one, else the first. */
    private static String pick(JsonNode values, String name) {
        if (values == null || values.isNull()) {
            return null;
        }
        if (!values.isArray()) {
            throw ScimError.badRequest(ScimError.INVALID_VALUE, "'" + name + "' must be a list");
        }
        JsonNode chosen = null;
        for (JsonNode v : values) {
            if (bool(field(v, "primary"), "primary", false)) {
                chosen = v;
                break;
            }
        }
        for (JsonNode v : values) {
            if (chosen == null && v.isObject() && "work".equalsIgnoreCase(text(v, "type"))) {
                chosen = v;
            }
        }
        if (chosen == null && !values.isEmpty()) {
            chosen = values.get(0);
        }
        if (chosen == null) {
            return null;
        }
        String value = chosen.isTextual() ? chosen.asText() : text(chosen, "value");
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String otherAttributes(JsonNode body) {
        ObjectNode others = NODES.objectNode();
        body.fields().forEachRemaining(f -> {
            if (!MODELLED.contains(f.getKey().toLowerCase(Locale.ROOT))) {
                others.set(f.getKey(), f.getValue());
            }
        });
        return others.isEmpty() ? null : others.toString();
    }

    private static ObjectNode meta(String type, Instant created, Instant lastModified, String location) {
        ObjectNode meta = NODES.objectNode();
        meta.put("resourceType", type);
        meta.put("created", String.valueOf(created));
        meta.put("lastModified", String.valueOf(lastModified == null ? created : lastModified));
        meta.put("location", location);
        meta.put("version", "W/\"" + (lastModified == null ? created : lastModified).toEpochMilli() + "\"");
        return meta;
    }

    private static void putIfPresent(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static JsonNode readTree(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored SCIM attributes are not JSON", e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
