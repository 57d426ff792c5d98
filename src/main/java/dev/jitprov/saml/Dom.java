package dev.jitprov.saml;

import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.schema.XSString;

/** Reads text the same way for every value: from the DOM the signature was verified over. */
final class Dom {

    private Dom() {
    }

    static String text(XMLObject object) {
        if (object.getDOM() != null) {
            return object.getDOM().getTextContent();
        }
        return object instanceof XSString s ? s.getValue() : null;
    }
}
