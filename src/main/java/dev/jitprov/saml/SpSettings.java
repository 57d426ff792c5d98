package dev.jitprov.saml;

import java.util.Objects;

/**
 * This service provider as one workspace presents it to its IdP.
 *
 * @param entityId the SP entity ID, the audience every assertion must name
 * @param acsUrl   the Assertion Consumer Service URL: expected Destination and bearer Recipient
 */
public record SpSettings(String entityId, String acsUrl) {
    public SpSettings {
        Objects.requireNonNull(entityId, "entityId");
        Objects.requireNonNull(acsUrl, "acsUrl");
    }
}
