package dev.jitprov.scim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The discovery resources (RFC 7644 §4): ServiceProviderConfig (PATCH and filter yes; sort, bulk, change-password and
 * ETags no; OAuth bearer token), the User and Group resource types and their schemas with the attributes this service
 * provider keeps.
 */
public final class ScimDiscovery {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ScimDiscovery() {
    }

    public static ObjectNode serviceProviderConfig(String base) {
        ObjectNode c = NODES.objectNode();
        c.putArray("schemas").add(ScimSchemas.SERVICE_PROVIDER_CONFIG);
        c.put("documentationUri", base.replaceAll("/scim/v2/.*$", "") + "/q/openapi");
        c.putObject("patch").put("supported", true);
        c.putObject("bulk").put("supported", false).put("maxOperations", 0).put("maxPayloadSize", 0);
        c.putObject("filter").put("supported", true).put("maxResults", ScimSchemas.MAX_COUNT);
        c.putObject("changePassword").put("supported", false);
        c.putObject("sort").put("supported", false);
        c.putObject("etag").put("supported", false);
        c.putArray("authenticationSchemes").addObject().put("type", "oauthbearertoken").put("name", "OAuth Bearer Token")
                .put("description", "The workspace's SCIM token, created by an admin under Automate user provisioning")
                .put("primary", true);
        c.putObject("meta").put("resourceType", "ServiceProviderConfig").put("location", base + "/ServiceProviderConfig");
        return c;
    }

    public static ObjectNode resourceTypes(String base) {
        ArrayNode resources = NODES.arrayNode().add(resourceType(base, "User")).add(resourceType(base, "Group"));
        return list(resources);
    }

    public static ObjectNode resourceType(String base, String name) {
        boolean user = name.equalsIgnoreCase("User");
        if (!user && !name.equalsIgnoreCase("Group")) {
            throw ScimError.notFound("no resource type " + name + "; there are User and Group");
        }
        ObjectNode t = NODES.objectNode();
        t.putArray("schemas").add(ScimSchemas.RESOURCE_TYPE);
        t.put("id", user ? "User" : "Group");
        t.put("name", user ? "User" : "Group");
        t.put("endpoint", user ? "/Users" : "/Groups");
        t.put("schema", user ? ScimSchemas.USER : ScimSchemas.GROUP);
        if (user) {
            t.putArray("schemaExtensions").addObject().put("schema", ScimSchemas.ENTERPRISE_USER).put("required", false);
        }
        t.putObject("meta").put("resourceType", "ResourceType").put("location", base + "/ResourceTypes/" + (user ? "User" : "Group"));
        return t;
    }

    public static ObjectNode schemas(String base) {
        return list(NODES.arrayNode().add(schema(base, ScimSchemas.USER)).add(schema(base, ScimSchemas.GROUP))
                .add(schema(base, ScimSchemas.ENTERPRISE_USER)));
    }

    public static ObjectNode schema(String base, String urn) {
        ObjectNode s = NODES.objectNode();
        s.putArray("schemas").add(ScimSchemas.SCHEMA);
        s.put("id", urn);
        ArrayNode attributes = s.putArray("attributes");
        if (urn.equals(ScimSchemas.USER)) {
            s.put("name", "User");
            attribute(attributes, "userName", "string", true, "readWrite", "server", false);
            attribute(attributes, "externalId", "string", false, "readWrite", "none", true);
            ObjectNode name = attribute(attributes, "name", "complex", false, "readWrite", "none", false);
            ArrayNode subs = name.putArray("subAttributes");
            attribute(subs, "givenName", "string", false, "readWrite", "none", false);
            attribute(subs, "familyName", "string", false, "readWrite", "none", false);
            attribute(attributes, "displayName", "string", false, "readWrite", "none", false);
            multi(attribute(attributes, "emails", "complex", false, "readWrite", "none", false));
            attribute(attributes, "active", "boolean", false, "readWrite", "none", false);
            multi(attribute(attributes, "roles", "complex", false, "readWrite", "none", false));
            multi(attribute(attributes, "groups", "complex", false, "readOnly", "none", false));
        } else if (urn.equals(ScimSchemas.GROUP)) {
            s.put("name", "Group");
            attribute(attributes, "displayName", "string", true, "readWrite", "server", false);
            attribute(attributes, "externalId", "string", false, "readWrite", "none", true);
            multi(attribute(attributes, "members", "complex", false, "readWrite", "none", false));
        } else if (urn.equals(ScimSchemas.ENTERPRISE_USER)) {
            s.put("name", "EnterpriseUser");
            s.put("description", "Kept as the IdP sends it and returned as is");
            for (String a : new String[]{"employeeNumber", "costCenter", "organization", "division", "department"}) {
                attribute(attributes, a, "string", false, "readWrite", "none", false);
            }
            attribute(attributes, "manager", "complex", false, "readWrite", "none", false);
        } else {
            throw ScimError.notFound("no schema " + urn);
        }
        s.putObject("meta").put("resourceType", "Schema").put("location", base + "/Schemas/" + urn);
        return s;
    }

    private static ObjectNode attribute(ArrayNode into, String name, String type, boolean required, String mutability,
                                        String uniqueness, boolean caseExact) {
        ObjectNode a = into.addObject();
        a.put("name", name).put("type", type).put("multiValued", false).put("required", required).put("caseExact", caseExact)
                .put("mutability", mutability).put("returned", "default").put("uniqueness", uniqueness);
        return a;
    }

    private static void multi(ObjectNode attribute) {
        attribute.put("multiValued", true);
    }

    private static ObjectNode list(ArrayNode resources) {
        ObjectNode list = NODES.objectNode();
        list.putArray("schemas").add(ScimSchemas.LIST_RESPONSE);
        list.put("totalResults", resources.size());
        list.put("startIndex", 1);
        list.put("itemsPerPage", resources.size());
        list.set("Resources", resources);
        return list;
    }
}
