package io.stampede.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Flags of {@code --mode speed}: the purchase path's speed against the stack's floor (a purchase refused 401), every
 * figure issue 14 sets a target for, in one run on one server it starts.
 */
record SpeedOptions(
        Path jar,
        ServerSettings server,
        List<String> strategies,
        int concurrency,
        List<Integer> highConcurrencies,
        int rounds,
        int seconds,
        int warmupSeconds,
        int coldSeconds,
        int warmSeconds,
        int clientWarmUpSeconds,
        int requestTimeoutSeconds,
        Path out,
        boolean write,
        boolean serviceAdmission,
        boolean help) {

    static final String SPEED = "speed";

    private static final List<Flags.Flag> OWN = List.of(
            new Flags.Flag("mode", "MODE", SPEED, "speed (this mode); see --mode burst --help for the others"),
            new Flags.Flag("jar", "FILE", "server/target/stampede.jar", "the server jar to measure"),
            new Flags.Flag(
                    "strategies",
                    "LIST",
                    String.join(",", CompareOptions.ALL_STRATEGIES),
                    "strategies whose winners are measured (REDIS_LUA and DB_PESSIMISTIC are always)"),
            new Flags.Flag("concurrency", "N", "200", "requests in flight at once (closed loop)"),
            new Flags.Flag(
                    "high-concurrency",
                    "LIST",
                    "1000,5000",
                    "the overload steps: REDIS_LUA winners at each of these many connections"),
            new Flags.Flag("rounds", "N", "2", "rounds of every measurement; medians are reported"),
            new Flags.Flag("seconds", "S", "10", "measured window of each measurement"),
            new Flags.Flag("warmup-seconds", "S", "5", "unmeasured requests before each window, on the same sale"),
            new Flags.Flag("cold-seconds", "S", "5", "window of the first winners right after health said UP"),
            new Flags.Flag("warm-seconds", "S", "30", "unmeasured REDIS_LUA winners after that, before round 1"),
            new Flags.Flag(
                    "client-warm-up-seconds",
                    "S",
                    "15",
                    "the driver's own requests to a stub before the server starts, so it is not cold in the first window"),
            new Flags.Flag("request-timeout-seconds", "S", "30", "timeout of a single HTTP request"),
            new Flags.Flag("out", "DIR", "docs/benchmarks", "where --write puts the table, CSV and chart"),
            new Flags.Flag(
                    "write",
                    null,
                    null,
                    "write <date>-speed.md, .csv and .svg to --out (<date>b-speed... when a run of the day wrote there)"),
            new Flags.Flag(
                    "service-admission",
                    null,
                    null,
                    "keep the service's own admission limits (256 in progress, 256 waiting, then 429) instead of"
                            + " raising them so that they refuse nothing"));

    static final List<Flags.Flag> FLAGS = AbOptions.concat(
            OWN, ServerSettings.FLAGS, List.of(new Flags.Flag("help", null, null, "print this help and exit")));

    static SpeedOptions parse(String... args) {
        Flags.Parsed p = Flags.parse(SPEED, FLAGS, args);
        if (p.on("help")) {
            return new SpeedOptions(
                    null, null, List.of(), 200, List.of(), 2, 10, 5, 5, 30, 0, 30, null, false, false, true);
        }
        List<String> strategies = new ArrayList<>(List.of("REDIS_LUA", "DB_PESSIMISTIC"));
        for (String s : p.get("strategies").split(",", -1)) {
            String strategy = s.strip().toUpperCase(Locale.ROOT);
            if (!CompareOptions.ALL_STRATEGIES.contains(strategy)) {
                throw new Options.UsageException(
                        "--strategies takes " + String.join(",", CompareOptions.ALL_STRATEGIES) + ", got " + s);
            }
            if (!strategies.contains(strategy)) {
                strategies.add(strategy);
            }
        }
        return new SpeedOptions(
                Path.of(p.get("jar")),
                ServerSettings.of(p),
                List.copyOf(strategies),
                p.integer("concurrency", 1, 100_000),
                p.integers("high-concurrency", 1, 100_000),
                p.integer("rounds", 1, 100),
                p.integer("seconds", 1, 3_600),
                p.integer("warmup-seconds", 0, 3_600),
                p.integer("cold-seconds", 1, 600),
                p.integer("warm-seconds", 0, 3_600),
                p.integer("client-warm-up-seconds", 0, 600),
                p.integer("request-timeout-seconds", 1, 3_600),
                Path.of(p.get("out")),
                p.on("write"),
                p.on("service-admission"),
                false);
    }

    static boolean requested(String... args) {
        return Flags.requested(SPEED, args);
    }

    static String usage() {
        return "Usage: java -jar bench/target/stampede-bench.jar --mode speed [--jar FILE] [flags]\n\n"
                + "The purchase path's speed against the floor of the stack, in one run on one server it starts\n"
                + "(a fresh --db-name and Redis prefix, admission limits raised so they refuse nothing, the local\n"
                + "sold-out flag on as in production). Right after health says UP it measures the first\n"
                + "--cold-seconds of REDIS_LUA winners (the driver itself warmed on a stub first), then buys unmeasured for --warm-seconds; then each round:\n"
                + "purchases refused 401 (no token: the floor), winners of every strategy, SOLD_OUT answers, and\n"
                + "REDIS_LUA winners at each --high-concurrency (last in odd rounds, first in even). Every attempt is a distinct shopper with its own Idempotency-Key. Each line\n"
                + "gives answers/s, latency and the server's CPU per answer (/proc/<pid>/stat over the window);\n"
                + "then the ratios issue 14 sets targets for, each said met or not. --write puts the table, a CSV\n"
                + "and a chart into --out. The driver runs on the same machine, so compare ratios, not figures.\n"
                + "Exit status: 0 measured and nothing oversold, 1 oversold, 2 setup error.\n\n"
                + "Flags:\n" + Flags.list(FLAGS);
    }
}
