package io.stampede;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The module map, written down once ({@link #MAY_USE}) and kept true: each capability package of io.stampede is a
 * module that may use only the modules listed for it, so dependencies run one way and there is no cycle; no module
 * reaches into another's adapters; the domain packages are plain Java; HTTP exceptions live at the web edge. The
 * README's module map must say the same as {@link #MAY_USE}.
 */
class ArchitectureTest {
    /** Which modules each module may use, lowest first. The README's table "Modules" says the same. */
    static final Map<String, List<String>> MAY_USE = mayUse(
            "shared", "",
            "event", "shared",
            "sale", "shared event",
            "inventory", "shared event sale",
            "coupon", "shared event sale inventory",
            "order", "shared event sale inventory coupon",
            "turn", "shared event sale inventory coupon order",
            "live", "shared event sale inventory coupon order turn");

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.stampede");

    @Test
    void modulesUseOnlyTheModulesBelowThem() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String module : MAY_USE.keySet()) {
            layers = layers.layer(module).definedBy("io.stampede." + module + "..");
        }
        for (Map.Entry<String, List<String>> module : MAY_USE.entrySet()) {
            layers = module.getValue().isEmpty()
                    ? layers.whereLayer(module.getKey()).mayNotAccessAnyLayer()
                    : layers.whereLayer(module.getKey())
                            .mayOnlyAccessLayers(module.getValue().toArray(String[]::new));
        }
        layers.check(CLASSES);
    }

    @Test
    void noModuleReachesIntoAnotherModulesAdapters() {
        for (String module : MAY_USE.keySet()) {
            noClasses()
                    .that()
                    .resideOutsideOfPackage("io.stampede." + module + "..")
                    .and()
                    .resideOutsideOfPackage("io.stampede") // the application's root wires everything
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("io.stampede." + module + ".adapter..")
                    .because("a module's adapters are its own; others use its ports and application services")
                    .check(CLASSES);
        }
    }

    @Test
    void theDomainIsPlainJava() {
        noClasses()
                .that()
                .resideInAPackage("io.stampede.*.domain..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..",
                        "java.sql..",
                        "io.lettuce..",
                        "io.stampede.*.adapter..",
                        "io.stampede.*.application..")
                .because("a reader finds the rules in plain records and functions, testable without a container")
                .check(CLASSES);
    }

    @Test
    void httpExceptionsAreThrownOnlyAtTheWebEdge() {
        noClasses()
                .that()
                .resideOutsideOfPackages(
                        "..adapter.web..",
                        "io.stampede.shared.web..",
                        "io.stampede.shared.security..",
                        "io.stampede.shared.admission..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("io.stampede.shared.web.ApiException")
                .because("application services answer values; only the web edge speaks HTTP")
                .check(CLASSES);
    }

    @Test
    void theReadmesModuleMapSaysWhatThisTestEnforces() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher table = Pattern.compile("<!-- module map -->(.*?)<!-- /module map -->", Pattern.DOTALL)
                .matcher(readme);
        assertThat(table.find())
                .as("README.md has a module map between <!-- module map --> markers")
                .isTrue();
        Map<String, List<String>> written = new LinkedHashMap<>();
        Matcher row = Pattern.compile("^\\| `(\\w+)` \\|[^|]*\\| ([^|]*) \\|$", Pattern.MULTILINE)
                .matcher(table.group(1));
        while (row.find()) {
            String uses = row.group(2).strip();
            written.put(
                    row.group(1),
                    uses.equals("—")
                            ? List.of()
                            : Arrays.stream(uses.split(","))
                                    .map(s -> s.strip().replace("`", ""))
                                    .toList());
        }
        assertThat(written).as("the README's module map (module -> may use)").isEqualTo(MAY_USE);
    }

    private static Map<String, List<String>> mayUse(String... moduleThenUses) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < moduleThenUses.length; i += 2) {
            String uses = moduleThenUses[i + 1];
            map.put(moduleThenUses[i], uses.isEmpty() ? List.of() : List.of(uses.split(" ")));
        }
        return map;
    }
}
