package dev.jitprov.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of docs/architecture.md ("Packages"), checked on the compiled service classes: a newcomer can
 * read the code from the bottom up, and the HTTP layer stays a thin shell over the services.
 */
class ArchitectureTest {

    private static JavaClasses service;

    @BeforeAll
    static void importClasses() {
        service = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.jitprov");
    }

    @Test
    @DisplayName("No two packages depend on each other, directly or around a loop")
    void noPackageCycles() {
        slices().matching("dev.jitprov.(**)").should().beFreeOfCycles().check(service);
    }

    @Test
    @DisplayName("The domain (provisioning) depends on the JDK alone: decide and evolve, no framework")
    void theDomainDependsOnTheJdkOnly() {
        classes().that().resideInAPackage("dev.jitprov.provisioning..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.jitprov.provisioning..", "java..")
                .check(service);
    }

    @Test
    @DisplayName("Nothing below the web layer imports it: services throw DomainException, which the web layer maps")
    void nothingBelowTheWebLayerImportsIt() {
        noClasses().that().resideOutsideOfPackage("dev.jitprov.web..")
                .should().dependOnClassesThat().resideInAPackage("dev.jitprov.web..")
                .check(service);
    }

    @Test
    @DisplayName("The web layer holds no SQL: no SQL client (pool, connection, tuple); it calls services, which own their tables")
    void theWebLayerHoldsNoSql() {
        // (mapping PostgreSQL's exceptions to 503 is the web layer's job: io.vertx.pgclient.PgException is allowed)
        noClasses().that().resideInAPackage("dev.jitprov.web..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx.sqlclient..", "io.vertx.mutiny.sqlclient..")
                .check(service);
    }

    @Test
    @DisplayName("Every JAX-RS resource lives in the web layer")
    void everyResourceIsInTheWebLayer() {
        classes().that().areAnnotatedWith(jakarta.ws.rs.Path.class)
                .should().resideInAPackage("dev.jitprov.web..")
                .check(service);
    }
}
