package io.stampede.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service as {@code java -jar server/target/stampede.jar}, the way an operator runs it: in a working directory
 * of the test's, with only the environment the test gives (no {@code SPRING_} or {@code STAMPEDE_} variable of the
 * build leaks in), its output in {@code <name>.log} there. The one helper every test that starts the jar uses.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofMinutes(2);

    private final Path workDir;
    private final String name;
    private final int port;
    private final Process process;

    private ServiceProcess(Path workDir, String name, int port, Process process) {
        this.workDir = workDir;
        this.name = name;
        this.port = port;
        this.process = process;
    }

    /** Starts the jar on the given port with the given environment (SERVER_PORT is set here). */
    public static ServiceProcess start(Path workDir, String name, int port, Map<String, String> env) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = System.getenv().getOrDefault("STAMPEDE_JAR", "target/stampede.jar");
        assertThat(new File(jar)).as("run ./mvnw package first: " + jar).exists();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-jar", new File(jar).getAbsolutePath())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve(name + ".log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("SPRING_") || k.startsWith("STAMPEDE_"));
        builder.environment().putAll(env);
        // the packaged service warms its request path up before it says UP: a short one keeps the starts quick
        builder.environment().putIfAbsent("STAMPEDE_WARM_UP_REQUESTS", "2000");
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        try {
            return new ServiceProcess(workDir, name, port, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Http http() {
        return new Http("http://127.0.0.1:" + port);
    }

    public Process process() {
        return process;
    }

    /** What it has written so far. */
    public String log() {
        try {
            return Files.readString(workDir.resolve(name + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until health answers UP (purchases are taken); fails with its log when it exits or takes too long. */
    public ServiceProcess awaitHealthy() throws InterruptedException {
        Http http = http();
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the service exited: " + log());
            }
            try {
                Http.Response r = http.get("/actuator/health", null);
                if (r.status() == 200 && r.body().contains("\"UP\"")) {
                    return this;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not healthy within " + START_LIMIT + ": " + log());
    }

    /** SIGKILL: the process dies at once, as in a crash. */
    public void kill() {
        process.destroyForcibly();
    }

    /** SIGTERM: the service stops gracefully (its embedded servers too); forcibly after a minute. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Waits for the process to end; false when it is still running after the wait. */
    public boolean awaitExit(Duration wait) throws InterruptedException {
        return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
