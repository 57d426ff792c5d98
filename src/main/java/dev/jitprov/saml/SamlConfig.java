package dev.jitprov.saml;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** SAML acceptance settings (SPEC §4). */
@ConfigMapping(prefix = "jit.saml")
public interface SamlConfig {

    /** Tolerated clock difference with the IdP for every time check. */
    @WithDefault("PT60S")
    Duration clockSkew();

    /** Oldest IssueInstant accepted. */
    @WithDefault("PT5M")
    Duration maxIssueInstantAge();

    /** Largest SAMLResponse form field accepted, checked before decoding. */
    @WithDefault("262144")
    int maxBodyBytes();

    /** How often expired entries leave the replay cache. */
    @WithDefault("5m")
    String replayCleanupEvery();
}
