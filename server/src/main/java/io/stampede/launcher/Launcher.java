package io.stampede.launcher;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The jar's start class. Compiled for Java 17 (Spring Boot's own loader runs there too), so that {@code java -jar
 * stampede.jar} on an older {@code java} ends in one line rather than an {@code UnsupportedClassVersionError}: on Java
 * 21 or newer it runs {@code io.stampede.StampedeApplication}; on an older one it finds a Java 21+ on the machine
 * ({@link JavaRuntimes}), says so in one line and runs the same jar there with the same JVM options and arguments,
 * passing a stop on to it and ending with its exit code; with none found it says what to install and exits with 1.
 * It names the application only as a string, so nothing of Java 21 is loaded before the version is known.
 */
public final class Launcher {
    /** The Java feature version the service is compiled for. */
    public static final int REQUIRED = 21;

    static final String APPLICATION = "io.stampede.StampedeApplication";

    /** Set in the environment of a restarted service: it never restarts again, and it stops when the launcher dies. */
    static final String RESTARTED = "STAMPEDE_LAUNCHER_RESTARTED";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        int current = Runtime.version().feature();
        if (current >= REQUIRED) {
            if (System.getenv(RESTARTED) != null) {
                stopWhenTheLauncherDies();
            }
            runApplication(args);
            return;
        }
        Path currentHome = Path.of(System.getProperty("java.home", "?"));
        Optional<JavaRuntimes.Installation> target =
                System.getenv(RESTARTED) == null ? JavaRuntimes.ofThisMachine().find(REQUIRED) : Optional.empty();
        if (target.isEmpty()) {
            System.err.println(missingLine(current, currentHome));
            System.exit(1);
            return;
        }
        System.err.println(restartLine(current, currentHome, target.get()));
        CodeSource source = Launcher.class.getProtectionDomain().getCodeSource();
        URL location = source == null ? null : source.getLocation();
        List<String> command = command(
                target.get(),
                ManagementFactory.getRuntimeMXBean().getInputArguments(),
                selfInvocation(location == null ? "" : location.toString(), System.getProperty("java.class.path", "")),
                args);
        System.exit(runAndWait(command));
    }

    static String restartLine(int current, Path currentHome, JavaRuntimes.Installation target) {
        return "Stampede needs Java " + REQUIRED + "+; this is Java " + current + " (" + currentHome
                + "); restarting on " + target.home() + " (Java " + target.version() + ")";
    }

    static String missingLine(int current, Path currentHome) {
        return "Stampede needs Java " + REQUIRED + " or newer; this is Java " + current + " at " + currentHome
                + ": install a JDK " + REQUIRED + "+ (e.g. apt-get install openjdk-" + REQUIRED
                + "-jre-headless, or Temurin " + REQUIRED + ") or set JAVA_HOME to one";
    }

    /**
     * How to start this same program again: {@code -jar <the jar>} when it runs from a jar (Spring Boot's loader gives
     * its classes a {@code jar:nested:/…/stampede.jar/!BOOT-INF/classes/!/} location), else the class path and this
     * class (from a build's classes directory).
     */
    static List<String> selfInvocation(String codeSourceLocation, String classPath) {
        String location = codeSourceLocation.startsWith("jar:")
                ? codeSourceLocation.substring("jar:".length())
                : codeSourceLocation;
        int nested = location.indexOf("/!");
        int classic = location.indexOf("!/");
        int inner = nested < 0 ? classic : classic < 0 ? nested : Math.min(nested, classic);
        String outer = inner < 0 ? location : location.substring(0, inner);
        if (outer.startsWith("nested:")) {
            outer = "file:" + outer.substring("nested:".length());
        }
        if (outer.startsWith("file:") && outer.toLowerCase(Locale.ROOT).endsWith(".jar")) {
            Path jar = pathOf(outer);
            if (inner >= 0 || Files.isRegularFile(jar)) {
                return List.of("-jar", jar.toString());
            }
        }
        return List.of("-cp", classPath, Launcher.class.getName());
    }

    private static Path pathOf(String fileUrl) {
        try {
            return Path.of(URI.create(fileUrl));
        } catch (IllegalArgumentException notEncoded) {
            return Path.of(fileUrl.substring("file:".length()));
        }
    }

    /**
     * The command line of the restart: the other runtime's {@code java}, this JVM's own options (heap, {@code -D}
     * system properties, agents…), how to start this program, its arguments.
     */
    static List<String> command(
            JavaRuntimes.Installation target, List<String> jvmOptions, List<String> self, String[] args) {
        List<String> command = new ArrayList<>();
        command.add(target.java().toString());
        command.addAll(jvmOptions);
        command.addAll(self);
        command.addAll(Arrays.asList(args));
        return command;
    }

    private static int runAndWait(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        // their options are on the command line already (they are among this JVM's input arguments): not twice
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment()
                .put(RESTARTED, Long.toString(ProcessHandle.current().pid()));
        Process service = builder.start();
        // a stop of the launcher (SIGTERM, Ctrl-C) is a stop of the service: it shuts down gracefully, then both end
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            service.destroy();
                            boolean interrupted = false;
                            while (service.isAlive()) {
                                try {
                                    service.waitFor();
                                } catch (InterruptedException e) {
                                    interrupted = true;
                                }
                            }
                            if (interrupted) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "stampede-launcher-stop"));
        return service.waitFor();
    }

    /** In the restarted service: when the launcher is killed outright (SIGKILL), stop too rather than run orphaned. */
    private static void stopWhenTheLauncherDies() {
        ProcessHandle.current().parent().ifPresent(launcher -> {
            Thread watch = new Thread(
                    () -> {
                        launcher.onExit().join();
                        System.exit(143); // as after a SIGTERM: the service's own shutdown hook stops it gracefully
                    },
                    "stampede-launcher-watch");
            watch.setDaemon(true);
            watch.start();
        });
    }

    private static void runApplication(String[] args) throws Exception {
        Method main = Class.forName(APPLICATION, false, Launcher.class.getClassLoader())
                .getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
