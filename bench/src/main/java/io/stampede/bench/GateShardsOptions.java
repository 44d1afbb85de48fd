package io.stampede.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Flags of {@code --mode gate-shards}: the purchase gate's Lua script called straight on a Redis Cluster, with one
 * hot sale's gate in one segment (K = 1) and in K segments, to see what spreading a hot item over shards buys.
 */
record GateShardsOptions(
        List<String> nodes,
        Path script,
        List<Integer> segments,
        int concurrency,
        int seconds,
        int warmupSeconds,
        int rounds,
        Path output,
        boolean help) {

    static final String GATE_SHARDS = "gate-shards";

    static final List<Flags.Flag> FLAGS = List.of(
            new Flags.Flag(
                    "mode", "MODE", GATE_SHARDS, "gate-shards (this mode); see --mode burst --help for the others"),
            new Flags.Flag(
                    "cluster",
                    "NODES",
                    null,
                    "the cluster's nodes, host:port,host:port (bench/gate-shards.sh starts one)"),
            new Flags.Flag(
                    "script", "FILE", "server/src/main/resources/lua/purchase_gate.lua", "the gate script to call"),
            new Flags.Flag("segments", "K,K", "1,3", "the segment counts to compare, side by side in each round"),
            new Flags.Flag("concurrency", "N", "256", "gate calls in flight"),
            new Flags.Flag("seconds", "S", "10", "measured window of each run"),
            new Flags.Flag("warmup-seconds", "S", "3", "unmeasured calls before each window"),
            new Flags.Flag("rounds", "N", "3", "rounds; each runs every segment count once, in turn"),
            new Flags.Flag("output", "FILE", null, "also write the table as Markdown to this file"),
            new Flags.Flag("help", null, null, "print this help and exit"));

    static GateShardsOptions parse(String... args) {
        Flags.Parsed p = Flags.parse(GATE_SHARDS, FLAGS, args);
        if (p.on("help")) {
            return new GateShardsOptions(List.of(), Path.of(""), List.of(), 0, 0, 0, 0, null, true);
        }
        if (!p.given("cluster")) {
            throw new Options.UsageException("--cluster is required");
        }
        List<Integer> segments;
        try {
            segments = Arrays.stream(p.get("segments").split(",", -1))
                    .map(String::strip)
                    .map(Integer::parseInt)
                    .toList();
        } catch (NumberFormatException e) {
            throw new Options.UsageException("--segments must be whole numbers separated by commas");
        }
        if (segments.isEmpty() || segments.stream().anyMatch(k -> k < 1 || k > 16)) {
            throw new Options.UsageException("--segments must be between 1 and 16");
        }
        return new GateShardsOptions(
                Arrays.stream(p.get("cluster").split(",", -1))
                        .map(String::strip)
                        .toList(),
                Path.of(p.get("script")),
                segments,
                p.integer("concurrency", 1, 100_000),
                p.integer("seconds", 1, 3_600),
                p.integer("warmup-seconds", 0, 3_600),
                p.integer("rounds", 1, 100),
                p.given("output") ? Path.of(p.get("output")) : null,
                false);
    }

    static boolean requested(String... args) {
        return Flags.requested(GATE_SHARDS, args);
    }

    static String usage() {
        return "Usage: java -jar bench/target/stampede-bench.jar --mode gate-shards --cluster HOST:PORT,... [flags]\n\n"
                + "Calls the purchase gate's Lua script (EVALSHA) straight on a Redis Cluster, as the service does for\n"
                + "one hot sale, with its gate in one segment and in K segments (each buyer in the home segment of\n"
                + "the service's rule, the segments' hash tags spread over the slot space). Every call is a distinct\n"
                + "buyer of a sale whose stock does not run out. For each run it prints gate calls per second and\n"
                + "each master's CPU (INFO cpu, user + sys) per second of the window and per call. Between runs it\n"
                + "deletes the keys it wrote.\n"
                + "Exit status: 0 done, 2 setup error.\n\n"
                + "Flags:\n" + Flags.list(FLAGS);
    }
}
