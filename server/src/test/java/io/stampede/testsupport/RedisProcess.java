package io.stampede.testsupport;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import redis.embedded.RedisServer;

/**
 * A Redis of a test's own on a free loopback port, from the embedded-redis binary (so on every machine), that keeps
 * an RDB snapshot on demand and can be restarted from it: a Redis that comes back a few hundred writes behind, as after
 * a restart from an old snapshot or a failover to a lagging replica. Stopped and deleted by {@link #close}.
 */
public final class RedisProcess implements AutoCloseable {
    private final int port;
    private final Path dir;
    private RedisServer server;

    private RedisProcess(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    public static RedisProcess start() {
        try {
            RedisProcess redis = new RedisProcess(TestServices.freePort(), Files.createTempDirectory("stampede-redis"));
            redis.startServer();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    private void startServer() throws IOException {
        server = RedisServer.newRedisServer()
                .port(port)
                .setting("bind 127.0.0.1")
                .setting("dir " + dir)
                .setting("dbfilename dump.rdb")
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        server.start();
    }

    /** Stops Redis without saving, as a crash does. */
    public void stop() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts it again after {@link #stop}, with what its last {@link #snapshot} saved: nothing if it took none. */
    public void startAgain() {
        try {
            startServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the data set to disk now (SAVE) and keeps that file as the snapshot to restart from. */
    public void snapshot() {
        try (RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
                StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().save();
            Files.copy(dir.resolve("dump.rdb"), dir.resolve("snapshot.rdb"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops Redis without saving and starts it again from the last {@link #snapshot}: every write since is gone. */
    public void restartFromSnapshot() {
        try {
            server.stop();
            Files.copy(dir.resolve("snapshot.rdb"), dir.resolve("dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
            startServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.stop();
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
