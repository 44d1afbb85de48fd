package io.stampede.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * Flags of {@code --mode subscribers}: purchase throughput of one server without storefront subscribers (A) and with
 * N idle subscribers of {@code GET /api/stream/sales} (B), alternating round after round.
 */
record SubscribersOptions(
        Path jar,
        ServerSettings server,
        int subscribers,
        int subscriberThreads,
        int openInFlight,
        int openSeconds,
        int concurrency,
        int rounds,
        int seconds,
        int warmupSeconds,
        int initialWarmupSeconds,
        int settleSeconds,
        int requestTimeoutSeconds,
        boolean help) {

    static final String SUBSCRIBERS = "subscribers";

    private static final List<Flags.Flag> OWN = List.of(
            new Flags.Flag(
                    "mode", "MODE", SUBSCRIBERS, "subscribers (this mode); see --mode burst --help for the others"),
            new Flags.Flag("jar", "FILE", "server/target/stampede.jar", "server jar to start and measure"),
            new Flags.Flag("subscribers", "N", "10000", "idle subscribers of GET /api/stream/sales in the B rounds"),
            new Flags.Flag(
                    "subscriber-threads", "N", "1", "platform threads (one NIO selector each) holding the subscribers"),
            new Flags.Flag("open-in-flight", "N", "256", "subscribers being opened at once (connected, no frame yet)"),
            new Flags.Flag(
                    "open-seconds", "S", "180", "most time to open the subscribers and receive their first frame"),
            new Flags.Flag("concurrency", "N", "200", "purchases in flight at once (closed loop)"),
            new Flags.Flag("rounds", "N", "3", "rounds; each measures A (no subscribers) then B (N subscribers)"),
            new Flags.Flag("seconds", "S", "10", "measured window of each measurement"),
            new Flags.Flag("warmup-seconds", "S", "5", "unmeasured purchases before each window"),
            new Flags.Flag(
                    "initial-warmup-seconds",
                    "S",
                    "30",
                    "unmeasured purchases once, before round 1 (JIT of a fresh JVM)"),
            new Flags.Flag("settle-seconds", "S", "10", "most time to wait for the sale's stock to stop moving"),
            new Flags.Flag("request-timeout-seconds", "S", "30", "timeout of a single HTTP request"));

    static final List<Flags.Flag> FLAGS = AbOptions.concat(
            OWN, ServerSettings.FLAGS, List.of(new Flags.Flag("help", null, null, "print this help and exit")));

    static SubscribersOptions parse(String... args) {
        Flags.Parsed p = Flags.parse(SUBSCRIBERS, FLAGS, args);
        if (p.on("help")) {
            return new SubscribersOptions(null, null, 10_000, 1, 256, 180, 200, 3, 10, 5, 30, 10, 30, true);
        }
        return new SubscribersOptions(
                Path.of(p.get("jar")),
                ServerSettings.of(p),
                p.integer("subscribers", 1, 60_000),
                p.integer("subscriber-threads", 1, 64),
                p.integer("open-in-flight", 1, 60_000),
                p.integer("open-seconds", 1, 3_600),
                p.integer("concurrency", 1, 100_000),
                p.integer("rounds", 1, 1_000),
                p.integer("seconds", 1, 3_600),
                p.integer("warmup-seconds", 0, 3_600),
                p.integer("initial-warmup-seconds", 0, 3_600),
                p.integer("settle-seconds", 1, 600),
                p.integer("request-timeout-seconds", 1, 3_600),
                false);
    }

    static boolean requested(String... args) {
        return Flags.requested(SUBSCRIBERS, args);
    }

    static String usage() {
        return "Usage: java -jar bench/target/stampede-bench.jar --mode subscribers [--subscribers 10000] [flags]\n\n"
                + "What idle storefront tabs cost the purchases. Re-creates --db-name, starts the jar once against it\n"
                + "and the machine's Redis (a fresh key prefix, admission limits raised) and creates a REDIS_LUA /\n"
                + "DIRECT sale of 10,000,000 units (limit 1, so every attempt wins: 201). Each round measures\n"
                + "A: no subscribers, then B: --subscribers connections to GET /api/stream/sales, opened before B's\n"
                + "warm-up, each checked to have received its first 'event: sales' frame, and closed after B. Each\n"
                + "measurement buys closed-loop at --concurrency for --warmup-seconds, then measures --seconds:\n"
                + "winners/s, latency p50/p99, the server's CPU per purchase (/proc/<pid>/stat), its RSS and open\n"
                + "files, the bench's own CPU, and in B the frames the subscribers received. The subscribers are\n"
                + "held by --subscriber-threads platform threads with NIO selectors that read and discard. Prints\n"
                + "every measurement, the medians and B/A of each round. Exit status: 0 every subscriber got its\n"
                + "first frame and nothing was oversold, 1 otherwise, 2 setup error.\n\n"
                + "Flags:\n" + Flags.list(FLAGS);
    }
}
