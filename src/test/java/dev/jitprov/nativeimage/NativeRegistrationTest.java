package dev.jitprov.nativeimage;

import dev.jitprov.saml.OpenSamlBootstrap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native-image registrations (META-INF/native-image/dev.jitprov/jit-provisioning) cover what the SAML
 * pipeline loads by name, proven in JVM mode: from the files OpenSAML and xmlsec read, and from what a real
 * {@code InitializationService.initialize()} registered. A GraalVM/Mandrel build is still needed to prove the
 * image runs (docs/native.md).
 */
class NativeRegistrationTest {

    private static NativeRegistrations registered;

    @BeforeAll
    static void load() {
        registered = NativeRegistrations.load();
    }

    @Test
    void everyXmlObjectConfigurationFileIsAResourceAndEveryClassItNamesIsRegistered() {
        SortedSet<String> files = SamlReflectionInventory.xmlObjectConfigResources();
        assertThat(files).contains("default-config.xml", "schema-config.xml", "saml2-assertion-config.xml",
                "saml2-protocol-config.xml", "saml2-metadata-config.xml", "signature-config.xml", "encryption-config.xml");
        for (String file : files) {
            assertThat(registered.coversResource(file)).as("resource %s", file).isTrue();
            SortedSet<String> classes = SamlReflectionInventory.classesNamedIn(file);
            assertThat(classes).as("classes named in %s", file).isNotEmpty();
            assertThat(notIn(classes, registered.withConstructors)).as("classes of %s missing from reflect-config", file).isEmpty();
        }
        assertThat(registered.coversResource(SamlReflectionInventory.XMLTOOLING_SCHEMA)).isTrue();
    }

    @Test
    void everyProviderOfAnOpenSamlServiceFileIsRegisteredWithItsFile() {
        Map<String, SortedSet<String>> services = SamlReflectionInventory.serviceFiles();
        assertThat(services).containsKeys("META-INF/services/org.opensaml.core.config.Initializer",
                "META-INF/services/org.opensaml.xmlsec.signature.support.SignatureValidationProvider",
                "META-INF/services/org.opensaml.xmlsec.algorithm.AlgorithmDescriptor");
        services.forEach((file, providers) -> {
            assertThat(registered.coversResource(file)).as("service file %s", file).isTrue();
            assertThat(notIn(providers, registered.withConstructors)).as("providers of %s", file).isEmpty();
        });
    }

    @Test
    void whatARealInitializationRegisteredIsCovered() throws Exception {
        OpenSamlBootstrap.ensureInitialized();

        Set<String> live = new TreeSet<>();
        XMLObjectProviderRegistrySupport.getBuilderFactory().getBuilders().values().forEach(b -> live.add(b.getClass().getName()));
        XMLObjectProviderRegistrySupport.getMarshallerFactory().getMarshallers().values().forEach(m -> live.add(m.getClass().getName()));
        XMLObjectProviderRegistrySupport.getUnmarshallerFactory().getUnmarshallers().values().forEach(u -> live.add(u.getClass().getName()));
        assertThat(live).hasSizeGreaterThan(500).contains("org.opensaml.saml.saml2.core.impl.ResponseUnmarshaller",
                "org.opensaml.saml.saml2.core.impl.AssertionUnmarshaller", "org.opensaml.xmlsec.signature.impl.SignatureUnmarshaller");
        assertThat(notIn(live, registered.withConstructors)).as("XMLObject providers missing from reflect-config").isEmpty();

        // xmlsec instantiates signature algorithms and canonicalizers from registered classes by reflection.
        Set<String> xmlsec = SamlReflectionInventory.xmlsecRegisteredClasses();
        assertThat(xmlsec).contains("org.apache.xml.security.c14n.implementations.Canonicalizer20010315ExclOmitComments");
        assertThat(notIn(xmlsec, registered.withConstructors)).as("xmlsec algorithms missing from reflect-config").isEmpty();
        assertThat(notIn(SamlReflectionInventory.xmlsecConfiguredClasses(), registered.withConstructors)).isEmpty();
    }

    @Test
    void criteriaRegistriesAndTheXmlsecMessageBundleAreCovered() {
        for (String file : SamlReflectionInventory.CRITERIA_REGISTRIES) {
            assertThat(registered.coversResource(file)).as(file).isTrue();
        }
        assertThat(notIn(SamlReflectionInventory.criteriaRegistryClasses(), registered.withConstructors)).isEmpty();
        assertThat(registered.bundles).contains(SamlReflectionInventory.XMLSEC_BUNDLE);
        assertThat(ResourceBundle.getBundle(SamlReflectionInventory.XMLSEC_BUNDLE, Locale.US).keySet()).isNotEmpty();
        assertThat(registered.coversResource(SamlReflectionInventory.XMLSEC_BUNDLE + "_en.properties")).isTrue();
    }

    @Test
    void theBouncyCastleProviderIsRegisteredForOperatorsWhoInstallIt() {
        assertThat(registered.withConstructors).containsAll(SamlReflectionInventory.SECURITY_PROVIDERS);
    }

    @Test
    void everyRegisteredClassExistsSoNoEntryIsStale() {
        ClassLoader loader = getClass().getClassLoader();
        Set<String> missing = registered.reflectiveClasses.stream().filter(name -> {
            try {
                Class.forName(name, false, loader);
                return false;
            } catch (ClassNotFoundException | LinkageError e) {
                return true;
            }
        }).collect(Collectors.toCollection(TreeSet::new));
        assertThat(missing).isEmpty();
    }

    @Test
    void theImageInitializesTheSamlLibrariesAtRunTime() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = SamlReflectionInventory.open(NativeRegistrations.RESOURCE_DIRECTORY + "native-image.properties")) {
            properties.load(in);
        }
        assertThat(properties.getProperty("Args")).contains("--initialize-at-run-time=")
                .contains("org.opensaml", "org.apache.xml.security", "org.cryptacular");
    }

    private static SortedSet<String> notIn(Set<String> wanted, Set<String> registered) {
        return wanted.stream().filter(name -> !registered.contains(name)).collect(Collectors.toCollection(TreeSet::new));
    }
}
