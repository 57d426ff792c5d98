package dev.jitprov.saml;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.util.ArrayList;
import java.util.List;

/**
 * What a response claims, read WITHOUT trusting it: only for the assertion inspector (R20), where an admin needs
 * to see the attribute names an IdP sends even when validation fails. Never used to sign anyone in. Parsed with the
 * same hardened parser as the pipeline.
 */
public final class UnverifiedContent {

    private static final String ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";

    public record Content(String nameId, List<SamlAttribute> attributes) {
    }

    private UnverifiedContent() {
    }

    public static Content read(String samlResponseBase64, int maxBodyBytes) {
        try {
            OpenSamlBootstrap.ensureInitialized();
            XmlInput.checkSize(samlResponseBase64, maxBodyBytes);
            Document document = XmlInput.parse(XmlInput.decode(samlResponseBase64));
            NodeList nameIds = document.getElementsByTagNameNS(ASSERTION_NS, "NameID");
            String nameId = nameIds.getLength() == 0 ? null : nameIds.item(0).getTextContent().trim();
            List<SamlAttribute> attributes = new ArrayList<>();
            NodeList nodes = document.getElementsByTagNameNS(ASSERTION_NS, "Attribute");
            for (int i = 0; i < nodes.getLength(); i++) {
                Element attribute = (Element) nodes.item(i);
                List<String> values = new ArrayList<>();
                NodeList valueNodes = attribute.getElementsByTagNameNS(ASSERTION_NS, "AttributeValue");
                for (int v = 0; v < valueNodes.getLength(); v++) {
                    values.add(valueNodes.item(v).getTextContent());
                }
                String friendly = attribute.getAttribute("FriendlyName");
                attributes.add(new SamlAttribute(attribute.getAttribute("Name"), friendly.isEmpty() ? null : friendly, values));
            }
            return new Content(nameId, attributes);
        } catch (CheckFailure | RuntimeException e) {
            return new Content(null, List.of());
        }
    }
}
