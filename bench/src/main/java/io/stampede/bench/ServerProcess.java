package io.stampede.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service under test as a child process: started with the bench's configuration, awaited until healthy, and
 * always stopped again, by {@link #close()} or, when the bench itself is interrupted (Ctrl-C), by a shutdown hook.
 */
final class ServerProcess implements AutoCloseable {

    private static final Duration GRACE = Duration.ofSeconds(20);

    private final Process process;
    private final Path log;
    private final URI base;
    private final Thread hook;

    private ServerProcess(Process process, Path log, URI base, Runnable afterInterruptedStop) {
        this.process = process;
        this.log = log;
        this.base = base;
        this.hook = new Thread(
                () -> {
                    stop();
                    afterInterruptedStop.run();
                },
                "stampede-bench-server-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts {@code java [jvmOptions] -jar serverJar [arguments]} with a clean environment: every inherited
     * {@code SPRING_*}, {@code STAMPEDE_*} and {@code SERVER_*} variable is dropped, so the operator's shell cannot
     * point the server elsewhere, then {@code env} is added. Output goes to {@code log}. If the bench is interrupted
     * while the server runs, the shutdown hook stops the server and then runs {@code afterInterruptedStop}.
     */
    static ServerProcess start(
            Path java,
            Path serverJar,
            List<String> jvmOptions,
            List<String> arguments,
            Map<String, String> env,
            int port,
            Path log,
            Runnable afterInterruptedStop)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(serverJar.toAbsolutePath().toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("SPRING_") || k.startsWith("STAMPEDE_") || k.startsWith("SERVER_"));
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        builder.directory(log.getParent().toFile());
        return new ServerProcess(builder.start(), log, URI.create("http://127.0.0.1:" + port), afterInterruptedStop);
    }

    /** A TCP port nobody listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    URI base() {
        return base;
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Polls {@code /actuator/health} until it answers 200 UP; a process that exits, or the budget, is a failure. */
    void awaitHealthy(Duration budget) throws InterruptedException {
        Deadline deadline = Deadline.in(budget);
        Api api = new Api(base, Duration.ofSeconds(2), deadline);
        String last = "no answer";
        while (!deadline.expired()) {
            if (!process.isAlive()) {
                throw new SetupException("the server exited with status " + process.exitValue()
                        + " during start-up; its log " + log + " ends with:\n" + tail(30));
            }
            try {
                Api.Reply reply = api.get("/actuator/health", null);
                if (reply.status() == 200 && "UP".equals(Api.text(reply.body(), "status"))) {
                    return;
                }
                last = reply.describe();
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            }
            Thread.sleep(250);
        }
        throw new SetupException("the server was not healthy after " + budget.toSeconds() + " s (last: " + last
                + "); its log " + log + " ends with:\n" + tail(30));
    }

    /** The last {@code lines} lines of the server's log, for error messages. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGTERM (the server shuts down gracefully), then SIGKILL if it has not exited within the grace period. */
    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs stop() again, which finds the process gone
        }
    }
}
