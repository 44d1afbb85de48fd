package io.stampede.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Starts the server jar the way every mode that runs its own servers does ({@code compare}, {@code ab},
 * {@code read-cost}): on a free port, against a database of the bench and the machine's Redis under a key prefix of
 * its own, with an admin token, JWT secret and payment secret generated here, and with the admission limits raised
 * far above the load, so the bench measures the service and not its rate limiter.
 */
final class ServerLauncher {

    /**
     * The admission limits raised far beyond the load, and the local sold-out flag off, so that attempts after the
     * last unit go through each strategy's own path (with it on, every strategy answers them alike, without a round
     * trip). Passed as arguments because the property names are exact there.
     */
    static final List<String> ARGUMENTS = List.of(
            "--stampede.admission.per-user-per-second=1000000",
            "--stampede.admission.global-per-second=100000000",
            "--stampede.admission.max-in-flight=1000000",
            "--stampede.sold-out-flag-ttl=0s");

    /** The work of one mode that starts servers; {@link #exclusively} runs it while holding the machine's lock. */
    @FunctionalInterface
    interface Work {
        int run() throws InterruptedException;
    }

    private final Path java;
    private final List<String> jvmOptions;
    private final String redisHost;
    private final int redisPort;
    private final Duration startup;
    private final PrintStream out;
    private final SecureRandom random = new SecureRandom();
    private final String adminToken = secret();
    private final String jwtSecret = secret();
    private final String paymentSecret = secret();

    ServerLauncher(
            Path java, List<String> jvmOptions, String redisHost, int redisPort, Duration startup, PrintStream out) {
        this.java = java;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.redisHost = redisHost;
        this.redisPort = redisPort;
        this.startup = startup;
        this.out = out;
    }

    /** A launcher of servers on {@code java} with the shared server flags of a mode. */
    static ServerLauncher of(Path java, ServerSettings settings, PrintStream out) {
        return new ServerLauncher(
                java,
                settings.jvmOptions(),
                settings.redisHost(),
                settings.redisPort(),
                Duration.ofSeconds(settings.startupSeconds()),
                out);
    }

    /** A new temporary directory {@code stampede-bench-<mode>-…} for a run's servers' data and logs. */
    static Path workDirectory(String mode) {
        try {
            return Files.createTempDirectory("stampede-bench-" + mode + "-");
        } catch (IOException e) {
            throw new SetupException("cannot create the work directory: " + e, e);
        }
    }

    String adminToken() {
        return adminToken;
    }

    String jwtSecret() {
        return jwtSecret;
    }

    /**
     * Two of these runs at once would drop each other's database and halve each other's cores: the work runs while
     * this process holds a lock file in the temporary directory, or not at all.
     */
    static int exclusively(Work work) throws InterruptedException {
        Path lockFile = Path.of(System.getProperty("java.io.tmpdir"), "stampede-bench-compare.lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw new SetupException("another bench run that starts its own servers (--mode compare, ab or"
                        + " read-cost) is running on this machine (it holds " + lockFile + "); wait for it to finish");
            }
            return work.run();
        } catch (IOException e) {
            throw new SetupException("cannot take the lock " + lockFile + ": " + e, e);
        }
    }

    /** The requested java if it is executable, else the one running the bench (with a note). */
    static Path java(Path requested, PrintStream out) {
        if (Files.isExecutable(requested)) {
            return requested;
        }
        Path own = ProcessHandle.current().info().command().map(Path::of).orElse(Path.of("java"));
        out.println("note: " + requested + " is not executable; the server runs on " + own);
        return own;
    }

    /**
     * Starts {@code jar} against {@code db} (which the caller has re-created) and Redis keys under {@code prefix},
     * with its data directory and log under {@code dir}, and waits until it is healthy. A server that does not come
     * up is stopped again and reported as a {@link SetupException}. If the bench is interrupted while the server
     * runs, it is stopped and its keys deleted.
     */
    ServerProcess start(Path jar, BenchDatabase db, String prefix, Path dir, String logName)
            throws InterruptedException {
        return start(jar, db, prefix, dir, logName, ARGUMENTS);
    }

    /** As {@link #start(Path, BenchDatabase, String, Path, String)}, with these arguments instead of {@link #ARGUMENTS}. */
    ServerProcess start(Path jar, BenchDatabase db, String prefix, Path dir, String logName, List<String> arguments)
            throws InterruptedException {
        return start(jar, List.of(), db, prefix, dir, logName, arguments);
    }

    /** As above, with JVM options of this server after the launcher's own. */
    ServerProcess start(
            Path jar,
            List<String> moreJvmOptions,
            BenchDatabase db,
            String prefix,
            Path dir,
            String logName,
            List<String> arguments)
            throws InterruptedException {
        long t0 = System.nanoTime();
        ServerProcess server;
        try {
            int port = ServerProcess.freePort();
            Files.createDirectories(dir);
            Map<String, String> env = new LinkedHashMap<>();
            env.put("SERVER_PORT", Integer.toString(port));
            env.put("SPRING_DATASOURCE_URL", db.serverUrl());
            env.put("SPRING_DATASOURCE_USERNAME", db.user());
            env.put("SPRING_DATASOURCE_PASSWORD", db.password());
            env.put("SPRING_DATA_REDIS_HOST", redisHost);
            env.put("SPRING_DATA_REDIS_PORT", Integer.toString(redisPort));
            env.put("STAMPEDE_REDIS_KEY_PREFIX", prefix);
            env.put("STAMPEDE_ADMIN_TOKEN", adminToken);
            env.put("STAMPEDE_JWT_SECRET", jwtSecret);
            env.put("STAMPEDE_PAYMENT_SECRET", paymentSecret);
            env.put("STAMPEDE_DATA_DIR", dir.resolve("data").toString());
            env.put("STAMPEDE_DEMO_SALE", "false");
            env.put("STAMPEDE_DEMO_LOGIN", "false");
            server = ServerProcess.start(
                    java,
                    jar,
                    AbOptions.concat(jvmOptions, moreJvmOptions),
                    arguments,
                    env,
                    port,
                    dir.resolve(logName),
                    () -> deleteKeys(prefix));
        } catch (IOException e) {
            throw new SetupException("cannot start the server: " + e, e);
        }
        try {
            server.awaitHealthy(startup);
        } catch (SetupException | InterruptedException e) {
            server.close();
            throw e;
        }
        out.printf(
                Locale.ROOT,
                "server        pid %d on %s healthy after %.1f s (log %s)%n",
                server.pid(),
                server.base(),
                (System.nanoTime() - t0) / 1e9,
                server.log());
        return server;
    }

    /** Deletes the server's Redis keys under {@code prefix}; says so, or why not. */
    void deleteKeys(String prefix) {
        try {
            long deleted = RedisKeys.deleteByPrefix(redisHost, redisPort, prefix);
            out.println("redis         deleted " + deleted + " keys under " + prefix);
        } catch (IOException | RuntimeException e) {
            out.println("note: could not delete the Redis keys under " + prefix + ": " + e);
        }
    }

    private String secret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
