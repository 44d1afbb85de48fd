package io.stampede.bench;

import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code --mode gate-shards}: the purchase gate's script on a Redis Cluster with a hot sale's gate in 1 and in K
 * segments, side by side in each round. Measures gate calls per second and each master's CPU.
 */
final class GateShardsDriver {
    private static final String PREFIX = "bench:";

    private final GateShardsOptions options;
    private final PrintStream out;

    GateShardsDriver(GateShardsOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** One run: K segments, calls per second, and per master (by address) CPU seconds per second and per call. */
    record Run(int segments, int round, double callsPerSecond, Map<String, Double> cpuShare, double cpuMicrosPerCall) {}

    int execute() throws InterruptedException {
        String script;
        try {
            script = Files.readString(options.script());
        } catch (IOException e) {
            throw new SetupException("cannot read the gate script " + options.script() + ": " + e.getMessage());
        }
        RedisClusterClient client = RedisClusterClient.create(options.nodes().stream()
                .map(n -> RedisURI.create("redis://" + n))
                .toList());
        try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
            String sha = connection.sync().scriptLoad(script); // on every node
            List<RedisClusterNode> masters = connection.getPartitions().stream()
                    .filter(n -> n.is(RedisClusterNode.NodeFlag.UPSTREAM))
                    .sorted(Comparator.comparingInt(n -> n.getUri().getPort()))
                    .toList();
            out.printf(
                    Locale.ROOT,
                    "gate-shards  %d masters  segments %s  concurrency %d  %d s + %d s warm-up  %d rounds%n",
                    masters.size(),
                    options.segments(),
                    options.concurrency(),
                    options.seconds(),
                    options.warmupSeconds(),
                    options.rounds());
            List<Run> runs = new ArrayList<>();
            String id = Long.toString(System.currentTimeMillis(), 36);
            for (int round = 1; round <= options.rounds(); round++) {
                for (int k : options.segments()) {
                    Run run = run(connection, masters, sha, "s" + id + "r" + round + "k" + k, k, round);
                    runs.add(run);
                    out.println(line(run));
                }
            }
            String table = table(runs, masters);
            out.print(table);
            if (options.output() != null) {
                try {
                    Files.writeString(options.output(), table);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        } finally {
            client.shutdown();
        }
        return 0;
    }

    private Run run(
            StatefulRedisClusterConnection<String, String> connection,
            List<RedisClusterNode> masters,
            String sha,
            String sale,
            int k,
            int round)
            throws InterruptedException {
        String[] segments = spread(sale, k);
        for (String segment : segments) {
            connection
                    .sync()
                    .hset(
                            key(segment, "gate"),
                            Map.of(
                                    "starts", "0",
                                    "ends", Long.toString(Long.MAX_VALUE / 2),
                                    "limit", "1",
                                    "available", "1000000000000",
                                    "epoch", "1"));
        }
        RedisAdvancedClusterAsyncCommands<String, String> async = connection.async();
        AtomicLong next = new AtomicLong();
        calls(async, sha, segments, next, Duration.ofSeconds(options.warmupSeconds()));
        Map<String, Double> before = cpu(connection, masters);
        long started = System.nanoTime();
        long done = calls(async, sha, segments, next, Duration.ofSeconds(options.seconds()));
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Double> after = cpu(connection, masters);
        Map<String, Double> share = new LinkedHashMap<>();
        double cpu = 0;
        for (String node : before.keySet()) {
            double used = after.get(node) - before.get(node);
            share.put(node, used / seconds);
            cpu += used;
        }
        for (String segment : segments) {
            connection.sync().unlink(key(segment, "gate"), key(segment, "users"), key(segment, "keys"));
        }
        return new Run(k, round, done / seconds, share, cpu * 1e6 / done);
    }

    /** Distinct buyers call the gate for {@code window}, {@code concurrency} calls in flight; returns the calls made. */
    private long calls(
            RedisAdvancedClusterAsyncCommands<String, String> async,
            String sha,
            String[] segments,
            AtomicLong next,
            Duration window)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(options.concurrency());
        AtomicLong answered = new AtomicLong();
        long end = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < end) {
            if (!inFlight.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                continue;
            }
            String user = "u" + next.getAndIncrement();
            String segment = segments[Math.floorMod(user.hashCode(), segments.length)];
            String[] keys = {key(segment, "gate"), key(segment, "users"), key(segment, "keys")};
            async.<List<Object>>evalsha(
                            sha,
                            ScriptOutputType.MULTI,
                            keys,
                            user,
                            "k",
                            "1",
                            user + "-order",
                            Long.toString(System.currentTimeMillis()))
                    .whenComplete((answer, failure) -> {
                        if (failure == null) {
                            answered.incrementAndGet();
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(options.concurrency()); // every call answered before the window's figures are read
        return answered.get();
    }

    /** CPU seconds (user + sys) each master has used so far. */
    private static Map<String, Double> cpu(
            StatefulRedisClusterConnection<String, String> connection, List<RedisClusterNode> masters) {
        Map<String, Double> used = new LinkedHashMap<>();
        for (RedisClusterNode master : masters) {
            String info = connection.getConnection(master.getNodeId()).sync().info("cpu");
            double seconds = 0;
            for (String line : info.lines().toList()) {
                if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                    seconds += Double.parseDouble(
                            line.substring(line.indexOf(':') + 1).strip());
                }
            }
            used.put(master.getUri().getHost() + ":" + master.getUri().getPort(), seconds);
        }
        return used;
    }

    /**
     * The segment ids of the sale as the service spreads them: segment s's hash tag falls s K-ths of the slot space
     * after segment 0's (SegmentedPurchaseGate in the server).
     */
    static String[] spread(String sale, int k) {
        String[] ids = new String[k];
        ids[0] = sale;
        int base = SlotHash.getSlot(key(sale, "gate"));
        int width = SlotHash.SLOT_COUNT / k;
        int first = Math.min(base / width, k - 1);
        for (int s = 1; s < k; s++) {
            // the middle half of the next K-th of the slot space: clear of where a cluster's ranges may end
            int from = ((first + s) % k) * width + width / 4;
            for (int n = 0; ; n++) {
                String candidate = sale + "/" + s + "." + n;
                int slot = SlotHash.getSlot(key(candidate, "gate"));
                if (slot >= from && slot < from + width / 2) {
                    ids[s] = candidate;
                    break;
                }
            }
        }
        return ids;
    }

    private static String key(String segment, String name) {
        return PREFIX + "{sale:" + segment + "}:" + name;
    }

    private static String line(Run run) {
        StringBuilder masters = new StringBuilder();
        run.cpuShare()
                .forEach(
                        (node, share) -> masters.append(String.format(Locale.ROOT, "  %s %3.0f%%", node, share * 100)));
        return String.format(
                Locale.ROOT,
                "round %d  K=%d  %,9.0f calls/s  Redis CPU %5.1f µs/call %s",
                run.round(),
                run.segments(),
                run.callsPerSecond(),
                run.cpuMicrosPerCall(),
                masters);
    }

    /** The Markdown table: one row per run, then the medians per K. */
    static String table(List<Run> runs, List<RedisClusterNode> masters) {
        StringBuilder t = new StringBuilder();
        t.append("\n| K | round | gate calls/s | Redis CPU µs per call |");
        for (int m = 0; m < masters.size(); m++) {
            t.append(" master ").append(m + 1).append(" CPU |");
        }
        t.append("\n| ---: | ---: | ---: | ---: |");
        t.append(" ---: |".repeat(masters.size()));
        t.append('\n');
        for (Run run : runs) {
            t.append(String.format(
                    Locale.ROOT,
                    "| %d | %d | %,.0f | %.1f |",
                    run.segments(),
                    run.round(),
                    run.callsPerSecond(),
                    run.cpuMicrosPerCall()));
            run.cpuShare().values().forEach(s -> t.append(String.format(Locale.ROOT, " %.0f%% |", s * 100)));
            t.append('\n');
        }
        t.append('\n');
        Map<Integer, List<Run>> byK = new LinkedHashMap<>();
        runs.forEach(
                r -> byK.computeIfAbsent(r.segments(), x -> new ArrayList<>()).add(r));
        double base = -1;
        for (Map.Entry<Integer, List<Run>> e : byK.entrySet()) {
            double calls = median(
                    e.getValue().stream().mapToDouble(Run::callsPerSecond).toArray());
            double busiest = median(e.getValue().stream()
                    .mapToDouble(r -> r.cpuShare().values().stream()
                            .mapToDouble(Double::doubleValue)
                            .max()
                            .orElse(0))
                    .toArray());
            double perCall = median(
                    e.getValue().stream().mapToDouble(Run::cpuMicrosPerCall).toArray());
            if (base < 0) {
                base = calls;
            }
            t.append(String.format(
                    Locale.ROOT,
                    "K=%d: median %,.0f gate calls/s (%.2f× K=%d), busiest master %.0f%% of a core, %.1f µs of Redis"
                            + " CPU per call%n",
                    e.getKey(),
                    calls,
                    calls / base,
                    byK.keySet().iterator().next(),
                    busiest * 100,
                    perCall));
        }
        return t.toString();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
