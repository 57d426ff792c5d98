package dev.jitprov.nativeimage;

import org.opensaml.core.config.Initializer;
import org.opensaml.core.xml.config.AbstractXMLObjectProviderInitializer;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * What the SAML pipeline (OpenSAML 4, xmlsec 4) loads by name at run time, read from the same sources the
 * libraries read: the {@code Initializer} services that {@code InitializationService} runs, the XMLTooling
 * configuration files those initializers hand to {@code XMLConfigurator}, OpenSAML's criteria registries,
 * the {@code META-INF/services} files of org.opensaml and net.shibboleth, and xmlsec's algorithm
 * configuration. The native-image registrations under META-INF/native-image must cover all of it
 * ({@link NativeRegistrationTest}); {@link #main} regenerates them after a dependency upgrade.
 */
final class SamlReflectionInventory {

    /** Loaded by {@code XMLConfigurator} to validate every configuration file. */
    static final String XMLTOOLING_SCHEMA = "schema/xmltooling-config.xsd";
    /** OpenSAML's criteria registries: {@code criterion class = evaluable class}, both loaded by name. */
    static final List<String> CRITERIA_REGISTRIES = List.of("credential-criteria-registry.properties",
            "entitydescriptor-criterion-predicate-registry.properties", "roledescriptor-criterion-predicate-registry.properties");
    /** xmlsec's message bundle (I18n.init) and its algorithm table (the same classes {@code Init.dynamicInit} registers). */
    static final String XMLSEC_BUNDLE = "org/apache/xml/security/resource/xmlsecurity";
    static final String XMLSEC_CONFIG = "org/apache/xml/security/resource/config.xml";
    /** BouncyCastle's JCA provider: not installed by the service, registered so an operator may add it. */
    static final List<String> SECURITY_PROVIDERS = List.of("org.bouncycastle.jce.provider.BouncyCastleProvider");

    private SamlReflectionInventory() {
    }

    /** OpenSAML's initializers, in ServiceLoader order. */
    static List<Initializer> initializers() {
        List<Initializer> all = new ArrayList<>();
        ServiceLoader.load(Initializer.class).forEach(all::add);
        return all;
    }

    /** Every XMLTooling configuration file an initializer hands to XMLConfigurator, as a classpath path without '/'. */
    static SortedSet<String> xmlObjectConfigResources() {
        SortedSet<String> resources = new TreeSet<>();
        for (Initializer initializer : initializers()) {
            if (initializer instanceof AbstractXMLObjectProviderInitializer) {
                try {
                    Method method = AbstractXMLObjectProviderInitializer.class.getDeclaredMethod("getConfigResources");
                    method.setAccessible(true);
                    for (String resource : (String[]) method.invoke(initializer)) {
                        resources.add(resource.startsWith("/") ? resource.substring(1) : resource);
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read the configuration files of " + initializer.getClass(), e);
                }
            }
        }
        return resources;
    }

    /** Every {@code className} attribute in an XMLTooling configuration file (builders, marshallers, unmarshallers). */
    static SortedSet<String> classesNamedIn(String resource) {
        SortedSet<String> classes = new TreeSet<>();
        Document document = parse(resource);
        NodeList elements = document.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < elements.getLength(); i++) {
            Element element = (Element) elements.item(i);
            if (element.hasAttribute("className")) {
                classes.add(element.getAttribute("className").strip());
            }
        }
        return classes;
    }

    /** Class names (keys and values) of OpenSAML's criteria registries. */
    static SortedSet<String> criteriaRegistryClasses() {
        SortedSet<String> classes = new TreeSet<>();
        for (String resource : CRITERIA_REGISTRIES) {
            Properties properties = new Properties();
            try (InputStream in = open(resource)) {
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            properties.forEach((key, value) -> {
                classes.add(key.toString().strip());
                classes.add(value.toString().strip());
            });
        }
        return classes;
    }

    /** {@code JAVACLASS} of every algorithm, transform, canonicalizer and resolver in xmlsec's configuration. */
    static SortedSet<String> xmlsecConfiguredClasses() {
        SortedSet<String> classes = new TreeSet<>();
        Document document = parse(XMLSEC_CONFIG);
        NodeList elements = document.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < elements.getLength(); i++) {
            Element element = (Element) elements.item(i);
            if (element.hasAttribute("JAVACLASS")) {
                classes.add(element.getAttribute("JAVACLASS").strip());
            }
        }
        return classes;
    }

    /**
     * The classes xmlsec registered in a real {@code Init.init()}: signature algorithms and canonicalizers are
     * instantiated from their registered class by reflection; transforms are listed too.
     */
    static SortedSet<String> xmlsecRegisteredClasses() {
        org.apache.xml.security.Init.init();
        SortedSet<String> classes = new TreeSet<>();
        classes.addAll(registeredClasses(org.apache.xml.security.algorithms.SignatureAlgorithm.class, "algorithmHash"));
        classes.addAll(registeredClasses(org.apache.xml.security.c14n.Canonicalizer.class, "canonicalizerHash"));
        classes.addAll(registeredClasses(org.apache.xml.security.transforms.Transform.class, "transformSpiHash"));
        return classes;
    }

    /** The classes held by a static registry map (values are classes or instances). */
    static SortedSet<String> registeredClasses(Class<?> owner, String fieldName) {
        try {
            java.lang.reflect.Field field = owner.getDeclaredField(fieldName);
            field.setAccessible(true);
            SortedSet<String> classes = new TreeSet<>();
            for (Object value : ((Map<?, ?>) field.get(null)).values()) {
                classes.add(value instanceof Class<?> c ? c.getName() : value.getClass().getName());
            }
            return classes;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + owner.getName() + "." + fieldName, e);
        }
    }

    /**
     * The {@code META-INF/services} files of org.opensaml and net.shibboleth interfaces found on the class path,
     * each with the provider classes it names (ServiceLoader instantiates them reflectively).
     */
    static Map<String, SortedSet<String>> serviceFiles() {
        Map<String, SortedSet<String>> services = new LinkedHashMap<>();
        try {
            Enumeration<URL> manifests = SamlReflectionInventory.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
            for (URL manifest : Collections.list(manifests)) {
                if (!"jar".equals(manifest.getProtocol())) {
                    continue;
                }
                JarURLConnection connection = (JarURLConnection) manifest.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    for (JarEntry entry : Collections.list(jar.entries())) {
                        String name = entry.getName();
                        String service = name.startsWith("META-INF/services/") ? name.substring("META-INF/services/".length()) : "";
                        if (service.startsWith("org.opensaml.") || service.startsWith("net.shibboleth.")) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                services.computeIfAbsent(name, n -> new TreeSet<>()).addAll(providerNames(in));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return services;
    }

    /** Everything that needs reflective instantiation, sorted. */
    static SortedSet<String> allReflectiveClasses() {
        SortedSet<String> classes = new TreeSet<>();
        for (String resource : xmlObjectConfigResources()) {
            classes.addAll(classesNamedIn(resource));
        }
        classes.addAll(criteriaRegistryClasses());
        classes.addAll(xmlsecConfiguredClasses());
        classes.addAll(xmlsecRegisteredClasses());
        serviceFiles().values().forEach(classes::addAll);
        classes.addAll(SECURITY_PROVIDERS);
        return classes;
    }

    /** Every resource the pipeline reads by name (without the leading '/'), sorted. */
    static SortedSet<String> allResources() {
        SortedSet<String> resources = new TreeSet<>(xmlObjectConfigResources());
        resources.add(XMLTOOLING_SCHEMA);
        resources.addAll(CRITERIA_REGISTRIES);
        resources.addAll(serviceFiles().keySet());
        resources.add(XMLSEC_BUNDLE + "_en.properties");
        return resources;
    }

    private static List<String> providerNames(InputStream in) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
            String name = line.replaceAll("#.*", "").strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    private static Document parse(String resource) {
        try (InputStream in = open(resource)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            return factory.newDocumentBuilder().parse(in);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    static InputStream open(String resource) {
        InputStream in = SamlReflectionInventory.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException(resource + " is not on the class path");
        }
        return in;
    }

    /** Regenerates reflect-config.json and resource-config.json: {@code java ... SamlReflectionInventory <dir>}. */
    public static void main(String[] args) throws IOException {
        java.nio.file.Path dir = java.nio.file.Path.of(args.length > 0 ? args[0] : NativeRegistrations.DIRECTORY);
        java.nio.file.Files.createDirectories(dir);
        StringBuilder reflect = new StringBuilder("[\n");
        List<String> classes = new ArrayList<>(allReflectiveClasses());
        for (int i = 0; i < classes.size(); i++) {
            reflect.append("  {\"name\": \"").append(classes.get(i))
                    .append("\", \"allDeclaredConstructors\": true, \"allPublicConstructors\": true}")
                    .append(i < classes.size() - 1 ? ",\n" : "\n");
        }
        reflect.append("]\n");
        java.nio.file.Files.writeString(dir.resolve("reflect-config.json"), reflect);

        StringBuilder resources = new StringBuilder("{\n  \"resources\": {\n    \"includes\": [\n");
        List<String> names = new ArrayList<>(allResources());
        for (int i = 0; i < names.size(); i++) {
            resources.append("      {\"pattern\": \"\\\\Q").append(names.get(i)).append("\\\\E\"}")
                    .append(i < names.size() - 1 ? ",\n" : "\n");
        }
        resources.append("    ]\n  },\n  \"bundles\": [\n    {\"name\": \"").append(XMLSEC_BUNDLE)
                .append("\"}\n  ]\n}\n");
        java.nio.file.Files.writeString(dir.resolve("resource-config.json"), resources);
    }
}
