package dev.jitprov.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code attributes} and {@code excludedAttributes} parameters (RFC 7644 §3.9) applied to a rendered resource:
 * top-level attributes and one level of sub-attributes ({@code name.givenName}); {@code id} and {@code schemas} are
 * always returned.
 */
final class ScimAttributes {

    private ScimAttributes() {
    }

    static ObjectNode project(ObjectNode resource, String attributes, String excluded) {
        if (attributes != null && !attributes.isBlank()) {
            Set<String> wanted = names(attributes);
            wanted.add("id");
            wanted.add("schemas");
            keepOnly(resource, wanted);
        } else if (excluded != null && !excluded.isBlank()) {
            Set<String> unwanted = names(excluded);
            unwanted.remove("id");
            unwanted.remove("schemas");
            remove(resource, unwanted);
        }
        return resource;
    }

    private static void keepOnly(ObjectNode resource, Set<String> wanted) {
        List<String> drop = new ArrayList<>();
        Iterator<String> fields = resource.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            String lower = field.toLowerCase(Locale.ROOT);
            if (wanted.contains(lower)) {
                continue;
            }
            Set<String> subs = new LinkedHashSet<>();
            for (String w : wanted) {
                if (w.startsWith(lower + ".")) {
                    subs.add(w.substring(lower.length() + 1));
                }
            }
            JsonNode value = resource.get(field);
            if (!subs.isEmpty() && value.isObject()) {
                keepOnly((ObjectNode) value, subs);
            } else {
                drop.add(field);
            }
        }
        resource.remove(drop);
    }

    private static void remove(ObjectNode resource, Set<String> unwanted) {
        List<String> drop = new ArrayList<>();
        Iterator<String> fields = resource.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            String lower = field.toLowerCase(Locale.ROOT);
            if (unwanted.contains(lower)) {
                drop.add(field);
                continue;
            }
            JsonNode value = resource.get(field);
            if (value.isObject()) {
                Set<String> subs = new LinkedHashSet<>();
                for (String u : unwanted) {
                    if (u.startsWith(lower + ".")) {
                        subs.add(u.substring(lower.length() + 1));
                    }
                }
                if (!subs.isEmpty()) {
                    remove((ObjectNode) value, subs);
                }
            }
        }
        resource.remove(drop);
    }

    private static Set<String> names(String list) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : list.split(",")) {
            String n = name.strip().toLowerCase(Locale.ROOT);
            String core = ScimSchemas.USER.toLowerCase(Locale.ROOT) + ":";
            String group = ScimSchemas.GROUP.toLowerCase(Locale.ROOT) + ":";
            n = n.startsWith(core) ? n.substring(core.length()) : n.startsWith(group) ? n.substring(group.length()) : n;
            if (!n.isEmpty()) {
                names.add(n);
            }
        }
        return names;
    }
}
