package dev.jitprov.provisioning;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * A SAML sign-in that passed every SAML check, as input to {@link SignInDecider}.
 *
 * @param memberKey   the normalized NameID ({@link MemberKeys#normalize(String)})
 * @param email       nullable: defaults to the member key
 * @param displayName nullable
 * @param attributes  attribute values by Name or FriendlyName, in document order (empty list or null when absent)
 * @param idpActor    the actor recorded on the events (type IDP)
 */
public record SignIn(String memberKey, String email, String displayName, Function<String, List<String>> attributes,
        String sessionId, Instant now, Duration sessionLifetime, Actor idpActor) {
}
