package io.stampede.testsupport;

import io.lettuce.core.ScanArgs;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import redis.embedded.RedisServer;

/**
 * The real database and Redis the integration tests run against: embedded PostgreSQL and Redis binaries by default,
 * the machine's own servers when {@code STAMPEDE_IT_EXTERNAL=true}, and with that the machine's MariaDB instead of its
 * PostgreSQL when {@code STAMPEDE_IT_DB=mariadb}. Every test class gets its own database and Redis key prefix, so
 * runs never see each other's data; what a run creates it removes when the JVM exits.
 */
public final class TestServices {
    public static final boolean EXTERNAL = "true".equalsIgnoreCase(System.getenv("STAMPEDE_IT_EXTERNAL"));
    /** The database the tests run on: {@code postgresql} (the default) or {@code mariadb}. */
    public static final String DB = env("STAMPEDE_IT_DB", "postgresql").toLowerCase(Locale.ROOT);

    public static final boolean MARIADB = DB.equals("mariadb");
    private static final String DB_PREFIX = "stampede_it_";
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private static TestServices instance;

    private final String adminJdbcUrl;
    private final String user;
    private final String redisHost;
    private final int redisPort;
    private final List<String> databases = new ArrayList<>();
    private EmbeddedPostgres postgres;
    private RedisServer redis;

    public static synchronized TestServices get() {
        if (instance == null) {
            instance = new TestServices();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::shutdown, "test-services-stop"));
        }
        return instance;
    }

    private TestServices() {
        if (!DB.equals("postgresql") && !MARIADB) {
            throw new IllegalStateException("STAMPEDE_IT_DB must be postgresql or mariadb, not " + DB);
        }
        if (MARIADB && !EXTERNAL) {
            throw new IllegalStateException("STAMPEDE_IT_DB=mariadb runs on the machine's MariaDB: set "
                    + "STAMPEDE_IT_EXTERNAL=true as well (there is no embedded MariaDB)");
        }
        try {
            if (EXTERNAL) {
                if (MARIADB) {
                    // the database in the URL only serves to connect; each test context creates its own beside it
                    adminJdbcUrl = env("STAMPEDE_IT_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test");
                    user = env("STAMPEDE_IT_MARIADB_USER", "root");
                } else {
                    adminJdbcUrl = env("STAMPEDE_IT_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
                    user = env("STAMPEDE_IT_PG_USER", "postgres");
                }
                redisHost = env("STAMPEDE_IT_REDIS_HOST", "127.0.0.1");
                redisPort = Integer.parseInt(env("STAMPEDE_IT_REDIS_PORT", "6379"));
            } else {
                postgres = EmbeddedPostgres.builder().start();
                adminJdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
                user = "postgres";
                redisHost = "127.0.0.1";
                redisPort = freePort();
                redis = RedisServer.newRedisServer()
                        .port(redisPort)
                        .setting("bind 127.0.0.1")
                        .setting("save \"\"")
                        .setting("appendonly no")
                        .build();
                redis.start();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new, empty database of this run; returns its JDBC URL. */
    public synchronized String newDatabase() {
        String name = DB_PREFIX + RUN + "_" + databases.size();
        if (MARIADB) {
            execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
            databases.add(name);
            // a plain URL, as an operator would write it: the service itself keeps instants in UTC (SqlDialect)
            return adminJdbcUrl.replaceFirst("^(jdbc:mariadb://[^/?]+)(/[^?]*)?", "$1/" + name);
        }
        execute("CREATE DATABASE " + name);
        databases.add(name);
        return adminJdbcUrl.replaceFirst("/postgres(\\?|$)", "/" + name + "$1");
    }

    /** A Redis key prefix no other test or run uses. */
    public String newKeyPrefix() {
        return "it:" + RUN + ":" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    public String user() {
        return user;
    }

    public String redisHost() {
        return redisHost;
    }

    public int redisPort() {
        return redisPort;
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection(adminJdbcUrl, user, "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private void shutdown() {
        if (EXTERNAL) {
            for (String db : databases) {
                try {
                    execute("DROP DATABASE IF EXISTS " + db + (MARIADB ? "" : " WITH (FORCE)"));
                } catch (RuntimeException e) {
                    // best effort at exit
                }
            }
            deleteRedisKeys("it:" + RUN + ":*");
        }
        try {
            if (redis != null) {
                redis.stop();
            }
            if (postgres != null) {
                postgres.close();
            }
        } catch (IOException | RuntimeException e) {
            // best effort at exit
        }
    }

    private void deleteRedisKeys(String pattern) {
        try (var client = io.lettuce.core.RedisClient.create("redis://" + redisHost + ":" + redisPort);
                var connection = client.connect()) {
            var commands = connection.sync();
            var cursor = commands.scan(ScanArgs.Builder.matches(pattern).limit(1000));
            while (true) {
                if (!cursor.getKeys().isEmpty()) {
                    commands.del(cursor.getKeys().toArray(String[]::new));
                }
                if (cursor.isFinished()) {
                    break;
                }
                cursor = commands.scan(cursor, ScanArgs.Builder.matches(pattern).limit(1000));
            }
        } catch (RuntimeException e) {
            // best effort at exit
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
