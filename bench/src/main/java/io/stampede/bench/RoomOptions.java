package io.stampede.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * Flags of {@code --mode room}: a WAITING_ROOM sale with a crowd of shoppers in its room (docs/fair-drops.md), what
 * joining costs, what keeping the waiting crowd informed costs (storefront push and polling), and purchase throughput
 * of the admitted shoppers with and without the crowd, alternating round after round.
 */
record RoomOptions(
        Path jar,
        ServerSettings server,
        int shoppers,
        int joinConcurrency,
        int joinWarmup,
        int startsInSeconds,
        int admitPerSecond,
        int stock,
        int subscribers,
        int subscriberThreads,
        int openInFlight,
        int openSeconds,
        int pollEverySeconds,
        int pollConnections,
        int sweepConcurrency,
        int concurrency,
        int rounds,
        int seconds,
        int warmupSeconds,
        int informSeconds,
        int initialWarmupSeconds,
        int settleSeconds,
        int requestTimeoutSeconds,
        Path output,
        boolean help) {

    static final String ROOM = "room";

    private static final List<Flags.Flag> OWN = List.of(
            new Flags.Flag("mode", "MODE", ROOM, "room (this mode); see --mode burst --help for the others"),
            new Flags.Flag("jar", "FILE", "server/target/stampede.jar", "server jar to start and measure"),
            new Flags.Flag("shoppers", "N", "100000", "shoppers who join the waiting room"),
            new Flags.Flag("join-concurrency", "N", "64", "joins in flight at once (closed loop)"),
            new Flags.Flag(
                    "join-warmup",
                    "N",
                    "5000",
                    "shoppers of a warm-up room who join, ask their place and buy for --initial-warmup-seconds,"
                            + " unmeasured (the JIT of a fresh server); then half as many more join, for the join rate"
                            + " the sale's start is planned by"),
            new Flags.Flag(
                    "starts-in-seconds",
                    "S",
                    "0",
                    "the sale starts (and the room lets shoppers through) S seconds after it is created; 0: when the"
                            + " joins should be done at twice that join rate, plus 10 s"),
            new Flags.Flag(
                    "admit-per-second",
                    "N",
                    "50",
                    "the room's admitPerSecond: low enough that the crowd is still waiting at the end of the run"),
            new Flags.Flag("stock", "N", "10000000", "units of the sale (1..10,000,000)"),
            new Flags.Flag(
                    "subscribers",
                    "N",
                    "10000",
                    "waiting shoppers who hold GET /api/stream/sales open in the crowd's windows"),
            new Flags.Flag(
                    "subscriber-threads", "N", "1", "platform threads (one NIO selector each) holding the subscribers"),
            new Flags.Flag("open-in-flight", "N", "256", "subscribers being opened at once (connected, no frame yet)"),
            new Flags.Flag(
                    "open-seconds", "S", "180", "most time to open the subscribers and receive their first frame"),
            new Flags.Flag(
                    "poll-every-seconds",
                    "S",
                    "30",
                    "each waiting shopper asks GET /api/sales/{id}/room once per S seconds: --shoppers / S polls a"
                            + " second"),
            new Flags.Flag("poll-connections", "N", "64", "keep-alive connections the polls travel over (open loop)"),
            new Flags.Flag(
                    "sweep-concurrency",
                    "N",
                    "64",
                    "polls in flight in the sweep that reads every shopper's place once admission started"),
            new Flags.Flag("concurrency", "N", "200", "purchases in flight at once (closed loop, admitted shoppers)"),
            new Flags.Flag("rounds", "N", "3", "rounds; each measures the crowd's windows and A/B of the purchases"),
            new Flags.Flag("seconds", "S", "10", "measured window of each purchase measurement"),
            new Flags.Flag("warmup-seconds", "S", "5", "unmeasured purchases before each purchase window"),
            new Flags.Flag(
                    "inform-seconds",
                    "S",
                    "10",
                    "window of the quiet, streams-only and streams-plus-polls measurements"),
            new Flags.Flag(
                    "initial-warmup-seconds",
                    "S",
                    "20",
                    "unmeasured purchases once, in the warm-up room (JIT of the purchase path)"),
            new Flags.Flag("settle-seconds", "S", "10", "most time to wait for the sale's stock to stop moving"),
            new Flags.Flag("request-timeout-seconds", "S", "30", "timeout of a single HTTP request"),
            new Flags.Flag("output", "FILE", null, "also write the summary (Markdown) to FILE"));

    static final List<Flags.Flag> FLAGS = AbOptions.concat(
            OWN, ServerSettings.FLAGS, List.of(new Flags.Flag("help", null, null, "print this help and exit")));

    static RoomOptions parse(String... args) {
        Flags.Parsed p = Flags.parse(ROOM, FLAGS, args);
        if (p.on("help")) {
            return new RoomOptions(
                    null,
                    null,
                    100_000,
                    64,
                    5_000,
                    0,
                    50,
                    10_000_000,
                    10_000,
                    1,
                    256,
                    180,
                    30,
                    64,
                    64,
                    200,
                    3,
                    10,
                    5,
                    10,
                    20,
                    10,
                    30,
                    null,
                    true);
        }
        int shoppers = p.integer("shoppers", 1, 1_000_000);
        int joinWarmup = p.integer("join-warmup", 0, 1_000_000);
        int startsIn = p.integer("starts-in-seconds", 0, 3_600);
        if (joinWarmup == 0 && startsIn == 0) {
            throw new Options.UsageException(
                    "--join-warmup 0 leaves no join rate to plan the sale's start by: give --starts-in-seconds too");
        }
        int subscribers = p.integer("subscribers", 0, 60_000);
        if (subscribers > shoppers) {
            throw new Options.UsageException("--subscribers (" + subscribers + ") are waiting shoppers: at most"
                    + " --shoppers (" + shoppers + ")");
        }
        int concurrency = p.integer("concurrency", 1, 10_000);
        String output = p.get("output");
        return new RoomOptions(
                Path.of(p.get("jar")),
                ServerSettings.of(p),
                shoppers,
                p.integer("join-concurrency", 1, 10_000),
                joinWarmup,
                startsIn,
                p.integer("admit-per-second", 1, 100_000),
                p.integer("stock", 1, 10_000_000),
                subscribers,
                p.integer("subscriber-threads", 1, 64),
                p.integer("open-in-flight", 1, 60_000),
                p.integer("open-seconds", 1, 3_600),
                p.integer("poll-every-seconds", 1, 3_600),
                p.integer("poll-connections", 1, 10_000),
                p.integer("sweep-concurrency", 1, 10_000),
                concurrency,
                p.integer("rounds", 1, 1_000),
                p.integer("seconds", 1, 3_600),
                p.integer("warmup-seconds", 0, 3_600),
                p.integer("inform-seconds", 1, 3_600),
                p.integer("initial-warmup-seconds", 0, 3_600),
                p.integer("settle-seconds", 1, 600),
                p.integer("request-timeout-seconds", 1, 3_600),
                output == null || output.isBlank() ? null : Path.of(output),
                false);
    }

    /** Polls a second that keep every shopper informed once per {@code --poll-every-seconds}. */
    double pollRate() {
        return RoomPlan.pollRate(shoppers, pollEverySeconds);
    }

    static boolean requested(String... args) {
        return Flags.requested(ROOM, args);
    }

    static String usage() {
        return "Usage: java -jar bench/target/stampede-bench.jar --mode room [--shoppers 100000] [flags]\n\n"
                + "A waiting room of N shoppers (docs/fair-drops.md). Re-creates --db-name, starts the jar once\n"
                + "against it and the machine's Redis (a fresh key prefix, admission limits raised) and creates a\n"
                + "WAITING_ROOM sale (REDIS_LUA / DIRECT, per-user limit 1,000, admission tokens valid an hour) whose\n"
                + "room opens now and lets --admit-per-second through from its start. Then:\n"
                + "  warm   --join-warmup shoppers join a warm-up room, ask their place and buy, unmeasured (the\n"
                + "         JIT); then more join it, for the join rate by which the sale's start is planned;\n"
                + "  join   N shoppers POST /api/sales/{id}/room (JWTs minted here): joins/s, latency, server and\n"
                + "         Redis CPU per join, Redis memory per shopper;\n"
                + "  sweep  once admission started, GET /api/sales/{id}/room for every shopper (closed loop): their\n"
                + "         places, and server CPU per poll at full speed;\n"
                + "  rounds of  Q: the crowd waits, nobody asks;  A: admitted shoppers buy (closed loop, header\n"
                + "         Admission-Token);  F: --subscribers hold GET /api/stream/sales open;  P: F plus polls of\n"
                + "         GET /api/sales/{id}/room at --shoppers / --poll-every-seconds a second (open loop);\n"
                + "         B: P plus the same purchases as A.\n"
                + "Prints every window, then server CPU per push frame (F - Q) and per poll (P - F), and B/A of the\n"
                + "purchases per round. Exit status: 0 every join and subscriber succeeded and nothing was oversold,\n"
                + "1 otherwise, 2 setup error.\n\n"
                + "Flags:\n" + Flags.list(FLAGS);
    }
}
