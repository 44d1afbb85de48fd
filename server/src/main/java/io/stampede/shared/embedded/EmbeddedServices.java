package io.stampede.shared.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import redis.embedded.RedisServer;

/**
 * The zero-configuration mode: when no database or Redis is configured, starts real PostgreSQL and Redis binaries
 * that ship inside Maven Central artifacts. PostgreSQL keeps its data under the data directory, so a restart finds
 * the sales and orders again; Redis keeps nothing (the gates are rebuilt from the database at start-up).
 */
public final class EmbeddedServices implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedServices.class);

    private @Nullable EmbeddedPostgres postgres;
    private @Nullable RedisServer redis;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    /** Starts what the environment does not configure; returns the started services and their properties. */
    public static EmbeddedServices startMissing(ConfigurableEnvironment env) {
        EmbeddedServices services = new EmbeddedServices();
        Path dataDir =
                Path.of(env.getProperty("stampede.data-dir", ".stampede")).toAbsolutePath();
        boolean anything = false;
        try {
            if (!env.containsProperty("spring.datasource.url")) {
                services.startPostgres(dataDir.resolve("postgres"));
                anything = true;
            }
            if (!env.containsProperty("spring.data.redis.host")
                    && !env.containsProperty("spring.data.redis.url")
                    && !env.containsProperty("spring.data.redis.cluster.nodes")) {
                services.startRedis();
                anything = true;
            }
        } catch (IOException e) {
            services.close();
            throw new UncheckedIOException("cannot start the embedded services", e);
        }
        if (anything) {
            // the embedded mode is for trying Stampede out: demo login and a demo sale unless told otherwise
            services.properties.put("stampede.demo-login", "true");
            services.properties.put("stampede.demo-sale", "true");
        }
        return services;
    }

    public Map<String, Object> properties() {
        return properties;
    }

    private void startPostgres(Path dir) throws IOException {
        Files.createDirectories(dir);
        boolean fresh = !Files.exists(dir.resolve("PG_VERSION"));
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPort(freePort())
                .start();
        properties.put("spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"));
        properties.put("spring.datasource.username", "postgres");
        properties.put("spring.datasource.password", "");
        log.info("Embedded PostgreSQL on port {} with data in {}{}", postgres.getPort(), dir, fresh ? " (new)" : "");
    }

    private void startRedis() throws IOException {
        int port = freePort();
        redis = RedisServer.newRedisServer()
                .port(port)
                .setting("bind 127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        redis.start();
        properties.put("spring.data.redis.host", "127.0.0.1");
        properties.put("spring.data.redis.port", port);
        log.info("Embedded Redis on port {}", port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (redis != null) {
            try {
                redis.stop();
            } catch (IOException | RuntimeException e) {
                log.warn("Embedded Redis did not stop cleanly: {}", e.getMessage());
            }
            redis = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException | RuntimeException e) {
                log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
            }
            postgres = null;
        }
    }
}
