package io.stampede.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * {@code --mode speed}: one server, started here, measured against the floor of its own stack (a purchase refused
 * 401 before any work): winners of every strategy, SOLD_OUT answers, winners at a high concurrency and in the first
 * seconds after the server said UP, each with the server's CPU per answer, and the ratios issue 14 sets targets for.
 */
final class SpeedDriver {
    /** REDIS_LUA's sales: so large that every attempt of a window wins. */
    static final int BIG = 10_000_000;
    /** The other strategies' sales: as large, in their terms (a token queue holds one list entry per unit). */
    static final int LARGE = 1_000_000;

    private static final Map<String, Object> BODY = Map.of("quantity", 1);

    private final SpeedOptions options;
    private final String[] args;
    private final PrintStream out;
    private final String stamp = Long.toString(System.currentTimeMillis(), 36);
    private final List<String> oversold = new ArrayList<>();
    private ServerLauncher launcher;
    private Api api;
    private long serverPid;
    private LongSupplier serverCpu;
    private byte[] jwtSecret;
    private Instant minted;
    private int sales;
    private int measurements; // names each measurement's shoppers and keys, so none is used twice in a run

    SpeedDriver(SpeedOptions options, String[] args, PrintStream out) {
        this.options = options;
        this.args = args.clone();
        this.out = out;
    }

    int execute() throws InterruptedException {
        return ServerLauncher.exclusively(this::executeLocked);
    }

    private int executeLocked() throws InterruptedException {
        if (!Files.isRegularFile(options.jar())) {
            throw new SetupException("no server jar at " + options.jar().toAbsolutePath() + " (./mvnw package)");
        }
        ServerSettings settings = options.server();
        Path java = ServerLauncher.java(settings.java(), out);
        launcher = ServerLauncher.of(java, settings, out);
        BenchDatabase db = settings.database();
        CompareDriver.Machine machine = CompareDriver.Machine.describe(java, Map.of(db.kind(), db.version()));
        out.println("stampede-bench speed  " + String.join(" ", args));
        out.println("machine       " + machine.summary());
        out.println(
                "jar           " + options.jar().toAbsolutePath() + " (sha256 " + AbDriver.digest(options.jar()) + ")");
        Path workDir = ServerLauncher.workDirectory("speed");
        String prefix = "stampede-bench:speed:" + stamp + ":";
        // as ab starts it, but with the local sold-out flag on, as in production: the SOLD_OUT line measures it
        // with --service-admission, the service's own admission limits too: what the overload steps then show is
        // admission control at work (excess answered 429 at once), not every connection's request inside the server
        List<String> arguments = ServerLauncher.ARGUMENTS.stream()
                .filter(a -> !a.startsWith("--stampede.sold-out-flag-ttl="))
                .filter(a -> !(options.serviceAdmission() && a.startsWith("--stampede.admission.")))
                .toList();
        if (options.serviceAdmission()) {
            out.println("admission     the service's own limits (429 beyond them), not raised");
        }
        // the driver warms itself before the server starts: its own cold start must not be charged to the server's
        ClientWarmUp.run(Duration.ofSeconds(options.clientWarmUpSeconds()), options.concurrency(), out);
        db.recreate();
        ServerProcess server = launcher.start(options.jar(), db, prefix, workDir, "server.log", arguments);
        List<SpeedReport.Row> rows = new ArrayList<>();
        try {
            api = new Api(
                    server.base(),
                    Duration.ofSeconds(options.requestTimeoutSeconds()),
                    Deadline.in(Duration.ofDays(1)));
            serverPid = server.pid();
            String pid = Long.toString(serverPid);
            serverCpu = () -> ProcStats.cpuNanos(pid);
            jwtSecret = launcher.jwtSecret().getBytes(StandardCharsets.UTF_8);
            minted = Instant.now();

            // first, while the server is as fresh as one an autoscaler just added
            String first = sale("REDIS_LUA", BIG, "cold");
            record(
                    rows,
                    winners(1, SpeedReport.COLD, "REDIS_LUA", first, options.concurrency(), 0, options.coldSeconds()));
            // then warm, so that the rounds compare a warm server with itself (the JIT takes tens of seconds)
            if (options.warmSeconds() > 0) {
                out.println("warming       " + options.warmSeconds() + " s of REDIS_LUA winners, not measured");
                winners(1, "warming", "REDIS_LUA", first, options.concurrency(), options.warmSeconds(), 1);
            }
            for (int round = 1; round <= options.rounds(); round++) {
                // the overload line first in even rounds, last in odd ones: what the server gains or loses over a
                // round falls on both sides of its ratio to the usual concurrency
                if (round % 2 == 0) {
                    high(rows, round);
                }
                record(rows, floor(round, first));
                for (String strategy : options.strategies()) {
                    String sale = sale(strategy, strategy.equals("REDIS_LUA") ? BIG : LARGE, "r" + round);
                    record(
                            rows,
                            winners(
                                    round,
                                    SpeedReport.WINNERS,
                                    strategy,
                                    sale,
                                    options.concurrency(),
                                    options.warmupSeconds(),
                                    options.seconds()));
                }
                record(rows, soldOut(round));
                if (round % 2 == 1) {
                    high(rows, round);
                }
            }
        } finally {
            server.close();
            launcher.deleteKeys(prefix);
        }

        out.println();
        out.println("== medians over " + options.rounds() + " round(s) ==");
        SpeedReport.medians(rows).forEach(r -> out.println(SpeedReport.line(r)));
        out.println();
        out.println("== issue 14's targets (each the median of the per-round ratios) ==");
        SpeedReport.targets(rows, options.highConcurrencies()).forEach(t -> out.println(t.line()));
        if (options.write()) {
            write(rows, machine);
        }
        if (!oversold.isEmpty()) {
            oversold.forEach(o -> out.println("OVERSOLD: " + o));
            out.println("SPEED: FAIL (oversold units must be 0)");
            return LoadDriver.FAIL;
        }
        out.println("SPEED: measured, nothing oversold");
        return LoadDriver.PASS;
    }

    private void record(List<SpeedReport.Row> rows, SpeedReport.Row row) {
        rows.add(row);
        out.println(SpeedReport.line(row));
    }

    private String sale(String strategy, int stock, String what) throws InterruptedException {
        sales++;
        return Setup.createSale(
                api,
                launcher.adminToken(),
                "speed " + strategy + " " + what,
                "SPEED-" + stamp.toUpperCase(Locale.ROOT) + "-" + sales,
                stock,
                1,
                strategy,
                "DIRECT",
                out);
    }

    /**
     * REDIS_LUA winners at each high concurrency, each on a sale of its own and through a client of its own, closed
     * when the step ends: its thousands of keep-alive connections would otherwise be closed by the server's idle
     * timeout some 20 s later, in the middle of the next measurement (the 401 floor after the 5,000-connection step
     * ran at a third of its rate before this). Then waits for the server to have let them go.
     */
    private void high(List<SpeedReport.Row> rows, int round) throws InterruptedException {
        for (int connections : options.highConcurrencies()) {
            String sale = sale("REDIS_LUA", BIG, "r" + round + "-high-" + connections);
            long openBefore = ProcStats.openFiles(serverPid);
            try (Api own = api.fresh()) {
                record(
                        rows,
                        winners(
                                own,
                                round,
                                SpeedReport.WINNERS_HIGH,
                                "REDIS_LUA",
                                sale,
                                connections,
                                options.warmupSeconds(),
                                options.seconds()));
            }
            awaitConnectionsClosed(openBefore);
        }
    }

    /** Until the server holds no more open files than {@code before} and a few, or 30 s. */
    private void awaitConnectionsClosed(long before) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long open = ProcStats.openFiles(serverPid);
        while (before >= 0 && open > before + 50 && System.nanoTime() - until < 0) {
            Thread.sleep(250);
            open = ProcStats.openFiles(serverPid);
        }
        if (open > before + 50) {
            out.println("note          the server still holds " + open + " open files, " + before + " before the step");
        }
    }

    /** Purchases with no token: refused 401 by the stack before any of the purchase's own work. */
    private SpeedReport.Row floor(int round, String saleId) {
        String path = "/api/sales/" + saleId + "/purchases";
        String run = runId();
        return measure(
                round,
                SpeedReport.FLOOR,
                "-",
                options.concurrency(),
                status -> status == 401,
                index -> Burst.purchase(api, path, BODY, null, run + "-" + index),
                options.warmupSeconds(),
                options.seconds(),
                "");
    }

    /** Distinct shoppers buying one unit each of a sale large enough for all of them; then checked for oversell. */
    private SpeedReport.Row winners(
            int round, String kind, String strategy, String saleId, int concurrency, int warmup, int seconds)
            throws InterruptedException {
        return winners(api, round, kind, strategy, saleId, concurrency, warmup, seconds);
    }

    private SpeedReport.Row winners(
            Api client,
            int round,
            String kind,
            String strategy,
            String saleId,
            int concurrency,
            int warmup,
            int seconds)
            throws InterruptedException {
        String path = "/api/sales/" + saleId + "/purchases";
        String run = runId();
        Queue<Oversell.Placed> placed = new ConcurrentLinkedQueue<>();
        SpeedReport.Row row = measure(
                round,
                kind,
                strategy,
                concurrency,
                status -> status == 201,
                index -> {
                    String user = "speed-" + run + "-" + index;
                    Burst.Outcome o = Burst.purchase(
                            client, path, BODY, Tokens.mintJwt(jwtSecret, user, minted), run + "-" + index);
                    if (o.ordered()) {
                        placed.add(new Oversell.Placed(user, o.orderId(), 1));
                    }
                    return o;
                },
                warmup,
                seconds,
                "");
        Settled settled = Settled.read(client, saleId, Duration.ofSeconds(10));
        long stock = strategy.equals("REDIS_LUA") ? BIG : LARGE;
        Oversell.Result check = Oversell.compute(stock, 1, List.copyOf(placed), settled.figures());
        if (check.units() > 0) {
            oversold.add(row.label() + " round " + round + ": " + check.units() + " units");
        }
        return row;
    }

    /** Distinct shoppers at a sale whose only unit is gone: each answered 409 SOLD_OUT. */
    private SpeedReport.Row soldOut(int round) throws InterruptedException {
        String saleId = sale("REDIS_LUA", 1, "r" + round + "-sold-out");
        String path = "/api/sales/" + saleId + "/purchases";
        String run = runId();
        Burst.Outcome last = Burst.purchase(
                api, path, BODY, Tokens.mintJwt(jwtSecret, "speed-" + run + "-buyer", minted), run + "-buyer");
        String note = last.status() == 201 ? "" : "the one unit was not bought first: " + last.status();
        return measure(
                round,
                SpeedReport.SOLD_OUT,
                "REDIS_LUA",
                options.concurrency(),
                status -> status == 409,
                index -> Burst.purchase(
                        api,
                        path,
                        BODY,
                        Tokens.mintJwt(jwtSecret, "speed-" + run + "-" + index, minted),
                        run + "-" + index),
                options.warmupSeconds(),
                options.seconds(),
                note);
    }

    private String runId() {
        return stamp + "m" + ++measurements;
    }

    private SpeedReport.Row measure(
            int round,
            String kind,
            String strategy,
            int concurrency,
            IntPredicate expected,
            TimedLoop.Request request,
            int warmupSeconds,
            int seconds,
            String note) {
        Duration warmup = Duration.ofSeconds(warmupSeconds);
        Duration window = Duration.ofSeconds(seconds);
        Deadline deadline = Deadline.in(warmup.plus(window).plusSeconds(options.requestTimeoutSeconds() + 30L));
        TimedLoop.Result r =
                TimedLoop.run(concurrency, warmup, window, Long.MAX_VALUE, expected, request, deadline, serverCpu);
        Map<String, Long> others = r.failures(expected);
        long otherCount = others.values().stream().mapToLong(Long::longValue).sum();
        List<String> notes = new ArrayList<>();
        if (!note.isEmpty()) {
            notes.add(note);
        }
        if (otherCount > 0) {
            notes.add(others.entrySet().stream()
                    .map(e -> e.getKey() + " x" + e.getValue())
                    .collect(Collectors.joining(", ")));
        }
        if (r.otherLatencyMicros().getTotalCount() > 0) {
            notes.add(String.format(
                    Locale.ROOT,
                    "others p50 %.1f ms, p99 %.1f ms",
                    r.otherLatencyMicros().getValueAtPercentile(50) / 1000.0,
                    r.otherLatencyMicros().getValueAtPercentile(99) / 1000.0));
        }
        if (r.cutShort()) {
            notes.add(String.format(Locale.ROOT, "cut short at %.1f s", r.seconds()));
        }
        boolean any = r.latencyMicros().getTotalCount() > 0;
        return new SpeedReport.Row(
                round,
                kind,
                strategy,
                concurrency,
                r.successRate(),
                any ? r.latencyMicros().getValueAtPercentile(50) / 1000.0 : Double.NaN,
                any ? r.latencyMicros().getValueAtPercentile(99) / 1000.0 : Double.NaN,
                r.serverCpuMicrosPerAnswer(),
                r.successes(),
                r.seconds(),
                otherCount,
                String.join("; ", notes));
    }

    private void write(List<SpeedReport.Row> rows, CompareDriver.Machine machine) {
        String stem = freeStem(options.out(), LocalDate.now(ZoneOffset.UTC));
        String command = "java -jar bench/target/stampede-bench.jar " + String.join(" ", args);
        try {
            Files.createDirectories(options.out());
            Files.writeString(
                    options.out().resolve(stem + ".md"),
                    SpeedReport.markdown(rows, machine.summary(), command, options.highConcurrencies()),
                    StandardCharsets.UTF_8);
            Files.writeString(options.out().resolve(stem + ".csv"), SpeedReport.csv(rows), StandardCharsets.UTF_8);
            Files.writeString(
                    options.out().resolve(stem + ".svg"),
                    SpeedReport.svg(rows, machine.summary()),
                    StandardCharsets.UTF_8);
            out.println("wrote         " + options.out().resolve(stem + ".{md,csv,svg}"));
        } catch (IOException e) {
            out.println("note: could not write the report to " + options.out() + ": " + e);
        }
    }

    /**
     * {@code <date>-speed}, or {@code <date>b-speed}, {@code <date>c-speed}... when a run of the same day already wrote
     * its report there: a second run of a day adds its files beside the first's instead of overwriting the ones the
     * docs link to.
     */
    static String freeStem(Path dir, LocalDate day) {
        String stem = day + "-speed";
        for (char c = 'b'; Files.exists(dir.resolve(stem + ".md")) && c <= 'z'; c++) {
            stem = day + String.valueOf(c) + "-speed";
        }
        return stem;
    }
}
