package io.stampede.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Flags of {@code --mode ab}: two builds of the server side by side, each started fresh per measurement, round after
 * round with the order alternated, winners per second compared.
 */
record AbOptions(
        Path jarA,
        Path jarB,
        List<String> jvmOptionsA,
        List<String> jvmOptionsB,
        String labelA,
        String labelB,
        ServerSettings server,
        int concurrency,
        int rounds,
        int seconds,
        int warmupSeconds,
        int settleSeconds,
        int requestTimeoutSeconds,
        int clientWarmUpSeconds,
        boolean help) {

    static final String AB = "ab";

    /**
     * One of the two builds: {@code id} ("a" or "b") names its files and Redis keys, {@code label} its output; its own
     * JVM options come after the shared {@code --jvm-options}.
     */
    record Side(String id, String label, Path jar, List<String> jvmOptions) {}

    private static final List<Flags.Flag> OWN = List.of(
            new Flags.Flag("mode", "MODE", AB, "ab (this mode); see --mode burst --help for the others"),
            new Flags.Flag("jar-a", "FILE", null, "server jar A, the baseline (required)"),
            new Flags.Flag("jar-b", "FILE", null, "server jar B, compared with A (required; may be the same file)"),
            new Flags.Flag("jvm-options-a", "OPTS", "", "JVM options of A only, space separated"),
            new Flags.Flag(
                    "jvm-options-b",
                    "OPTS",
                    "",
                    "JVM options of B only (e.g. -XX:AOTCache=FILE, to compare a JVM setting on one jar)"),
            new Flags.Flag("label-a", "NAME", "A", "name of A in the output"),
            new Flags.Flag("label-b", "NAME", "B", "name of B in the output"),
            new Flags.Flag("concurrency", "N", "200", "purchases in flight at once (closed loop)"),
            new Flags.Flag("rounds", "N", "3", "rounds; each measures A and B once, A first in odd rounds, B in even"),
            new Flags.Flag("seconds", "S", "10", "measured window of each measurement"),
            new Flags.Flag("warmup-seconds", "S", "5", "unmeasured purchases before each window, on the same sale"),
            new Flags.Flag("settle-seconds", "S", "10", "most time to wait for the sale's stock to stop moving"),
            new Flags.Flag("request-timeout-seconds", "S", "30", "timeout of a single HTTP request"),
            new Flags.Flag(
                    "client-warm-up-seconds",
                    "S",
                    "15",
                    "the driver's own requests to a stub before the first server starts, so it is not cold then"));

    static final List<Flags.Flag> FLAGS =
            concat(OWN, ServerSettings.FLAGS, List.of(new Flags.Flag("help", null, null, "print this help and exit")));

    static AbOptions parse(String... args) {
        Flags.Parsed p = Flags.parse(AB, FLAGS, args);
        if (p.on("help")) {
            return new AbOptions(null, null, List.of(), List.of(), "A", "B", null, 200, 3, 10, 5, 10, 30, 0, true);
        }
        for (String required : List.of("jar-a", "jar-b")) {
            if (p.get(required) == null || p.get(required).isBlank()) {
                throw new Options.UsageException("--" + required + " is required: the server jar to measure");
            }
        }
        String labelA = label(p, "label-a");
        String labelB = label(p, "label-b");
        if (labelA.equals(labelB)) {
            throw new Options.UsageException("--label-a and --label-b must differ, both are " + labelA);
        }
        return new AbOptions(
                Path.of(p.get("jar-a")),
                Path.of(p.get("jar-b")),
                ServerSettings.splitOptions(p.get("jvm-options-a")),
                ServerSettings.splitOptions(p.get("jvm-options-b")),
                labelA,
                labelB,
                ServerSettings.of(p),
                p.integer("concurrency", 1, 100_000),
                p.integer("rounds", 1, 1_000),
                p.integer("seconds", 1, 3_600),
                p.integer("warmup-seconds", 0, 3_600),
                p.integer("settle-seconds", 1, 600),
                p.integer("request-timeout-seconds", 1, 3_600),
                p.integer("client-warm-up-seconds", 0, 600),
                false);
    }

    static boolean requested(String... args) {
        return Flags.requested(AB, args);
    }

    /** The order of one round (counted from 1): A then B in odd rounds, B then A in even ones, to cancel drift. */
    List<Side> order(int round) {
        Side a = new Side("a", labelA, jarA, jvmOptionsA);
        Side b = new Side("b", labelB, jarB, jvmOptionsB);
        return round % 2 == 1 ? List.of(a, b) : List.of(b, a);
    }

    static String usage() {
        return "Usage: java -jar bench/target/stampede-bench.jar --mode ab --jar-a FILE --jar-b FILE [flags]\n\n"
                + "Compares two builds of the server side by side. Each round measures A and B once (A first in odd\n"
                + "rounds, B first in even ones, so that drift of the machine cancels out). Each measurement re-creates\n"
                + "--db-name, starts the jar against it and the machine's Redis (a fresh key prefix, admission limits\n"
                + "raised), creates a REDIS_LUA / DIRECT sale of 10,000,000 units (so every attempt wins: 201), buys\n"
                + "closed-loop at --concurrency for --warmup-seconds, then measures --seconds: winners/s and their\n"
                + "latency p50/p99. Every attempt is a distinct shopper with its own Idempotency-Key. Then it checks\n"
                + "the sale for oversell and stops the jar. It prints each measurement and the medians of A and B,\n"
                + "the ratio B/A and the ratio of each round. bench/ab.sh builds the jars of two git refs and runs it.\n"
                + "Exit status: 0 nothing oversold, 1 some measurement oversold, 2 setup error or no round measured.\n\n"
                + "Flags:\n" + Flags.list(FLAGS);
    }

    private static String label(Flags.Parsed p, String name) {
        String label = p.get(name).strip();
        if (!label.matches("\\S{1,24}")) {
            throw new Options.UsageException(
                    "--" + name + " must be 1 to 24 characters without spaces, got '" + p.get(name) + "'");
        }
        return label;
    }

    @SafeVarargs
    static <T> List<T> concat(List<T>... lists) {
        List<T> all = new ArrayList<>();
        for (List<T> list : lists) {
            all.addAll(list);
        }
        return List.copyOf(all);
    }
}
