package dev.jitprov.saml;

import java.util.List;

/**
 * How real IdPs shape their responses, for tests: which element they sign and how they name attributes. Each
 * shape describes the user Ada Lovelace (ada@example.com) in that IdP's vocabulary.
 */
public enum IdpShape {
    /** Okta: Response and Assertion signed, plain attribute names. */
    OKTA(true, true),
    /** Microsoft Entra ID: only the Assertion signed, claim URIs as attribute names, opaque persistent NameID. */
    ENTRA_ID(false, true),
    /** OneLogin: only the Response signed, {@code User.email}, {@code memberOf}. */
    ONELOGIN(true, false),
    /** Keycloak: both signed, OID names with FriendlyName, a {@code Role} attribute. */
    KEYCLOAK(true, true);

    static final String ENTRA_NAME_ID = "x7Yq0Zk3Jw9ePa2Rb5Tc8Ud1Vf4Wg6Xh";

    final boolean signResponse;
    final boolean signAssertion;

    IdpShape(boolean signResponse, boolean signAssertion) {
        this.signResponse = signResponse;
        this.signAssertion = signAssertion;
    }

    void apply(SamlResponseBuilder builder) {
        builder.signResponse(signResponse).signAssertion(signAssertion);
        switch (this) {
            case OKTA -> builder.nameId("ada@example.com").nameIdFormat(SamlResponseBuilder.EMAIL_FORMAT)
                    .attribute("email", "ada@example.com").attribute("firstName", "Ada")
                    .attribute("lastName", "Lovelace").attribute("role", "Admin", "Engineer");
            case ENTRA_ID -> builder.nameId(ENTRA_NAME_ID)
                    .nameIdFormat("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
                    .attribute("http://schemas.microsoft.com/identity/claims/tenantid", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
                    .attribute("http://schemas.microsoft.com/identity/claims/displayname", "Ada Lovelace")
                    .attribute("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "Ada")
                    .attribute("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "Lovelace")
                    .attribute("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "ada@example.com")
                    .attribute("http://schemas.microsoft.com/ws/2008/06/identity/claims/role", "Admin", "Engineer");
            case ONELOGIN -> builder.nameId("ada@example.com").nameIdFormat(SamlResponseBuilder.EMAIL_FORMAT)
                    .attribute("User.email", "ada@example.com").attribute("User.FirstName", "Ada")
                    .attribute("User.LastName", "Lovelace").attribute("memberOf", "Admin", "Engineer");
            case KEYCLOAK -> builder.nameId("ada").nameIdFormat("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified")
                    .attribute("urn:oid:0.9.2342.19200300.100.1.3", "email", List.of("ada@example.com"))
                    .attribute("urn:oid:2.5.4.42", "givenName", List.of("Ada"))
                    .attribute("urn:oid:2.5.4.4", "surname", List.of("Lovelace"))
                    .attribute("Role", "Admin", "Engineer");
        }
    }
}
