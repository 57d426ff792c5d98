package dev.jitprov.provisioning;

/**
 * A member's attributes as a SCIM client manages them (RFC 7643 §4.1), kept on the member's stream so that a
 * {@code GET /Users/{id}} returns what the IdP wrote. The member key is the normalized {@code userName}.
 *
 * @param userName      as the IdP sent it (the member key is its normalized form)
 * @param externalId    the IdP's own id of the user; nullable
 * @param email         the primary (else first) e-mail; nullable
 * @param roleValue     the {@code roles} value the IdP sent (primary, else first); nullable
 * @param otherAttributesJson every other attribute the IdP sent (the enterprise extension
 *                      {@code urn:ietf:params:scim:schemas:extension:enterprise:2.0:User}, title, phone numbers…) as one
 *                      JSON object, kept and returned as is; never the password; nullable
 */
public record ScimProfile(String userName, String externalId, String givenName, String familyName, String displayName,
        String email, String roleValue, String otherAttributesJson) {

    /** The display name to show for the member: {@code displayName}, else given and family name, else null. */
    public String shownName() {
        if (displayName != null && !displayName.isBlank()) {
            return displayName.strip();
        }
        String joined = ((givenName == null ? "" : givenName.strip()) + " " + (familyName == null ? "" : familyName.strip())).strip();
        return joined.isEmpty() ? null : joined;
    }
}
