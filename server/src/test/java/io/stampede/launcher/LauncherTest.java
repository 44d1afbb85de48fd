package io.stampede.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the launcher says, and how it starts itself again. */
class LauncherTest {
    @TempDir
    Path dir;

    @Test
    void fromSpringBootsNestedJarItRestartsTheSameJar() {
        assertThat(Launcher.selfInvocation("jar:nested:/opt/stampede/stampede.jar/!BOOT-INF/classes/!/", "x.jar"))
                .containsExactly("-jar", Path.of("/opt/stampede/stampede.jar").toString());
        assertThat(Launcher.selfInvocation("jar:nested:/opt/my%20apps/stampede.jar/!BOOT-INF/classes/!/", "x.jar"))
                .containsExactly("-jar", Path.of("/opt/my apps/stampede.jar").toString());
        assertThat(Launcher.selfInvocation("jar:file:/opt/stampede.jar!/BOOT-INF/classes!/", "x.jar"))
                .containsExactly("-jar", Path.of("/opt/stampede.jar").toString());
    }

    @Test
    void fromAPlainJarOrClassesDirectory() throws IOException {
        Path jar = Files.writeString(dir.resolve("plain.jar"), "");
        assertThat(Launcher.selfInvocation(jar.toUri().toString(), "cp")).containsExactly("-jar", jar.toString());
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertThat(Launcher.selfInvocation(classes.toUri().toString(), "a:b"))
                .containsExactly("-cp", "a:b", "io.stampede.launcher.Launcher");
    }

    @Test
    void theRestartRunsTheOtherJavaWithTheSameOptionsAndArguments() {
        JavaRuntimes.Installation jdk25 = new JavaRuntimes.Installation(dir.resolve("jdk-25"), 25);
        assertThat(Launcher.command(
                        jdk25,
                        List.of("-Xmx512m", "-Dserver.port=9090"),
                        List.of("-jar", "/opt/stampede.jar"),
                        new String[] {"--spring.main.banner-mode=off"}))
                .containsExactly(
                        dir.resolve("jdk-25").resolve("bin").resolve("java").toString(),
                        "-Xmx512m",
                        "-Dserver.port=9090",
                        "-jar",
                        "/opt/stampede.jar",
                        "--spring.main.banner-mode=off");
    }

    @Test
    void itSaysWhatItDoesInOneLine() {
        Path java17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        assertThat(Launcher.restartLine(
                        17, java17, new JavaRuntimes.Installation(Path.of("/usr/lib/jvm/temurin-25-jdk-amd64"), 25)))
                .isEqualTo("Stampede needs Java 21+; this is Java 17 (/usr/lib/jvm/java-17-openjdk-amd64); restarting"
                        + " on /usr/lib/jvm/temurin-25-jdk-amd64 (Java 25)");
        assertThat(Launcher.missingLine(17, java17))
                .isEqualTo("Stampede needs Java 21 or newer; this is Java 17 at /usr/lib/jvm/java-17-openjdk-amd64:"
                        + " install a JDK 21+ (e.g. apt-get install openjdk-21-jre-headless, or Temurin 21) or set"
                        + " JAVA_HOME to one")
                .doesNotContain("\n");
    }
}
