package io.stampede.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Flags of {@code --mode compare}: every strategy, the same sale, several concurrencies, on each database, with the
 * bench starting and stopping the server itself. Kept apart from {@link Options}, whose flags drive a running service.
 */
public record CompareOptions(
        List<String> databases,
        List<String> strategies,
        List<Integer> concurrencies,
        int stock,
        int buyers,
        int runSeconds,
        int warmupBuyers,
        int settleSeconds,
        int startupSeconds,
        int requestTimeoutSeconds,
        Path serverJar,
        Path java,
        List<String> jvmOptions,
        String postgresUrl,
        String postgresUser,
        String postgresPassword,
        String mariadbUrl,
        String mariadbUser,
        String mariadbPassword,
        String dbName,
        String redisHost,
        int redisPort,
        Path out,
        boolean quick,
        boolean help) {

    static final String COMPARE = "compare";
    /** The contract's order: the project's own answer first, then the seeds' approaches. */
    static final List<String> ALL_STRATEGIES = List.of(
            "REDIS_LUA", "DB_PESSIMISTIC", "DB_OPTIMISTIC", "DB_CONDITIONAL", "REDIS_LOCK", "SEGMENTED", "TOKEN_QUEUE");

    static final List<String> DATABASES = List.of("postgresql", "mariadb");

    private static final List<Flags.Flag> FLAGS = List.of(
            new Flags.Flag(
                    "mode", "MODE", COMPARE, null, "compare (this mode); see --mode burst --help for the others"),
            new Flags.Flag(
                    "databases", "LIST", "postgresql,mariadb", "postgresql", "databases to compare on, in order"),
            new Flags.Flag("strategies", "LIST", String.join(",", ALL_STRATEGIES), null, "strategies, in order"),
            new Flags.Flag(
                    "concurrencies", "LIST", "10,50,200,1000", "10,50", "requests in flight at once, one run each"),
            new Flags.Flag("stock", "N", "1000", "200", "stock of every measured sale (per-user limit 1)"),
            new Flags.Flag("buyers", "N", "20000", "2000", "distinct shoppers per run, one attempt each"),
            new Flags.Flag(
                    "run-seconds",
                    "S",
                    "40",
                    "15",
                    "time budget per run; attempts not answered by then count as not attempted"),
            new Flags.Flag(
                    "warmup-buyers",
                    "N",
                    "2000",
                    "500",
                    "untimed warm-up attempts per strategy after each server start (0: none)"),
            new Flags.Flag("settle-seconds", "S", "10", "5", "most time to wait for a sale's stock to stop moving"),
            new Flags.Flag(
                    "startup-seconds", "S", "180", null, "most time to wait for the server's /actuator/health UP"),
            new Flags.Flag("request-timeout-seconds", "S", "30", null, "timeout of a single HTTP request"),
            new Flags.Flag("server-jar", "FILE", "server/target/stampede.jar", null, "the service's fat jar"),
            new Flags.Flag(
                    "java", "FILE", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java", null, "java that runs the server"),
            new Flags.Flag("jvm-options", "OPTS", "", null, "extra JVM options of the server, space separated"),
            new Flags.Flag(
                    "postgres-url",
                    "JDBC",
                    "jdbc:postgresql://127.0.0.1:5432/postgres",
                    null,
                    "PostgreSQL admin URL; the bench database is created beside its database"),
            new Flags.Flag("postgres-user", "USER", "postgres", null, "PostgreSQL user (also the server's)"),
            new Flags.Flag("postgres-password", "PASS", "", null, "PostgreSQL password"),
            new Flags.Flag(
                    "mariadb-url",
                    "JDBC",
                    "jdbc:mariadb://127.0.0.1:3306/",
                    null,
                    "MariaDB admin URL; the bench database is created beside its database"),
            new Flags.Flag("mariadb-user", "USER", "root", null, "MariaDB user (also the server's)"),
            new Flags.Flag("mariadb-password", "PASS", "", null, "MariaDB password"),
            new Flags.Flag(
                    "db-name",
                    "NAME",
                    "stampede_bench",
                    null,
                    "database the bench drops and re-creates on each engine: it must be the bench's own"),
            new Flags.Flag("redis-host", "HOST", "127.0.0.1", null, "Redis of the server; keys get a per-run prefix"),
            new Flags.Flag("redis-port", "PORT", "6379", null, "Redis port"),
            new Flags.Flag("out", "DIR", "docs/benchmarks", null, "where the table, CSV and charts are written"),
            new Flags.Flag(
                    "quick", null, null, null, "smoke run, about a minute: the quick value of every flag not given"),
            new Flags.Flag("help", null, null, null, "print this help and exit"));

    /** Parses the arguments; {@code --quick} changes the default of every flag that has a quick value. */
    public static CompareOptions parse(String... args) {
        Flags.Parsed parsed = Flags.parse(COMPARE, FLAGS, args);
        Map<String, String> values = parsed.values();
        boolean quick = parsed.on("quick");

        List<String> databases = list(values, "databases").stream()
                .map(d -> d.toLowerCase(Locale.ROOT))
                .toList();
        for (String db : databases) {
            if (!DATABASES.contains(db)) {
                throw new Options.UsageException("--databases takes " + DATABASES + ", got " + db);
            }
        }
        List<String> strategies = list(values, "strategies").stream()
                .map(s -> s.toUpperCase(Locale.ROOT))
                .toList();
        for (String strategy : strategies) {
            if (!ALL_STRATEGIES.contains(strategy)) {
                throw new Options.UsageException("--strategies takes " + ALL_STRATEGIES + ", got " + strategy);
            }
        }
        List<Integer> concurrencies = list(values, "concurrencies").stream()
                .map(c -> (int) range("concurrencies", parseLong("concurrencies", c), 1, 100_000))
                .toList();
        String dbName = values.get("db-name");
        if (!dbName.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new Options.UsageException("--db-name must match [a-z][a-z0-9_]*, got " + dbName);
        }
        if (!values.get("postgres-url").startsWith("jdbc:postgresql://")) {
            throw new Options.UsageException("--postgres-url must start with jdbc:postgresql://");
        }
        if (!values.get("mariadb-url").startsWith("jdbc:mariadb://")) {
            throw new Options.UsageException("--mariadb-url must start with jdbc:mariadb://");
        }
        String jvm = values.get("jvm-options").strip();
        return new CompareOptions(
                databases,
                strategies,
                concurrencies,
                integer(values, "stock", 1, 10_000_000),
                integer(values, "buyers", 1, 1_000_000),
                integer(values, "run-seconds", 1, 3_600),
                integer(values, "warmup-buyers", 0, 1_000_000),
                integer(values, "settle-seconds", 1, 600),
                integer(values, "startup-seconds", 1, 3_600),
                integer(values, "request-timeout-seconds", 1, 3_600),
                Path.of(values.get("server-jar")),
                Path.of(values.get("java")),
                jvm.isEmpty() ? List.of() : List.of(jvm.split("\\s+")),
                values.get("postgres-url"),
                values.get("postgres-user"),
                values.get("postgres-password"),
                values.get("mariadb-url"),
                values.get("mariadb-user"),
                values.get("mariadb-password"),
                dbName,
                values.get("redis-host"),
                integer(values, "redis-port", 1, 65_535),
                Path.of(values.get("out")),
                quick,
                parsed.on("help"));
    }

    /** True when the arguments ask for {@code --mode compare}, in either flag form. */
    static boolean requested(String... args) {
        return Flags.requested(COMPARE, args);
    }

    public static String usage() {
        StringBuilder out = new StringBuilder();
        out.append("Usage: java -jar bench/target/stampede-bench.jar --mode compare [flags]\n\n");
        out.append("Runs the side-by-side strategy comparison in one command. For each database it re-creates\n");
        out.append("--db-name, starts the server jar against it and the machine's Redis, warms it up, then for\n");
        out.append("each strategy and concurrency creates a fresh sale (--stock units, limit 1) and lets --buyers\n");
        out.append("distinct shoppers attempt once each, closed-loop. It prints a table per database and writes\n");
        out.append("<out>/<date>-compare.md, .csv and one SVG chart per database. Run it from the repository root.\n");
        out.append("Exit status: 0 nothing oversold, 1 some run oversold, 2 setup error or nothing measured.\n\n");
        out.append("Flags (quick value in brackets, used with --quick unless the flag is given):\n");
        out.append(Flags.list(FLAGS));
        return out.toString();
    }

    /** The number of measured runs. */
    int runCount() {
        return databases.size() * strategies.size() * concurrencies.size();
    }

    private static List<String> list(Map<String, String> values, String name) {
        List<String> items = Arrays.stream(values.get(name).split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
        if (items.isEmpty()) {
            throw new Options.UsageException("--" + name + " needs at least one item");
        }
        if (new LinkedHashSet<>(items).size() != items.size()) {
            throw new Options.UsageException("--" + name + " lists an item twice: " + values.get(name));
        }
        return items;
    }

    private static int integer(Map<String, String> values, String name, int min, int max) {
        return (int) range(name, parseLong(name, values.get(name)), min, max);
    }

    private static long range(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new Options.UsageException(
                    "--" + name + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    private static long parseLong(String name, String raw) {
        try {
            return Long.parseLong(raw.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new Options.UsageException("--" + name + " must be a whole number, got '" + raw + "'");
        }
    }
}
