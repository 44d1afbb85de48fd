package io.stampede.launcher;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds the Java runtimes installed on a machine, in the places the build's {@code maven-toolchains-plugin} looks:
 * {@code JAVA_HOME}, the {@code JAVA<n>_HOME}-style variables, {@code /usr/lib/jvm} and the other system
 * directories, SDKMAN, IntelliJ's {@code ~/.jdks}, Gradle's, jenv's, asdf's… or, when {@code STAMPEDE_JDK_SEARCH_PATH}
 * is set, only the directories it lists instead of those places. A runtime's version is read from its {@code release}
 * file ({@code JAVA_VERSION="25.0.1"}), else asked of its {@code bin/java}. Compiled for Java 17, like the rest of
 * this package.
 */
public final class JavaRuntimes {
    /** The variable that replaces the usual directories searched (entries separated by the path separator). */
    public static final String SEARCH_PATH = "STAMPEDE_JDK_SEARCH_PATH";

    private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"?([^\"\\s]+)\"?\\s*$");
    private static final Pattern SPECIFICATION_VERSION =
            Pattern.compile("(?m)^\\s*java\\.specification\\.version = (\\S+)\\s*$");
    private static final Pattern VERSIONED_HOME_VARIABLE = Pattern.compile("JAVA_?\\d+.*_HOME|JAVA_HOME_\\d+.*");

    /** One installed runtime: its home directory and its feature version (17, 21, 25…). */
    public record Installation(Path home, int version) {
        public Path java() {
            return JavaRuntimes.javaIn(home);
        }
    }

    private final Map<String, String> env;
    private final Path userHome;
    private final String osName;
    private final Path systemRoot;

    public JavaRuntimes(Map<String, String> env, Path userHome, String osName) {
        this(env, userHome, osName, Path.of(osName.toLowerCase(Locale.ROOT).contains("win") ? "C:\\" : "/"));
    }

    /** With the system's directories ({@code usr/lib/jvm}…) looked for under {@code systemRoot}: for tests. */
    JavaRuntimes(Map<String, String> env, Path userHome, String osName, Path systemRoot) {
        this.env = Map.copyOf(env);
        this.userHome = userHome;
        this.osName = osName.toLowerCase(Locale.ROOT);
        this.systemRoot = systemRoot;
    }

    /** This machine, as this process sees it. */
    public static JavaRuntimes ofThisMachine() {
        return new JavaRuntimes(
                System.getenv(), Path.of(System.getProperty("user.home", ".")), System.getProperty("os.name", ""));
    }

    /**
     * The runtime to use for at least {@code required}: {@code JAVA_HOME} when that is one, else the newest one found
     * (the first found of equal versions).
     */
    public Optional<Installation> find(int required) {
        Optional<Installation> javaHome = Optional.ofNullable(env.get("JAVA_HOME"))
                .filter(home -> !home.isBlank())
                .flatMap(home -> runtimeAt(Path.of(home)))
                .filter(runtime -> runtime.version() >= required);
        if (javaHome.isPresent()) {
            return javaHome;
        }
        @Nullable Installation newest = null;
        for (Path home : candidates()) {
            Optional<Installation> runtime = runtimeAt(home);
            if (runtime.isPresent()
                    && runtime.get().version() >= required
                    && (newest == null || runtime.get().version() > newest.version())) {
                newest = runtime.get();
            }
        }
        return Optional.ofNullable(newest);
    }

    /**
     * Every directory that may be a runtime's home, in the order they are looked at: {@code JAVA_HOME}, the
     * {@code JAVA<n>_HOME}-style variables (by name), then every directory in the search roots ({@link #roots()}).
     * Duplicates (the same directory reached through a link) are left out.
     */
    public List<Path> candidates() {
        Set<Path> seen = new LinkedHashSet<>();
        List<Path> found = new ArrayList<>();
        List<Path> homes = new ArrayList<>();
        Optional.ofNullable(env.get("JAVA_HOME"))
                .filter(home -> !home.isBlank())
                .ifPresent(home -> homes.add(Path.of(home)));
        env.keySet().stream()
                .filter(name -> VERSIONED_HOME_VARIABLE.matcher(name).matches())
                .sorted()
                .map(env::get)
                .filter(home -> !home.isBlank())
                .forEach(home -> homes.add(Path.of(home)));
        for (Path root : roots()) {
            homes.add(root); // an entry of STAMPEDE_JDK_SEARCH_PATH may be a runtime itself
            homes.addAll(children(root));
        }
        for (Path home : homes) {
            Path bundled = home.resolve("Contents").resolve("Home"); // a macOS bundle: x.jdk/Contents/Home
            Path actual = Files.isDirectory(bundled) ? bundled : home;
            if (Files.isRegularFile(javaIn(actual)) && seen.add(realPath(actual))) {
                found.add(actual);
            }
        }
        return found;
    }

    /** The directories whose subdirectories are runtimes: the search path when set, else the usual places. */
    public List<Path> roots() {
        String searchPath = env.get(SEARCH_PATH);
        if (searchPath != null) {
            List<Path> roots = new ArrayList<>();
            for (String entry : searchPath.split(Pattern.quote(File.pathSeparator), -1)) {
                if (!entry.isBlank()) {
                    roots.add(Path.of(entry));
                }
            }
            return roots;
        }
        List<Path> roots = new ArrayList<>();
        roots.add(userHome.resolve(".jdks"));
        roots.add(userHome.resolve(".m2").resolve("jdks"));
        roots.add(userHome.resolve(".sdkman").resolve("candidates").resolve("java"));
        roots.add(userHome.resolve(".gradle").resolve("jdks"));
        roots.add(userHome.resolve(".jenv").resolve("versions"));
        roots.add(userHome.resolve(".jbang").resolve("cache").resolve("jdks"));
        roots.add(userHome.resolve(".asdf").resolve("installs").resolve("java"));
        roots.add(userHome.resolve(".jabba").resolve("jdk"));
        if (osName.contains("mac")) {
            roots.add(systemRoot.resolve("Library/Java/JavaVirtualMachines"));
            roots.add(userHome.resolve("Library").resolve("Java").resolve("JavaVirtualMachines"));
        } else if (osName.contains("win")) {
            roots.add(systemRoot.resolve("Program Files").resolve("Java"));
            roots.add(systemRoot.resolve("Program Files").resolve("Eclipse Adoptium"));
            roots.add(userHome.resolve("scoop").resolve("apps"));
        } else {
            roots.add(systemRoot.resolve("usr/lib/jvm"));
            roots.add(systemRoot.resolve("usr/java"));
            roots.add(systemRoot.resolve("usr/jdk"));
            roots.add(systemRoot.resolve("opt/java"));
        }
        return roots;
    }

    /** The runtime at this home, when it has a {@code bin/java} and a version can be told. */
    public static Optional<Installation> runtimeAt(Path home) {
        if (!Files.isRegularFile(javaIn(home))) {
            return Optional.empty();
        }
        OptionalInt version = version(home);
        return version.isPresent() ? Optional.of(new Installation(home, version.getAsInt())) : Optional.empty();
    }

    /** The feature version of the runtime at this home: from its release file, else from its {@code bin/java}. */
    public static OptionalInt version(Path home) {
        Path release = home.resolve("release");
        if (Files.isRegularFile(release)) {
            try {
                Matcher m = RELEASE_VERSION.matcher(Files.readString(release, StandardCharsets.UTF_8));
                if (m.find()) {
                    return featureOf(m.group(1));
                }
            } catch (IOException | RuntimeException unreadable) {
                // ask its java below
            }
        }
        return askJava(javaIn(home));
    }

    /** The feature version in a version string: 25 of "25.0.1", 8 of "1.8.0_402", 26 of "26-ea". */
    public static OptionalInt featureOf(String version) {
        String v = version.startsWith("1.") ? version.substring(2) : version;
        Matcher digits = Pattern.compile("^(\\d+)").matcher(v);
        return digits.find() ? OptionalInt.of(Integer.parseInt(digits.group(1))) : OptionalInt.empty();
    }

    static Path javaIn(Path home) {
        Path bin = home.resolve("bin");
        Path exe = bin.resolve("java.exe");
        return Files.isRegularFile(exe) ? exe : bin.resolve("java");
    }

    private static OptionalInt askJava(Path java) {
        if (!Files.isExecutable(java)) {
            return OptionalInt.empty();
        }
        try {
            Process p = new ProcessBuilder(java.toString(), "-XshowSettings:properties", "-version")
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return OptionalInt.empty();
            }
            Matcher m = SPECIFICATION_VERSION.matcher(out);
            return m.find() ? featureOf(m.group(1)) : OptionalInt.empty();
        } catch (IOException e) {
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }

    private static List<Path> children(Path root) {
        List<Path> children = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return children;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, Files::isDirectory)) {
            entries.forEach(children::add);
        } catch (IOException | RuntimeException unreadable) {
            return children;
        }
        children.sort(Comparator.comparing(Path::toString));
        return children;
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
