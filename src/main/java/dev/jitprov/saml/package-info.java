/**
 * SAML 2.0 Web SSO for the service provider side: the Response validation pipeline of SPEC §4, IdP metadata
 * parsing, SP metadata rendering.
 *
 * <p>Entry points: {@link dev.jitprov.saml.SamlResponseValidator} (one shared instance, thread-safe),
 * {@link dev.jitprov.saml.IdpMetadataParser}, {@link dev.jitprov.saml.SpMetadata},
 * {@link dev.jitprov.saml.Certificates}. Call {@link dev.jitprov.saml.OpenSamlBootstrap#ensureInitialized()} at
 * startup: OpenSAML initialisation takes seconds.
 *
 * <p>Pipeline (first failure stops it; each failure has its own {@link dev.jitprov.saml.SamlErrorCode}):
 * <ol>
 * <li>{@code body_size}, {@code base64}, {@code xml}: {@link dev.jitprov.saml.XmlInput}</li>
 * <li>{@code response}: root, Version, ID, Status, on the DOM</li>
 * <li>{@code assertion_count}: exactly one assertion in the whole document (XSW defence), then unmarshal</li>
 * <li>{@code signature_present}, {@code response_signature}, [{@code decryption}], {@code assertion_signature}:
 * {@link dev.jitprov.saml.SignatureChecks}, {@link dev.jitprov.saml.AssertionDecryption}</li>
 * <li>{@code issuer}, {@code destination}, {@code in_response_to}: {@link dev.jitprov.saml.ResponseChecks}</li>
 * <li>{@code subject_confirmation}, {@code conditions}, {@code issue_instant}, {@code authn_statement},
 * {@code name_id}: {@link dev.jitprov.saml.AssertionChecks}</li>
 * </ol>
 * Replay detection (step 11) is the caller's: key {@code SamlPrincipal.assertionId()}, keep until
 * {@code SamlPrincipal.assertionNotOnOrAfter()} plus the clock skew.
 *
 * <p>The pipeline itself is plain Java without CDI ({@link dev.jitprov.saml.SamlResponseValidator} and the check
 * classes), unit-testable and reused by the ACS and the inspector. The CDI beans around it are adapters:
 * {@link dev.jitprov.saml.WorkspaceSamlValidator} (the pipeline bound to a workspace's SP and IdP),
 * {@link dev.jitprov.saml.SamlSignIn} (the sign-in use case), {@link dev.jitprov.saml.ReplayCache},
 * {@link dev.jitprov.saml.AuthnRequests} (SP-initiated login) and {@link dev.jitprov.saml.AcsGuard} (G10).
 */
package dev.jitprov.saml;
