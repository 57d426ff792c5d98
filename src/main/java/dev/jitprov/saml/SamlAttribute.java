package dev.jitprov.saml;

import java.util.List;
import java.util.Objects;

/**
 * One SAML attribute of the verified assertion.
 *
 * @param name         the Attribute Name (a URI for Entra ID, an OID for Keycloak, a plain word for Okta)
 * @param friendlyName the FriendlyName or {@code null}
 * @param values       the text of each AttributeValue, in document order
 */
public record SamlAttribute(String name, String friendlyName, List<String> values) {
    public SamlAttribute {
        Objects.requireNonNull(name, "name");
        values = List.copyOf(values);
    }

    /** Whether {@code nameOrFriendlyName} equals the Name or the FriendlyName (ignoring case). */
    public boolean matches(String nameOrFriendlyName) {
        return name.equalsIgnoreCase(nameOrFriendlyName)
                || (friendlyName != null && friendlyName.equalsIgnoreCase(nameOrFriendlyName));
    }
}
