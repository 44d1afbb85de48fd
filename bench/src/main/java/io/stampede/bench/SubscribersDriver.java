package io.stampede.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * {@code --mode subscribers}: what N idle storefronts ({@code GET /api/stream/sales}) cost the purchases. One server,
 * one sale that cannot sell out; each round measures A (no subscribers) and then B (N subscribers, opened before the
 * measurement and closed after it), so that drift of the machine falls on both alike.
 */
final class SubscribersDriver {

    private static final String STREAM = "/api/stream/sales";
    private static final int STOCK = AbDriver.STOCK;
    /** After B, the server notices the closed subscribers at its next write; at most this long to see them gone. */
    private static final Duration DRAIN = Duration.ofSeconds(30);

    /** /proc readings at one instant. */
    private record Sample(
            long nanos,
            long serverTicks,
            long benchTicks,
            ProcStats.Machine machine,
            long clientCpuNanos,
            Storefronts.Snapshot frames) {}

    /** One measurement (A or B of one round). */
    record Measurement(
            int round,
            String side,
            int subscribers,
            double winnersPerSecond,
            double p50,
            double p99,
            double serverCores,
            double serverMicrosPerPurchase,
            double benchCores,
            double clientCores,
            double machineBusyCores,
            double rssMib,
            long serverFiles,
            double framesPerSubscriberSecond,
            double kibPerSecond,
            long others,
            String notes) {}

    private final SubscribersOptions options;
    private final String[] args;
    private final PrintStream out;
    private final String stamp = Long.toString(System.currentTimeMillis(), 36);
    private final Queue<Oversell.Placed> placed = new ConcurrentLinkedQueue<>();
    private final List<Storefronts.Opening> openings = new ArrayList<>();
    private final List<String> openingNotes = new ArrayList<>();
    private ServerLauncher launcher;
    private long drainBuyer;

    SubscribersDriver(SubscribersOptions options, String[] args, PrintStream out) {
        this.options = options;
        this.args = args.clone();
        this.out = out;
    }

    int execute() throws InterruptedException {
        return ServerLauncher.exclusively(this::executeLocked);
    }

    private int executeLocked() throws InterruptedException {
        if (!Files.isRegularFile(options.jar())) {
            throw new SetupException("no server jar at " + options.jar().toAbsolutePath()
                    + " (build it with ./mvnw -pl server -am -DskipTests package)");
        }
        ServerSettings settings = options.server();
        Path java = ServerLauncher.java(settings.java(), out);
        launcher = ServerLauncher.of(java, settings, out);
        Path workDir = ServerLauncher.workDirectory("subscribers");
        BenchDatabase db = settings.database();
        CompareDriver.Machine machine = CompareDriver.Machine.describe(java, Map.of(db.kind(), db.version()));
        out.println("stampede-bench subscribers  " + String.join(" ", args));
        out.println("machine       " + machine.summary());
        out.println(
                "server jar    " + options.jar().toAbsolutePath() + " (sha256 " + AbDriver.digest(options.jar()) + ")");
        out.printf(
                Locale.ROOT,
                "plan          one server on %s/%s; sale REDIS_LUA/DIRECT of %,d units (limit 1); %d rounds of A (no"
                        + " subscribers) then B (%,d subscribers of %s); each %d s warm-up + %d s measured at"
                        + " concurrency %d, one distinct shopper per attempt%n",
                db.kind(),
                db.name(),
                STOCK,
                options.rounds(),
                options.subscribers(),
                STREAM,
                options.warmupSeconds(),
                options.seconds(),
                options.concurrency());
        out.printf(
                Locale.ROOT,
                "subscribers   %d platform thread(s) with an NIO selector each, at most %d opening at once; they"
                        + " read and discard, counting event:sales lines%n",
                Math.min(options.subscriberThreads(), options.subscribers()),
                options.openInFlight());
        String prefix = "stampede-bench:subscribers:" + stamp + ":";
        db.recreate();
        ServerProcess server = launcher.start(options.jar(), db, prefix, workDir, "server.log");
        try {
            return run(server);
        } finally {
            server.close();
            launcher.deleteKeys(prefix);
        }
    }

    private int run(ServerProcess server) throws InterruptedException {
        Api api = new Api(
                server.base(), Duration.ofSeconds(options.requestTimeoutSeconds()), Deadline.in(Duration.ofDays(1)));
        String saleId = Setup.createSale(
                api,
                launcher.adminToken(),
                "subscribers " + stamp,
                "SUBS-" + stamp.toUpperCase(Locale.ROOT),
                STOCK,
                1,
                "REDIS_LUA",
                "DIRECT",
                out);
        out.println("sale          " + saleId);
        byte[] secret = launcher.jwtSecret().getBytes(StandardCharsets.UTF_8);
        List<Measurement> all = new ArrayList<>();
        boolean allFirstFrames = true;
        Duration warmup = Duration.ofSeconds(options.warmupSeconds());
        Duration window = Duration.ofSeconds(options.seconds());
        if (options.initialWarmupSeconds() > 0) {
            // a fresh JVM compiles the purchase path for tens of seconds: without this, round 1's A would measure it
            Measurement w = measure(
                    0,
                    "W",
                    api,
                    server,
                    saleId,
                    secret,
                    null,
                    Duration.ZERO,
                    Duration.ofSeconds(options.initialWarmupSeconds()));
            out.println("warm-up (not counted): " + line(w));
        }
        for (int round = 1; round <= options.rounds(); round++) {
            Measurement a = measure(round, "A", api, server, saleId, secret, null, warmup, window);
            all.add(a);
            out.println(line(a));

            long filesBefore = ProcStats.openFiles(server.pid());
            long started = System.nanoTime();
            Storefronts storefronts;
            try {
                storefronts = Storefronts.open(
                        server.base().getHost(),
                        server.base().getPort(),
                        STREAM,
                        "sales",
                        options.subscribers(),
                        options.subscriberThreads(),
                        options.openInFlight());
            } catch (IOException e) {
                throw new SetupException("cannot open the subscribers: " + e, e);
            }
            try {
                Storefronts.Opening opening = storefronts.awaitOpen(
                        options.subscribers(), started, Duration.ofSeconds(options.openSeconds()));
                openings.add(opening);
                long rss = ProcStats.rssKib(server.pid());
                out.printf(
                        Locale.ROOT,
                        "round %d open  %,d of %,d subscribers got their first event:sales frame in %.2f s (%,.0f/s)"
                                + "%s; server RSS %.0f MiB, open files %,d (%,d before)%n",
                        round,
                        opening.firstFrames(),
                        opening.wanted(),
                        opening.took().toNanos() / 1e9,
                        opening.firstFrames() / Math.max(1e-9, opening.took().toNanos() / 1e9),
                        opening.failed() > 0
                                ? ", " + opening.failed() + " failed (last: " + storefronts.lastFailure() + ")"
                                : "",
                        rss / 1024.0,
                        ProcStats.openFiles(server.pid()),
                        filesBefore);
                if (!opening.complete()) {
                    allFirstFrames = false;
                    openingNotes.add("round " + round + ": only " + opening.firstFrames() + " of " + opening.wanted()
                            + " subscribers got their first frame");
                }
                Measurement b = measure(round, "B", api, server, saleId, secret, storefronts, warmup, window);
                all.add(b);
                out.println(line(b));
            } finally {
                storefronts.close();
            }
            drain(api, server, saleId, secret, filesBefore);
        }
        out.println();
        out.print(summary(all));

        Settled settled = Settled.read(api, saleId, Duration.ofSeconds(options.settleSeconds()));
        Oversell.Result oversell = Oversell.compute(STOCK, 1, List.copyOf(placed), settled.figures());
        oversell.notes().forEach(n -> out.println("note: " + n));
        if (settled.figures() == null) {
            out.println("note: stock unreadable (" + settled.problem() + "); oversold from answers only");
        }
        openingNotes.forEach(n -> out.println("note: " + n));
        if (oversell.units() > 0) {
            out.println("SUBSCRIBERS: FAIL (oversold " + oversell.units() + " units)");
            return LoadDriver.FAIL;
        }
        if (!allFirstFrames) {
            out.println("SUBSCRIBERS: FAIL (not every subscriber got its first frame)");
            return LoadDriver.FAIL;
        }
        out.println("SUBSCRIBERS: PASS (every subscriber got its first frame, nothing oversold)");
        return LoadDriver.PASS;
    }

    /** Warm-up and measured window of closed-loop purchases, with /proc read at the window's edges. */
    private Measurement measure(
            int round,
            String side,
            Api api,
            ServerProcess server,
            String saleId,
            byte[] secret,
            Storefronts storefronts,
            Duration warmup,
            Duration window)
            throws InterruptedException {
        String runId = stamp + "r" + round + side;
        Instant minted = Instant.now();
        String path = "/api/sales/" + saleId + "/purchases";
        Map<String, Object> body = Map.of("quantity", 1);
        TimedLoop.Request purchase = index -> {
            String user = "subs-" + runId + "-" + index;
            Burst.Outcome outcome =
                    Burst.purchase(api, path, body, Tokens.mintJwt(secret, user, minted), runId + "-" + index);
            if (outcome.ordered()) {
                placed.add(new Oversell.Placed(user, outcome.orderId(), 1));
            }
            return outcome;
        };
        Deadline deadline = Deadline.in(warmup.plus(window).plusSeconds(options.requestTimeoutSeconds() + 30L));
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        ScheduledFuture<Sample> first =
                sampler.schedule(() -> sample(server, storefronts), warmup.toNanos(), TimeUnit.NANOSECONDS);
        ScheduledFuture<Sample> last = sampler.schedule(
                () -> sample(server, storefronts), warmup.plus(window).toNanos(), TimeUnit.NANOSECONDS);
        TimedLoop.Result result = TimedLoop.run(
                options.concurrency(), warmup, window, STOCK / 4, status -> status == 201, purchase, deadline);
        Sample s1;
        Sample s2;
        try {
            s1 = first.get();
            s2 = last.get(Math.max(1, deadline.remaining().toMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new SetupException("cannot read /proc: " + e, e);
        } finally {
            sampler.shutdownNow();
        }
        long rss = ProcStats.rssKib(server.pid());
        long files = ProcStats.openFiles(server.pid());

        List<String> notes = new ArrayList<>();
        if (result.cutShort()) {
            notes.add("cut short: the window lasted " + String.format(Locale.ROOT, "%.1f s", result.seconds()));
        }
        Map<String, Long> others = result.failures(status -> status == 201);
        long otherCount = others.values().stream().mapToLong(Long::longValue).sum();
        if (otherCount > 0) {
            notes.add("not every answer was a 201: "
                    + others.entrySet().stream()
                            .map(e -> e.getKey() + " x" + e.getValue())
                            .collect(Collectors.joining(", ")));
        }
        if (!server.alive()) {
            notes.add("the server exited during this measurement (see its log)");
        }
        double seconds = (s2.nanos() - s1.nanos()) / 1e9;
        double serverCpu = (s2.serverTicks() - s1.serverTicks()) / ProcStats.TICKS_PER_SECOND;
        double benchCpu = (s2.benchTicks() - s1.benchTicks()) / ProcStats.TICKS_PER_SECOND;
        long machineTotal = s2.machine().total() - s1.machine().total();
        long machineIdle = s2.machine().idle() - s1.machine().idle();
        int cores = Runtime.getRuntime().availableProcessors();
        double machineBusy = machineTotal <= 0 ? Double.NaN : cores * (1.0 - (double) machineIdle / machineTotal);
        int subscribers = 0;
        double framesPerSubscriberSecond = Double.NaN;
        double kibPerSecond = Double.NaN;
        double clientCores = Double.NaN;
        if (storefronts != null) {
            Storefronts.Snapshot f1 = s1.frames();
            Storefronts.Snapshot f2 = s2.frames();
            subscribers = (int) (f2.firstFrames() - f2.closedByServer() - f2.failed());
            framesPerSubscriberSecond = (f2.frames() - f1.frames()) / (double) Math.max(1, subscribers) / seconds;
            kibPerSecond = (f2.bytes() - f1.bytes()) / 1024.0 / seconds;
            clientCores = (s2.clientCpuNanos() - s1.clientCpuNanos()) / 1e9 / seconds;
            if (f2.closedByServer() > 0 || f2.failed() > 0) {
                notes.add(f2.closedByServer() + " subscribers closed by the server, " + f2.failed() + " failed");
            }
        }
        long purchases = result.successes();
        boolean any = result.latencyMicros().getTotalCount() > 0;
        return new Measurement(
                round,
                side,
                subscribers,
                result.successRate(),
                any ? result.latencyMicros().getValueAtPercentile(50) / 1000.0 : Double.NaN,
                any ? result.latencyMicros().getValueAtPercentile(99) / 1000.0 : Double.NaN,
                serverCpu / seconds,
                purchases == 0 ? Double.NaN : serverCpu * 1e6 / purchases,
                benchCpu / seconds,
                clientCores,
                machineBusy,
                rss / 1024.0,
                files,
                framesPerSubscriberSecond,
                kibPerSecond,
                otherCount,
                String.join("; ", notes));
    }

    private static Sample sample(ServerProcess server, Storefronts storefronts) {
        return new Sample(
                System.nanoTime(),
                ProcStats.cpuTicks(Long.toString(server.pid())),
                ProcStats.cpuTicks("self"),
                ProcStats.machine(),
                storefronts == null ? 0 : storefronts.cpuNanos(),
                storefronts == null ? new Storefronts.Snapshot(0, 0, 0, 0, 0, 0) : storefronts.snapshot());
    }

    /**
     * The server learns that a subscriber is gone when it next writes to it, and it writes only when the stock moves:
     * buys one unit a second until its open files are back to where they were before B, so A starts clean.
     */
    private void drain(Api api, ServerProcess server, String saleId, byte[] secret, long filesBefore)
            throws InterruptedException {
        long t0 = System.nanoTime();
        Deadline until = Deadline.in(DRAIN);
        String path = "/api/sales/" + saleId + "/purchases";
        long files = ProcStats.openFiles(server.pid());
        while (files > filesBefore + 50 && !until.expired()) {
            String user = "subs-" + stamp + "-drain-" + drainBuyer;
            Burst.Outcome outcome = Burst.purchase(
                    api,
                    path,
                    Map.of("quantity", 1),
                    Tokens.mintJwt(secret, user, Instant.now()),
                    stamp + "-drain-" + drainBuyer);
            drainBuyer++;
            if (outcome.ordered()) {
                placed.add(new Oversell.Placed(user, outcome.orderId(), 1));
            }
            Thread.sleep(1_100);
            files = ProcStats.openFiles(server.pid());
        }
        out.printf(
                Locale.ROOT,
                "        closed the subscribers; the server's open files are %,d after %.1f s (%,d before B)%n",
                files,
                (System.nanoTime() - t0) / 1e9,
                filesBefore);
    }

    static String line(Measurement m) {
        String head = String.format(
                Locale.ROOT,
                "round %d %s  subs %,6d  winners/s %,8.0f  p50 %6.1f ms  p99 %7.1f ms  server %4.2f cores %6.0f µs/purchase"
                        + "  RSS %5.0f MiB  files %,6d  bench %4.2f cores  machine busy %4.2f",
                m.round(),
                m.side(),
                m.subscribers(),
                m.winnersPerSecond(),
                m.p50(),
                m.p99(),
                m.serverCores(),
                m.serverMicrosPerPurchase(),
                m.rssMib(),
                m.serverFiles(),
                m.benchCores(),
                m.machineBusyCores());
        if (m.side().equals("B")) {
            head += String.format(
                    Locale.ROOT,
                    "  frames/subscriber/s %.2f  %,.0f KiB/s  subscriber threads %.3f cores",
                    m.framesPerSubscriberSecond(),
                    m.kibPerSecond(),
                    m.clientCores());
        }
        return m.notes().isEmpty() ? head : head + "\n        " + m.notes();
    }

    /** The medians of A and B, B/A of the medians and of each round, and the opening times, as a Markdown table. */
    String summary(List<Measurement> all) {
        List<Measurement> a = all.stream().filter(m -> m.side().equals("A")).toList();
        List<Measurement> b = all.stream().filter(m -> m.side().equals("B")).toList();
        StringBuilder s = new StringBuilder();
        s.append("| | A: no subscribers | B: ")
                .append(String.format(Locale.ROOT, "%,d", options.subscribers()))
                .append(" subscribers | B/A |\n| --- | ---: | ---: | ---: |\n");
        row(s, "purchases/s (median)", a, b, Measurement::winnersPerSecond, "%,.0f");
        row(s, "p50 latency ms", a, b, Measurement::p50, "%.1f");
        row(s, "p99 latency ms", a, b, Measurement::p99, "%.1f");
        row(s, "server CPU, cores", a, b, Measurement::serverCores, "%.2f");
        row(s, "server CPU µs per purchase", a, b, Measurement::serverMicrosPerPurchase, "%.0f");
        row(s, "server RSS MiB (end of window)", a, b, Measurement::rssMib, "%.0f");
        row(s, "bench CPU, cores (all threads)", a, b, Measurement::benchCores, "%.2f");
        row(s, "machine busy, cores", a, b, Measurement::machineBusyCores, "%.2f");
        s.append(String.format(
                Locale.ROOT,
                "| frames per subscriber per second | | %.2f | |%n",
                median(b.stream()
                        .mapToDouble(Measurement::framesPerSubscriberSecond)
                        .toArray())));
        s.append(String.format(
                Locale.ROOT,
                "| subscriber threads' CPU, cores | | %.3f | |%n",
                median(b.stream().mapToDouble(Measurement::clientCores).toArray())));
        s.append('\n');
        List<String> ratios = new ArrayList<>();
        double[] r = new double[Math.min(a.size(), b.size())];
        for (int i = 0; i < r.length; i++) {
            r[i] = b.get(i).winnersPerSecond() / a.get(i).winnersPerSecond();
            ratios.add(String.format(Locale.ROOT, "%.3f", r[i]));
        }
        double medianA =
                median(a.stream().mapToDouble(Measurement::winnersPerSecond).toArray());
        double medianB =
                median(b.stream().mapToDouble(Measurement::winnersPerSecond).toArray());
        double[] sorted = r.clone();
        Arrays.sort(sorted);
        s.append(String.format(
                Locale.ROOT,
                "B/A purchases/s: %.3f of the medians; per round %s (median %.3f, %.3f–%.3f)%n",
                medianB / medianA,
                String.join(", ", ratios),
                median(r),
                sorted.length == 0 ? Double.NaN : sorted[0],
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]));
        s.append(String.format(
                Locale.ROOT,
                "opening %,d subscribers (to the last first frame): %s s%n",
                options.subscribers(),
                openings.stream()
                        .map(o -> String.format(Locale.ROOT, "%.2f", o.took().toNanos() / 1e9)
                                + (o.complete() ? "" : " (" + o.firstFrames() + " only)"))
                        .collect(Collectors.joining(", "))));
        return s.toString();
    }

    private static void row(
            StringBuilder s,
            String name,
            List<Measurement> a,
            List<Measurement> b,
            ToDoubleFunction<Measurement> value,
            String format) {
        double ma = median(a.stream().mapToDouble(value).toArray());
        double mb = median(b.stream().mapToDouble(value).toArray());
        s.append("| ")
                .append(name)
                .append(" | ")
                .append(String.format(Locale.ROOT, format, ma))
                .append(" | ")
                .append(String.format(Locale.ROOT, format, mb))
                .append(" | ")
                .append(String.format(Locale.ROOT, "%.3f", mb / ma))
                .append(" |\n");
    }

    static double median(double[] values) {
        double[] v =
                Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
