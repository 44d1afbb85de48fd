package io.stampede.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * {@code --mode ab}: two builds of the server side by side in one run. Every measurement starts its build afresh (a
 * re-created database, a fresh Redis key prefix), buys closed-loop from a sale that cannot sell out, and counts the
 * winners per second of a timed window; the order of A and B alternates from round to round to cancel drift.
 */
final class AbDriver {

    /** The contract's largest stock: with every attempt a distinct shopper buying one unit, nothing sells out. */
    static final int STOCK = 10_000_000;
    /** Server start-up plus a fresh database's migration, for the estimate only. */
    private static final int STARTUP_ESTIMATE_SECONDS = 25;

    private final AbOptions options;
    private final String[] args;
    private final PrintStream out;
    private final String stamp = Long.toString(System.currentTimeMillis(), 36);
    private ServerLauncher launcher;
    private Path workDir;

    AbDriver(AbOptions options, String[] args, PrintStream out) {
        this.options = options;
        this.args = args.clone();
        this.out = out;
    }

    int execute() throws InterruptedException {
        return ServerLauncher.exclusively(this::executeLocked);
    }

    private int executeLocked() throws InterruptedException {
        for (Path jar : List.of(options.jarA(), options.jarB())) {
            if (!Files.isRegularFile(jar)) {
                throw new SetupException("no server jar at " + jar.toAbsolutePath() + " (bench/ab.sh builds the jars"
                        + " of two git refs)");
            }
        }
        ServerSettings server = options.server();
        Path java = ServerLauncher.java(server.java(), out);
        launcher = ServerLauncher.of(java, server, out);
        workDir = ServerLauncher.workDirectory("ab");
        BenchDatabase db = server.database();
        CompareDriver.Machine machine = CompareDriver.Machine.describe(java, Map.of(db.kind(), db.version()));
        String digestA = digest(options.jarA());
        String digestB = digest(options.jarB());

        out.println("stampede-bench ab  " + String.join(" ", args));
        out.println("machine       " + machine.summary());
        out.println("A             " + options.labelA() + "  " + describe(options.jarA(), digestA));
        out.println("B             " + options.labelB() + "  " + describe(options.jarB(), digestB));
        if (digestA.equals(digestB)) {
            out.println("note: A and B are the same jar; B/A shows the noise of this machine");
        }
        out.printf(
                Locale.ROOT,
                "plan          %d rounds x 2 measurements; each: re-create %s on %s, start the jar,"
                        + " sale REDIS_LUA/DIRECT of %,d units (limit 1), %d s warm-up + %d s measured at concurrency"
                        + " %d, one distinct shopper per attempt; about %s%n",
                options.rounds(),
                db.name(),
                db.kind(),
                STOCK,
                options.warmupSeconds(),
                options.seconds(),
                options.concurrency(),
                estimate());
        out.println("server logs   " + workDir);

        // the driver's own cold start must not fall on the first server measured (a cold A against a warm B)
        ClientWarmUp.run(Duration.ofSeconds(options.clientWarmUpSeconds()), options.concurrency(), out);
        List<AbSummary.Measurement> all = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            for (AbOptions.Side side : options.order(round)) {
                AbSummary.Measurement m = measure(round, side, db);
                all.add(m);
                out.println(AbSummary.line(m));
            }
        }
        out.println();
        out.print(AbSummary.text(all, options.labelA(), options.labelB(), options.rounds()));

        List<AbSummary.Measurement> oversold =
                all.stream().filter(m -> m.measured() && m.oversold() > 0).toList();
        if (!oversold.isEmpty()) {
            oversold.forEach(m ->
                    out.println("OVERSOLD: round " + m.round() + " " + m.label() + ": " + m.oversold() + " units"));
            out.println("AB: FAIL (oversold units must be 0)");
            return LoadDriver.FAIL;
        }
        if (AbSummary.roundRatios(all, options.rounds()).isEmpty()) {
            out.println("AB: no round measured both A and B");
            return LoadDriver.SETUP_ERROR;
        }
        out.println("AB: PASS (nothing oversold)");
        return LoadDriver.PASS;
    }

    /** One build in one round: fresh database and key prefix, start, buy, measure, check, stop. Never throws. */
    private AbSummary.Measurement measure(int round, AbOptions.Side side, BenchDatabase db)
            throws InterruptedException {
        String prefix = "stampede-bench:ab:" + stamp + ":r" + round + side.id() + ":";
        ServerProcess server;
        try {
            db.recreate();
            server = launcher.start(
                    side.jar(),
                    side.jvmOptions(),
                    db,
                    prefix,
                    workDir.resolve("r" + round + "-" + side.id()),
                    "server.log",
                    ServerLauncher.ARGUMENTS);
        } catch (SetupException e) {
            out.println("ERROR: " + e.getMessage());
            launcher.deleteKeys(prefix);
            return AbSummary.Measurement.failed(round, side.id(), side.label(), "setup: " + firstLine(e.getMessage()));
        }
        try {
            return measure(round, side, server);
        } catch (SetupException e) {
            return AbSummary.Measurement.failed(round, side.id(), side.label(), firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            return AbSummary.Measurement.failed(round, side.id(), side.label(), "bench error: " + e);
        } finally {
            server.close();
            launcher.deleteKeys(prefix);
        }
    }

    private AbSummary.Measurement measure(int round, AbOptions.Side side, ServerProcess server)
            throws InterruptedException {
        Api api = new Api(
                server.base(), Duration.ofSeconds(options.requestTimeoutSeconds()), Deadline.in(Duration.ofDays(1)));
        String runId = stamp + "r" + round + side.id();
        String saleId = Setup.createSale(
                api,
                launcher.adminToken(),
                "ab " + side.label() + " round " + round,
                "AB-" + runId.toUpperCase(Locale.ROOT),
                STOCK,
                1,
                "REDIS_LUA",
                "DIRECT",
                out);

        // tokens are minted as the attempts go: their number is not known beforehand, and minting costs A and B alike
        byte[] secret = launcher.jwtSecret().getBytes(StandardCharsets.UTF_8);
        Instant minted = Instant.now();
        String path = "/api/sales/" + saleId + "/purchases";
        Map<String, Object> body = Map.of("quantity", 1);
        Queue<Oversell.Placed> placed = new ConcurrentLinkedQueue<>();
        TimedLoop.Request purchase = index -> {
            String user = "bench-" + runId + "-" + index;
            Burst.Outcome outcome =
                    Burst.purchase(api, path, body, Tokens.mintJwt(secret, user, minted), runId + "-" + index);
            if (outcome.ordered()) {
                placed.add(new Oversell.Placed(user, outcome.orderId(), 1));
            }
            return outcome;
        };
        Duration warmup = Duration.ofSeconds(options.warmupSeconds());
        Duration window = Duration.ofSeconds(options.seconds());
        Deadline deadline = Deadline.in(warmup.plus(window).plusSeconds(options.requestTimeoutSeconds() + 30L));
        String pid = Long.toString(server.pid());
        TimedLoop.Result result = TimedLoop.run(
                options.concurrency(),
                warmup,
                window,
                STOCK / 2,
                status -> status == 201,
                purchase,
                deadline,
                () -> ProcStats.cpuNanos(pid));

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
        Settled settled = Settled.read(api, saleId, Duration.ofSeconds(options.settleSeconds()));
        Oversell.Result oversell = Oversell.compute(STOCK, 1, List.copyOf(placed), settled.figures());
        if (settled.figures() == null) {
            notes.add("stock unreadable (" + settled.problem() + "); oversold from answers only");
        } else if (settled.stillMoving()) {
            notes.add("stock still moving after " + options.settleSeconds() + " s");
        }
        notes.addAll(oversell.notes());
        if (!server.alive()) {
            notes.add("the server exited during this measurement (see its log)");
        }
        boolean any = result.latencyMicros().getTotalCount() > 0;
        return new AbSummary.Measurement(
                round,
                side.id(),
                side.label(),
                true,
                result.successRate(),
                any ? result.latencyMicros().getValueAtPercentile(50) / 1000.0 : Double.NaN,
                any ? result.latencyMicros().getValueAtPercentile(99) / 1000.0 : Double.NaN,
                result.successes(),
                result.seconds(),
                result.serverCpuMicrosPerAnswer(),
                otherCount,
                oversell.units(),
                String.join("; ", notes));
    }

    private String estimate() {
        long seconds =
                2L * options.rounds() * (STARTUP_ESTIMATE_SECONDS + options.warmupSeconds() + options.seconds() + 5);
        return seconds < 90 ? seconds + " s" : (seconds + 30) / 60 + " min";
    }

    private static String describe(Path jar, String digest) {
        try {
            return String.format(
                    Locale.ROOT, "%s (%.1f MB, sha256 %s)", jar.toAbsolutePath(), Files.size(jar) / 1e6, digest);
        } catch (IOException e) {
            return jar.toAbsolutePath().toString();
        }
    }

    /** The first 12 hex digits of the file's SHA-256, to tell builds apart in the output. */
    static String digest(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new SetupException("cannot read " + file + ": " + e, e);
        }
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
