package dev.jitprov.saml;

import java.time.Instant;
import java.util.List;

/**
 * The user a verified assertion vouches for. Every field comes from the one assertion whose signature
 * (its own or the enclosing Response's) was verified.
 *
 * @param nameId                the NameID text (whole element text; comments cannot truncate it)
 * @param nameIdFormat          the NameID Format, {@code ...:unspecified} when absent
 * @param email                 the NameID if it looks like an e-mail, else the first e-mail attribute, or {@code null}
 * @param firstName             given name attribute or {@code null}
 * @param lastName              surname attribute or {@code null}
 * @param displayName           displayName/name claim, else first + last, else the NameID
 * @param attributes            all attributes in document order
 * @param sessionIndex          the AuthnStatement SessionIndex (for logout) or {@code null}
 * @param issuer                the IdP entity ID
 * @param assertionId           the Assertion ID: the replay-cache key
 * @param assertionNotOnOrAfter the latest instant at which the assertion could still be accepted: the later of
 *                              Conditions NotOnOrAfter and bearer SubjectConfirmationData NotOnOrAfter. Keep the
 *                              replay-cache entry at least until then (plus the clock skew)
 * @param responseId            the Response ID
 * @param inResponseTo          the InResponseTo carried by the response, or {@code null} (unsolicited)
 */
public record SamlPrincipal(String nameId, String nameIdFormat, String email, String firstName, String lastName,
        String displayName, List<SamlAttribute> attributes, String sessionIndex, String issuer, String assertionId,
        Instant assertionNotOnOrAfter, String responseId, String inResponseTo) {

    public SamlPrincipal {
        attributes = List.copyOf(attributes);
    }

    /**
     * The values of one attribute (G9, docs/security.md): the one whose Name equals {@code name} (ignoring case);
     * only when no attribute has that Name, the one whose FriendlyName does. Values of different attributes are never
     * merged, and when two attributes qualify the answer is empty (the role then resolves as missing): an IdP that
     * lets users edit an attribute with a chosen FriendlyName (Okta profile fields, Keycloak user attributes) must not
     * be able to add or replace the role the IdP maps.
     */
    public List<String> attributeValues(String name) {
        List<SamlAttribute> byName = attributes.stream().filter(a -> a.name().equalsIgnoreCase(name)).toList();
        if (!byName.isEmpty()) {
            return byName.size() == 1 ? List.copyOf(byName.get(0).values()) : List.of();
        }
        List<SamlAttribute> byFriendlyName = attributes.stream()
                .filter(a -> a.friendlyName() != null && a.friendlyName().equalsIgnoreCase(name)).toList();
        return byFriendlyName.size() == 1 ? List.copyOf(byFriendlyName.get(0).values()) : List.of();
    }
}
