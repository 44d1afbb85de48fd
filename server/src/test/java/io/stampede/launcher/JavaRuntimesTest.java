package io.stampede.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the launcher finds a Java 21+, in fake installations under a temporary directory. */
class JavaRuntimesTest {
    @TempDir
    Path dir;

    @Test
    void theVersionIsReadFromTheReleaseFile() throws IOException {
        assertThat(JavaRuntimes.version(jdk(dir.resolve("a"), "25.0.1"))).hasValue(25);
        assertThat(JavaRuntimes.version(jdk(dir.resolve("b"), "1.8.0_402"))).hasValue(8);
        assertThat(JavaRuntimes.version(jdk(dir.resolve("c"), "21"))).hasValue(21);
        assertThat(JavaRuntimes.featureOf("26-ea")).hasValue(26);
        assertThat(JavaRuntimes.featureOf("17.0.15+6")).hasValue(17);
        assertThat(JavaRuntimes.featureOf("weird")).isEmpty();
    }

    @Test
    void withoutAReleaseFileTheVersionIsAskedOfItsJava() throws IOException {
        assumeTrue(!File.separator.equals("\\"), "a shell script stands in for java");
        Path home = dir.resolve("no-release");
        Files.createDirectories(home.resolve("bin"));
        Path java = Files.writeString(
                home.resolve("bin/java"),
                "#!/bin/sh\necho 'Property settings:' >&2\necho '    java.specification.version = 22' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(JavaRuntimes.version(home)).hasValue(22);
    }

    @Test
    void theNewestRuntimeOfTwentyOneOrMoreIsChosenWhenJavaHomeIsOlder() throws IOException {
        Path jvms = dir.resolve("jvm");
        Path old = jdk(jvms.resolve("java-17-openjdk"), "17.0.15");
        jdk(jvms.resolve("a-jdk-21"), "21.0.7");
        Path newest = jdk(jvms.resolve("temurin-25"), "25.0.1");
        jdk(jvms.resolve("z-jdk-22"), "22.0.2");
        Files.createDirectories(jvms.resolve("not-a-jdk"));

        Optional<JavaRuntimes.Installation> found =
                runtimes(Map.of("JAVA_HOME", old.toString()), jvms).find(21);

        assertThat(found).hasValue(new JavaRuntimes.Installation(newest, 25));
        assertThat(found.orElseThrow().java()).isEqualTo(newest.resolve("bin").resolve("java"));
    }

    @Test
    void javaHomeWinsWhenItIsTwentyOneOrMore() throws IOException {
        Path jvms = dir.resolve("jvm");
        jdk(jvms.resolve("temurin-25"), "25.0.1");
        Path chosen = jdk(dir.resolve("my-21"), "21.0.7");

        assertThat(runtimes(Map.of("JAVA_HOME", chosen.toString()), jvms).find(21))
                .hasValue(new JavaRuntimes.Installation(chosen, 21));
    }

    @Test
    void javaNHomeVariablesCountAndOldOrBrokenInstallationsDoNot() throws IOException {
        Path jvms = dir.resolve("jvm");
        jdk(jvms.resolve("java-17"), "17.0.15");
        Path noJava = jvms.resolve("jre-30-without-java");
        Files.createDirectories(noJava);
        Files.writeString(noJava.resolve("release"), "JAVA_VERSION=\"30\"\n");
        Path jdk21 = jdk(dir.resolve("elsewhere/jdk-21"), "21.0.7");

        assertThat(runtimes(Map.of(), jvms).find(21)).isEmpty();
        assertThat(runtimes(Map.of("JAVA21_HOME", jdk21.toString()), jvms).find(21))
                .hasValue(new JavaRuntimes.Installation(jdk21, 21));
        assertThat(runtimes(Map.of("JAVA_HOME_21_X64", jdk21.toString()), jvms).find(21))
                .isPresent();
        assertThat(runtimes(Map.of("JAVA_HOME", dir.resolve("nowhere").toString()), jvms)
                        .find(21))
                .isEmpty();
    }

    @Test
    void theUsualPlacesAreSearched() throws IOException {
        Path root = dir.resolve("root");
        Path home = root.resolve("home/me");
        Path sdkman = jdk(home.resolve(".sdkman/candidates/java/21.0.7-tem"), "21.0.7");
        Path intellij = jdk(home.resolve(".jdks/corretto-24"), "24.0.1");
        Path debian17 = jdk(root.resolve("usr/lib/jvm/java-17-openjdk-amd64"), "17.0.15");
        Path mac = jdk(root.resolve("Library/Java/JavaVirtualMachines/temurin-25.jdk/Contents/Home"), "25.0.1");

        JavaRuntimes linux = new JavaRuntimes(Map.of(), home, "Linux", root);
        assertThat(linux.roots()).contains(root.resolve("usr/lib/jvm"), home.resolve(".sdkman/candidates/java"));
        assertThat(linux.candidates()).containsExactly(intellij, sdkman, debian17);
        assertThat(linux.find(21)).hasValue(new JavaRuntimes.Installation(intellij, 24));
        assertThat(linux.find(25)).isEmpty();
        Path debian25 = jdk(root.resolve("usr/lib/jvm/temurin-25-jdk-amd64"), "25.0.3");
        assertThat(linux.find(21)).hasValue(new JavaRuntimes.Installation(debian25, 25));

        JavaRuntimes macOs = new JavaRuntimes(Map.of(), home, "Mac OS X", root);
        assertThat(macOs.roots()).contains(root.resolve("Library/Java/JavaVirtualMachines"));
        assertThat(macOs.find(25)).hasValue(new JavaRuntimes.Installation(mac, 25));
        assertThat(new JavaRuntimes(Map.of(), home, "Linux").roots()).contains(Path.of("/usr/lib/jvm"));
    }

    @Test
    void theSearchPathReplacesTheUsualPlacesAndMayNameARuntimeItself() throws IOException {
        Path home = dir.resolve("home");
        jdk(home.resolve(".jdks/temurin-25"), "25.0.1");
        Path roots = dir.resolve("roots");
        Path jdk23 = jdk(roots.resolve("jdk-23"), "23.0.2");
        Path direct = jdk(dir.resolve("direct-22"), "22.0.2");
        Path bundle = jdk(dir.resolve("bundles/x.jdk/Contents/Home"), "21.0.1");

        Map<String, String> env = new HashMap<>();
        env.put(JavaRuntimes.SEARCH_PATH, direct + File.pathSeparator + dir.resolve("bundles"));
        JavaRuntimes searchPath = new JavaRuntimes(env, home, "Linux");
        assertThat(searchPath.roots()).containsExactly(direct, dir.resolve("bundles"));
        assertThat(searchPath.candidates()).containsExactly(direct, bundle);
        assertThat(searchPath.find(21)).hasValue(new JavaRuntimes.Installation(direct, 22));

        env.put(JavaRuntimes.SEARCH_PATH, roots.toString());
        assertThat(new JavaRuntimes(env, home, "Linux").find(21)).hasValue(new JavaRuntimes.Installation(jdk23, 23));

        env.put(JavaRuntimes.SEARCH_PATH, dir.resolve("empty").toString());
        assertThat(new JavaRuntimes(env, home, "Linux").find(21)).isEmpty();
    }

    @Test
    void theSameInstallationReachedTwiceIsOneCandidate() throws IOException {
        Path jvms = dir.resolve("jvm");
        Path real = jdk(jvms.resolve("java-21-openjdk"), "21.0.7");
        Files.createSymbolicLink(jvms.resolve("java-1.21.0-openjdk"), real.getFileName());

        List<Path> candidates =
                runtimes(Map.of("JAVA_HOME", real.toString()), jvms).candidates();
        assertThat(candidates).containsExactly(real);
    }

    @Test
    void aRuntimeWithoutAnyVersionIsNoCandidate() throws IOException {
        Path home = dir.resolve("broken");
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("bin/java"), ""); // not executable, no release file
        assertThat(JavaRuntimes.version(home)).isEqualTo(OptionalInt.empty());
        assertThat(JavaRuntimes.runtimeAt(home)).isEmpty();
    }

    /** Only the given root is searched (as with STAMPEDE_JDK_SEARCH_PATH), never this machine's own JDKs. */
    private JavaRuntimes runtimes(Map<String, String> vars, Path root) {
        Map<String, String> env = new HashMap<>(vars);
        env.put(JavaRuntimes.SEARCH_PATH, root.toString());
        return new JavaRuntimes(env, dir.resolve("empty-home"), "Linux");
    }

    /** A fake installation: a release file and a bin/java that is never run. */
    static Path jdk(Path home, String version) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("bin").resolve("java"), "");
        Files.writeString(
                home.resolve("release"),
                "IMPLEMENTOR=\"Test\"\nJAVA_RUNTIME_VERSION=\"" + version + "+1\"\nJAVA_VERSION=\"" + version
                        + "\"\nMODULES=\"java.base\"\n");
        return home;
    }
}
