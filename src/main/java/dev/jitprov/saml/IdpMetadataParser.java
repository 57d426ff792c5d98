package dev.jitprov.saml;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import net.shibboleth.utilities.java.support.xml.XMLParserException;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.core.xml.io.Unmarshaller;
import org.opensaml.core.xml.io.UnmarshallingException;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.saml2.metadata.Endpoint;
import org.opensaml.saml.saml2.metadata.EntitiesDescriptor;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.saml.saml2.metadata.IDPSSODescriptor;
import org.opensaml.saml.saml2.metadata.KeyDescriptor;
import org.opensaml.saml.saml2.metadata.RoleDescriptor;
import org.opensaml.security.credential.UsageType;
import org.opensaml.xmlsec.signature.KeyInfo;
import org.opensaml.xmlsec.signature.X509Data;
import org.w3c.dom.Document;

/**
 * Reads the parts of IdP metadata (Okta, Entra ID, Keycloak, OneLogin, ADFS) that configure trust. Parsed with the
 * same hardened parser as responses: metadata is pasted or uploaded by an administrator, still untrusted XML.
 * Metadata signatures are not checked: the administrator vouches for the file by uploading it.
 */
public final class IdpMetadataParser {

    private IdpMetadataParser() {
    }

    /**
     * @throws InvalidSamlConfigurationException with a message fit for the administrator (HTTP 422)
     */
    public static IdpMetadata parse(String xml) {
        if (xml == null || xml.isBlank()) {
            throw new InvalidSamlConfigurationException("metadata is empty");
        }
        Document document;
        try {
            document = OpenSamlBootstrap.parserPool()
                    .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (XMLParserException e) {
            throw new InvalidSamlConfigurationException(xml.contains("<!DOCTYPE")
                    ? "metadata must not contain a DOCTYPE" : "metadata is not well-formed XML");
        }
        EntityDescriptor entity = entityWithIdp(unmarshal(document));
        IDPSSODescriptor idp = idpDescriptor(entity);
        if (entity.getEntityID() == null || entity.getEntityID().isBlank()) {
            throw new InvalidSamlConfigurationException("metadata has no entityID");
        }
        List<X509Certificate> certificates = signingCertificates(idp);
        if (certificates.isEmpty()) {
            throw new InvalidSamlConfigurationException("metadata has no signing certificate");
        }
        String sso = location(idp.getSingleSignOnServices());
        if (sso == null) {
            throw new InvalidSamlConfigurationException("metadata has no HTTP-POST or HTTP-Redirect SingleSignOnService");
        }
        return new IdpMetadata(entity.getEntityID(), certificates, sso, location(idp.getSingleLogoutServices()));
    }

    private static XMLObject unmarshal(Document document) {
        Unmarshaller unmarshaller = XMLObjectProviderRegistrySupport.getUnmarshallerFactory()
                .getUnmarshaller(document.getDocumentElement());
        if (unmarshaller == null) {
            throw new InvalidSamlConfigurationException("metadata has no EntityDescriptor");
        }
        try {
            return unmarshaller.unmarshall(document.getDocumentElement());
        } catch (UnmarshallingException | RuntimeException e) {
            throw new InvalidSamlConfigurationException("metadata is not valid SAML 2.0 metadata");
        }
    }

    private static EntityDescriptor entityWithIdp(XMLObject root) {
        if (root instanceof EntityDescriptor entity) {
            return entity;
        }
        if (root instanceof EntitiesDescriptor entities) {
            EntityDescriptor found = firstWithIdp(entities);
            if (found == null) {
                throw new InvalidSamlConfigurationException("metadata has no IDPSSODescriptor");
            }
            return found;
        }
        throw new InvalidSamlConfigurationException("metadata has no EntityDescriptor");
    }

    private static EntityDescriptor firstWithIdp(EntitiesDescriptor entities) {
        for (EntityDescriptor entity : entities.getEntityDescriptors()) {
            if (findIdp(entity) != null) {
                return entity;
            }
        }
        for (EntitiesDescriptor nested : entities.getEntitiesDescriptors()) {
            EntityDescriptor found = firstWithIdp(nested);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static IDPSSODescriptor idpDescriptor(EntityDescriptor entity) {
        IDPSSODescriptor idp = findIdp(entity);
        if (idp == null) {
            throw new InvalidSamlConfigurationException("metadata has no IDPSSODescriptor");
        }
        return idp;
    }

    private static IDPSSODescriptor findIdp(EntityDescriptor entity) {
        IDPSSODescriptor saml2 = entity.getIDPSSODescriptor(SAMLConstants.SAML20P_NS);
        if (saml2 != null) {
            return saml2;
        }
        for (RoleDescriptor role : entity.getRoleDescriptors()) {
            if (role instanceof IDPSSODescriptor idp) {
                return idp;
            }
        }
        return null;
    }

    private static List<X509Certificate> signingCertificates(IDPSSODescriptor idp) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (KeyDescriptor descriptor : idp.getKeyDescriptors()) {
            UsageType use = descriptor.getUse();
            if (use != null && use != UsageType.SIGNING && use != UsageType.UNSPECIFIED) {
                continue;
            }
            KeyInfo keyInfo = descriptor.getKeyInfo();
            if (keyInfo == null) {
                continue;
            }
            for (X509Data data : keyInfo.getX509Datas()) {
                for (org.opensaml.xmlsec.signature.X509Certificate encoded : data.getX509Certificates()) {
                    String value = encoded.getValue() == null ? "" : encoded.getValue().replaceAll("\\s+", "");
                    byte[] der;
                    try {
                        der = Base64.getDecoder().decode(value);
                    } catch (IllegalArgumentException e) {
                        throw new InvalidSamlConfigurationException("certificate is not valid X.509");
                    }
                    X509Certificate certificate = Certificates.fromDer(der);
                    Certificates.requireStrongKey(certificate);
                    if (!certificates.contains(certificate)) {
                        certificates.add(certificate);
                    }
                }
            }
        }
        return certificates;
    }

    private static String location(List<? extends Endpoint> endpoints) {
        for (String binding : List.of(SAMLConstants.SAML2_POST_BINDING_URI, SAMLConstants.SAML2_REDIRECT_BINDING_URI)) {
            for (Endpoint endpoint : endpoints) {
                if (binding.equals(endpoint.getBinding()) && endpoint.getLocation() != null) {
                    return endpoint.getLocation();
                }
            }
        }
        return null;
    }
}
