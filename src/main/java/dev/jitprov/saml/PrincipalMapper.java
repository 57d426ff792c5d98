package dev.jitprov.saml;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.opensaml.core.xml.XMLObject;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Attribute;
import org.opensaml.saml.saml2.core.AttributeStatement;
import org.opensaml.saml.saml2.core.NameIDType;
import org.opensaml.saml.saml2.core.Response;

/**
 * Builds the {@link SamlPrincipal} from the verified assertion, knowing the attribute names Okta, Entra ID,
 * OneLogin, Keycloak and ADFS use for e-mail and names.
 */
final class PrincipalMapper {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    static final List<String> EMAIL_ATTRIBUTES = List.of("email", "mail", "emailaddress", "User.email",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "urn:oid:0.9.2342.19200300.100.1.3");
    static final List<String> FIRST_NAME_ATTRIBUTES = List.of("firstName", "givenName", "given_name", "User.FirstName",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "urn:oid:2.5.4.42");
    static final List<String> LAST_NAME_ATTRIBUTES = List.of("lastName", "surname", "sn", "family_name", "User.LastName",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "urn:oid:2.5.4.4");
    static final List<String> DISPLAY_NAME_ATTRIBUTES = List.of("displayName", "name",
            "http://schemas.microsoft.com/identity/claims/displayname", "urn:oid:2.16.840.1.113730.3.1.241",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name");

    private PrincipalMapper() {
    }

    static SamlPrincipal map(Response response, Assertion assertion, String nameId, String inResponseTo,
            Instant notOnOrAfter) {
        List<SamlAttribute> attributes = new ArrayList<>();
        for (AttributeStatement statement : assertion.getAttributeStatements()) {
            for (Attribute attribute : statement.getAttributes()) {
                List<String> values = new ArrayList<>();
                for (XMLObject value : attribute.getAttributeValues()) {
                    String text = Dom.text(value);
                    if (text != null) {
                        values.add(text.trim());
                    }
                }
                attributes.add(new SamlAttribute(attribute.getName() == null ? "" : attribute.getName(),
                        attribute.getFriendlyName(), values));
            }
        }
        String format = assertion.getSubject().getNameID().getFormat();
        String firstName = first(attributes, FIRST_NAME_ATTRIBUTES);
        String lastName = first(attributes, LAST_NAME_ATTRIBUTES);
        String email = EMAIL.matcher(nameId).matches() ? nameId : firstEmail(attributes);
        String displayName = first(attributes, DISPLAY_NAME_ATTRIBUTES);
        if (displayName == null) {
            String joined = ((firstName == null ? "" : firstName) + " " + (lastName == null ? "" : lastName)).trim();
            displayName = joined.isEmpty() ? nameId : joined;
        }
        String sessionIndex = assertion.getAuthnStatements().get(0).getSessionIndex();
        return new SamlPrincipal(nameId, format == null ? NameIDType.UNSPECIFIED : format, email, firstName, lastName,
                displayName, attributes, sessionIndex, assertion.getIssuer().getValue().trim(), assertion.getID(),
                notOnOrAfter, response.getID(), inResponseTo);
    }

    private static String firstEmail(List<SamlAttribute> attributes) {
        for (String name : EMAIL_ATTRIBUTES) {
            for (SamlAttribute attribute : attributes) {
                if (attribute.matches(name)) {
                    for (String value : attribute.values()) {
                        if (EMAIL.matcher(value).matches()) {
                            return value;
                        }
                    }
                }
            }
        }
        return null;
    }

    private static String first(List<SamlAttribute> attributes, List<String> names) {
        for (String name : names) {
            for (SamlAttribute attribute : attributes) {
                if (attribute.matches(name)) {
                    for (String value : attribute.values()) {
                        if (!value.isBlank()) {
                            return value;
                        }
                    }
                }
            }
        }
        return null;
    }
}
