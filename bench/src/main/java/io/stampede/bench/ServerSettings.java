package io.stampede.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How {@code --mode ab} and {@code --mode read-cost} run a server jar themselves: which java and JVM options, the
 * database engine and the bench's own database on it (dropped and re-created before every start), and Redis.
 */
record ServerSettings(
        Path java,
        List<String> jvmOptions,
        BenchDatabase database,
        String redisHost,
        int redisPort,
        int startupSeconds) {

    static final List<String> DATABASES = CompareOptions.DATABASES;

    static final List<Flags.Flag> FLAGS = List.of(
            new Flags.Flag("db", "ENGINE", "postgresql", "database engine of the server: postgresql or mariadb"),
            new Flags.Flag(
                    "db-url",
                    "JDBC",
                    null,
                    "admin JDBC URL of that engine (default"
                            + " jdbc:postgresql://127.0.0.1:5432/postgres or jdbc:mariadb://127.0.0.1:3306/)"),
            new Flags.Flag("db-user", "USER", null, "database user, also the server's (default postgres or root)"),
            new Flags.Flag("db-password", "PASS", "", "database password"),
            new Flags.Flag(
                    "db-name",
                    "NAME",
                    "stampede_bench",
                    "database the bench drops and re-creates before every server start: it must be the bench's own"),
            new Flags.Flag("redis-host", "HOST", "127.0.0.1", "Redis of the server; keys get a per-start prefix"),
            new Flags.Flag("redis-port", "PORT", "6379", "Redis port"),
            new Flags.Flag("java", "FILE", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java", "java that runs the server"),
            new Flags.Flag("jvm-options", "OPTS", "", "extra JVM options of the server, space separated"),
            new Flags.Flag("startup-seconds", "S", "180", "most time to wait for the server's /actuator/health UP"));

    /** The flag names, for refusing them where no server is started. */
    static final List<String> NAMES = FLAGS.stream().map(Flags.Flag::name).toList();

    static ServerSettings of(Flags.Parsed p) {
        String kind = p.get("db").toLowerCase(Locale.ROOT);
        if (!DATABASES.contains(kind)) {
            throw new Options.UsageException("--db takes " + String.join(" or ", DATABASES) + ", got " + kind);
        }
        boolean postgres = kind.equals("postgresql");
        String url = p.given("db-url")
                ? p.get("db-url")
                : postgres ? "jdbc:postgresql://127.0.0.1:5432/postgres" : "jdbc:mariadb://127.0.0.1:3306/";
        if (!url.startsWith("jdbc:" + kind + "://")) {
            throw new Options.UsageException("--db-url must start with jdbc:" + kind + ":// for --db " + kind);
        }
        String user = p.given("db-user") ? p.get("db-user") : postgres ? "postgres" : "root";
        String name = p.get("db-name");
        if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new Options.UsageException("--db-name must match [a-z][a-z0-9_]*, got " + name);
        }
        return new ServerSettings(
                Path.of(p.get("java")),
                splitOptions(p.get("jvm-options")),
                new BenchDatabase(kind, url, user, p.get("db-password"), name),
                p.get("redis-host"),
                p.integer("redis-port", 1, 65_535),
                p.integer("startup-seconds", 1, 3_600));
    }

    /** JVM options given as one space-separated flag value, as a list (empty for a blank value). */
    static List<String> splitOptions(String raw) {
        String s = raw.strip();
        return s.isEmpty() ? List.of() : List.of(s.split("\\s+"));
    }
}
