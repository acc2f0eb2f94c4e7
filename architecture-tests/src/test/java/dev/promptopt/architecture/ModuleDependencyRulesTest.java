package dev.promptopt.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The direction of dependencies between the modules: {@code api <- core <- integrations <- managed, cli, junit,
 * examples}. The modules are told apart by their packages (each module owns one package tree, see {@link Modules}).
 */
class ModuleDependencyRulesTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.promptopt");
    }

    @Test
    void everyModuleContributesClasses() {
        // Guards the rules below against passing on an empty or partial class path.
        Set<String> found = classes.stream().map(Modules::of).collect(Collectors.toSet());
        assertThat(found).containsAll(Modules.ALL);
        Set<String> unknown = classes.stream().filter(c -> Modules.of(c).equals(Modules.UNKNOWN))
                .map(JavaClass::getPackageName).collect(Collectors.toSet());
        assertThat(unknown).as("packages of no known module (add them to Modules.java)").isEmpty();
    }

    @Test
    void layersDependInOneDirection() {
        ArchRule rule = layeredArchitecture()
                .consideringOnlyDependenciesInAnyPackage("dev.promptopt..")
                .layer("API").definedBy(Modules.API_PACKAGES)
                .layer("Core").definedBy("dev.promptopt.core..")
                .layer("Integrations").definedBy(Modules.INTEGRATION_PACKAGES)
                .layer("Applications").definedBy(Modules.APPLICATION_PACKAGES)
                .whereLayer("Applications").mayNotBeAccessedByAnyLayer()
                .whereLayer("Integrations").mayOnlyBeAccessedByLayers("Applications")
                .whereLayer("Core").mayOnlyBeAccessedByLayers("Integrations", "Applications")
                .whereLayer("API").mayOnlyBeAccessedByLayers("Core", "Integrations", "Applications");
        rule.check(classes);
    }

    @Test
    void apiDependsOnNothingButTheJdkAndNullnessAnnotations() {
        noClasses().that().resideInAnyPackage(Modules.API_PACKAGES)
                .should().dependOnClassesThat(outsideOf("java.", "javax.annotation.", "org.jspecify.", "dev.promptopt."))
                .check(classes);
    }

    @Test
    void noModuleImportsAnotherModulesInternalPackage() {
        for (String root : Modules.ROOTS) {
            String internal = root + ".internal..";
            noClasses().that().resideOutsideOfPackage(root + "..")
                    .should().dependOnClassesThat().resideInAPackage(internal)
                    .because(internal + " is not promised to other modules")
                    .check(classes);
        }
        // The API's own package tree contains every module, so its internal package is checked by module.
        noClasses().that().resideOutsideOfPackages(Modules.API_PACKAGES)
                .should().dependOnClassesThat().resideInAPackage("dev.promptopt.internal..")
                .check(classes);
    }

    @Test
    void integrationsDoNotDependOnEachOther() {
        slices().assignedFrom(Modules.integrationSlices())
                .should().notDependOnEachOther()
                .check(classes);
    }

    private static com.tngtech.archunit.base.DescribedPredicate<JavaClass> outsideOf(String... prefixes) {
        List<String> allowed = List.of(prefixes);
        return com.tngtech.archunit.base.DescribedPredicate.describe(
                "are outside of " + allowed,
                c -> allowed.stream().noneMatch(p -> c.getName().startsWith(p)) && !c.isPrimitive()
                        && !c.isArray());
    }
}
