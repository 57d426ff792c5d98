package dev.jitprov.saml;

/**
 * IdP metadata or a certificate an administrator supplied is unusable. The message is written for the
 * administrator and is safe to return in a 422 response.
 */
public class InvalidSamlConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidSamlConfigurationException(String message) {
        super(message);
    }

    public InvalidSamlConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
