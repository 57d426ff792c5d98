package dev.jitprov.members;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.provisioning.ScimProfile;

/** A {@link ScimProfile} as the JSON kept in {@code member_index.scim} (the same shape as in its event). */
public final class ScimProfileJson {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ScimProfileJson() {
    }

    public static String write(ScimProfile profile) {
        try {
            return JSON.writeValueAsString(profile);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a SCIM profile that is not JSON", e);
        }
    }

    /** The profile, or null for no text. */
    public static ScimProfile read(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readValue(text, ScimProfile.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("member_index.scim is not a SCIM profile: " + e.getOriginalMessage(), e);
        }
    }
}
