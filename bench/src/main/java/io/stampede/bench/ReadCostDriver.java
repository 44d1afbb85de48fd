package io.stampede.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code --mode read-cost}: what {@code GET /api/sales/{id}} and {@code GET /api/sales} cost on a sale with many
 * orders against a fresh sale, side by side in one run. The per-sale reads alternate between BIG and SMALL burst by
 * burst; the listing always holds BIG, so it is measured before BIG's orders are bought and again after.
 */
final class ReadCostDriver {

    /** SMALL's stock: a fresh sale with no orders. */
    static final int SMALL_STOCK = 10;
    /** Passes over the purchases that got no definite answer (429, 5xx, transport errors), same Idempotency-Keys. */
    private static final int BUY_PASSES = 5;
    /** The most the first warm-up waits for the reads of a freshly started server to become steady. */
    private static final Duration STEADY_CAP = Duration.ofSeconds(60);
    /** Reads are steady when their rate moved less than this from one warm-up round to the next. */
    static final double STEADY = 0.10;

    private final ReadCostOptions options;
    private final String[] args;
    private final PrintStream out;
    private final String stamp = Long.toString(System.currentTimeMillis(), 36);
    private final List<String> failures = new ArrayList<>();

    ReadCostDriver(ReadCostOptions options, String[] args, PrintStream out) {
        this.options = options;
        this.args = args.clone();
        this.out = out;
    }

    int execute() throws InterruptedException {
        out.println("stampede-bench read-cost  " + String.join(" ", args));
        if (options.startsServer()) {
            return ServerLauncher.exclusively(this::withOwnServer);
        }
        Path own = ProcessHandle.current().info().command().map(Path::of).orElse(Path.of("java"));
        out.println(
                "machine       " + CompareDriver.Machine.describe(own, Map.of()).summary()
                        + " (the service runs elsewhere or beside the driver)");
        String adminToken = Setup.adminToken(options.adminToken(), options.adminTokenFile());
        Api api = new Api(
                options.url(), Duration.ofSeconds(options.requestTimeoutSeconds()), Deadline.in(Duration.ofDays(1)));
        if (options.jwtSecret() == null) {
            out.println("note: no --jwt-secret: " + options.orders() + " shoppers log in one request each");
        }
        return measure(api, adminToken, options.jwtSecret());
    }

    /** {@code --jar}: a fresh database and Redis prefix, the jar started as {@code --mode ab} starts it. */
    private int withOwnServer() throws InterruptedException {
        ServerSettings settings = options.server();
        if (!Files.isRegularFile(options.jar())) {
            throw new SetupException("no server jar at " + options.jar().toAbsolutePath());
        }
        Path java = ServerLauncher.java(settings.java(), out);
        BenchDatabase db = settings.database();
        out.println("machine       "
                + CompareDriver.Machine.describe(java, Map.of(db.kind(), db.version()))
                        .summary());
        out.println(
                "jar           " + options.jar().toAbsolutePath() + " (sha256 " + AbDriver.digest(options.jar()) + ")");
        ServerLauncher launcher = ServerLauncher.of(java, settings, out);
        Path workDir = ServerLauncher.workDirectory("read-cost");
        String prefix = "stampede-bench:read-cost:" + stamp + ":";
        db.recreate();
        ServerProcess server;
        try {
            server = launcher.start(options.jar(), db, prefix, workDir, "server.log");
        } catch (SetupException e) {
            launcher.deleteKeys(prefix);
            throw e;
        }
        try {
            Api api = new Api(
                    server.base(),
                    Duration.ofSeconds(options.requestTimeoutSeconds()),
                    Deadline.in(Duration.ofDays(1)));
            int status = measure(api, launcher.adminToken(), launcher.jwtSecret());
            if (!server.alive()) {
                out.println("note: the server exited during the run; its log " + server.log() + " ends with:\n"
                        + server.tail(15));
            }
            return status;
        } finally {
            server.close();
            launcher.deleteKeys(prefix);
        }
    }

    private int measure(Api api, String adminToken, String jwtSecret) throws InterruptedException {
        Setup.checkHealth(api);
        int n = options.orders();
        String big = Setup.createSale(
                api,
                adminToken,
                "read-cost BIG " + stamp,
                "READ-BIG-" + upper(stamp),
                n,
                1,
                "REDIS_LUA",
                "DIRECT",
                out);
        String small = Setup.createSale(
                api,
                adminToken,
                "read-cost SMALL " + stamp,
                "READ-SMALL-" + upper(stamp),
                SMALL_STOCK,
                1,
                "REDIS_LUA",
                "DIRECT",
                out);
        out.printf(Locale.ROOT, "sales         BIG %s (stock %,d)  SMALL %s (stock %d)%n", big, n, small, SMALL_STOCK);

        // the listing holds BIG whatever happens, so its baseline is taken before BIG has any order; the server has
        // only just started, so every read it will measure is warmed up first (the same controller, view and query)
        warmUntilSteady(api, "/api/sales", "/api/sales/" + small, "/api/sales/" + big);
        out.println("listing       before BIG's orders: GET /api/sales and GET /api/sales/{SMALL} in turn, concurrency "
                + options.concurrency());
        // GET SMALL alongside, in both phases: a JVM still warming up or a busy machine slows it as it slows the
        // listing, so the listing relative to it compares the phases with that drift cancelled
        List<ReadCostSummary.Sample> listBefore = new ArrayList<>();
        List<ReadCostSummary.Sample> smallBefore = new ArrayList<>();
        for (int i = 1; i <= options.bursts(); i++) {
            listBefore.add(burst(api, "/api/sales", "GET /api/sales before", i));
            smallBefore.add(burst(api, "/api/sales/" + small, "GET /api/sales/{SMALL} before", i));
        }

        List<Oversell.Placed> placed = buy(api, big, jwtSecret);
        checkFigures(api, big, placed);

        out.println("reads         GET /api/sales/{BIG}, GET /api/sales/{SMALL} and the listing in turn, concurrency "
                + options.concurrency());
        warm(api, "/api/sales/" + big);
        warm(api, "/api/sales/" + small);
        List<ReadCostSummary.Sample> bigs = new ArrayList<>();
        List<ReadCostSummary.Sample> smalls = new ArrayList<>();
        List<ReadCostSummary.Sample> listAfter = new ArrayList<>();
        for (int i = 1; i <= options.bursts(); i++) {
            bigs.add(burst(api, "/api/sales/" + big, "GET /api/sales/{BIG}", i));
            smalls.add(burst(api, "/api/sales/" + small, "GET /api/sales/{SMALL}", i));
            listAfter.add(burst(api, "/api/sales", "GET /api/sales after", i));
        }

        out.println();
        out.print(ReadCostSummary.compare(
                String.format(
                        Locale.ROOT,
                        "GET /api/sales/{id}: BIG (%,d orders) against" + " SMALL (none), alternating",
                        placed.size()),
                "BIG",
                bigs,
                "SMALL",
                smalls));
        out.print(ReadCostSummary.compare(
                String.format(
                        Locale.ROOT,
                        "GET /api/sales: the listing after BIG's %,d" + " orders against before them (not alternated)",
                        placed.size()),
                "after",
                listAfter,
                "before",
                listBefore));
        out.print(ReadCostSummary.relative("after/before", listAfter, smalls, listBefore, smallBefore));
        if (!failures.isEmpty()) {
            failures.forEach(f -> out.println("FIGURES: " + f));
            out.println("READ-COST: FAIL");
            return LoadDriver.FAIL;
        }
        out.println("READ-COST: PASS (BIG's figures right, nothing oversold)");
        return LoadDriver.PASS;
    }

    /** Buys one unit for every shopper of the plan; the attempts without a definite answer are sent again. */
    private List<Oversell.Placed> buy(Api api, String saleId, String jwtSecret) throws InterruptedException {
        int n = options.orders();
        Deadline deadline = Deadline.in(Duration.ofSeconds(options.buySeconds()));
        Plan plan = Plan.distinct(stamp, "r", n);
        long t0 = System.nanoTime();
        Map<String, String> tokens = Tokens.obtain(api, plan.users(), jwtSecret, options.buyConcurrency(), deadline);
        Setup.checkShopperToken(api, tokens.get(plan.users().getFirst()), jwtSecret != null);
        out.printf(
                Locale.ROOT,
                "shoppers      %,d tokens (%s) in %.1f s%n",
                tokens.size(),
                jwtSecret != null ? "minted HS256" : "demo login",
                (System.nanoTime() - t0) / 1e9);

        List<Oversell.Placed> placed = new ArrayList<>();
        Map<String, Long> refused = new TreeMap<>();
        Plan remaining = plan;
        for (int pass = 1; pass <= BUY_PASSES && remaining.size() > 0 && !deadline.expired(); pass++) {
            out.printf(
                    Locale.ROOT,
                    "buy           pass %d: %,d purchases of BIG at concurrency %d%n",
                    pass,
                    remaining.size(),
                    options.buyConcurrency());
            Burst.Result result = Burst.run(api, saleId, remaining, tokens, options.buyConcurrency(), deadline);
            Report.printBurst(out, result);
            List<Plan.Attempt> again = new ArrayList<>();
            for (int i = 0; i < remaining.size(); i++) {
                Plan.Attempt attempt = remaining.attempts().get(i);
                Burst.Outcome outcome = result.outcomes().get(i);
                if (outcome.ordered()) {
                    placed.add(new Oversell.Placed(attempt.userId(), outcome.orderId(), 1));
                } else if (retry(outcome)) {
                    again.add(attempt);
                } else {
                    refused.merge(TimedLoop.kind(outcome), 1L, Long::sum);
                }
            }
            Set<String> users =
                    again.stream().map(Plan.Attempt::userId).collect(Collectors.toCollection(LinkedHashSet::new));
            remaining = new Plan(List.copyOf(again), List.copyOf(users));
            if (remaining.size() > 0) {
                Thread.sleep(1_000);
            }
        }
        if (remaining.size() > 0) {
            failures.add(remaining.size() + " purchases got no definite answer after " + BUY_PASSES + " passes");
        }
        if (!refused.isEmpty()) {
            failures.add("purchases refused: "
                    + refused.entrySet().stream()
                            .map(e -> e.getKey() + " x" + e.getValue())
                            .collect(Collectors.joining(", ")));
        }
        return placed;
    }

    /** Worth sending again with the same key: no answer, a 429 or a 5xx say nothing of the order either way. */
    static boolean retry(Burst.Outcome o) {
        return o.status() < 0 || o.status() == 429 || o.status() >= 500;
    }

    private void checkFigures(Api api, String saleId, List<Oversell.Placed> placed) throws InterruptedException {
        int n = options.orders();
        Settled settled = Settled.read(api, saleId, Duration.ofSeconds(options.settleSeconds()));
        Oversell.Figures f = settled.figures();
        Oversell.Result oversell = Oversell.compute(n, 1, placed, f);
        Set<String> distinct = new HashSet<>();
        placed.forEach(p -> distinct.add(p.orderId()));
        if (f == null) {
            failures.add("BIG's figures unreadable: " + settled.problem());
        } else {
            out.printf(
                    Locale.ROOT,
                    "figures       BIG total %,d  available %,d  reserved %,d  sold %,d%s;"
                            + " %,d orders placed, oversold %d%n",
                    f.total(),
                    f.available(),
                    f.reserved(),
                    f.sold(),
                    settled.stillMoving() ? " (still moving)" : "",
                    distinct.size(),
                    oversell.units());
            if (f.reserved() != n) {
                failures.add("BIG's reserved is " + f.reserved() + ", expected " + n);
            }
            if (f.total() != n || f.available() != 0 || f.sold() != 0) {
                failures.add("BIG's figures are total " + f.total() + ", available " + f.available() + ", sold "
                        + f.sold() + "; expected " + n + ", 0, 0");
            }
        }
        if (distinct.size() != n) {
            failures.add(distinct.size() + " orders placed of " + n);
        }
        if (oversell.units() > 0) {
            failures.add("oversold " + oversell.units() + " units");
        }
        oversell.notes().forEach(note -> out.println("note: " + note));
    }

    /**
     * The server has only just started and its JIT is still compiling: rounds of 1 s of each read (the listing, SMALL,
     * BIG) until the first two moved less than {@link #STEADY} from the round before, after at least --warmup-seconds
     * of each and at most {@link #STEADY_CAP} in all. Without it the baseline would measure a colder JVM.
     */
    private void warmUntilSteady(Api api, String listing, String small, String big) {
        if (options.warmupSeconds() == 0) {
            return;
        }
        long t0 = System.nanoTime();
        Deadline cap = Deadline.in(STEADY_CAP);
        double lastListing = 0;
        double lastSmall = 0;
        for (int round = 1; ; round++) {
            double listingRate = loop(api, listing, Duration.ofSeconds(1)).successRate();
            double smallRate = loop(api, small, Duration.ofSeconds(1)).successRate();
            loop(api, big, Duration.ofSeconds(1));
            boolean steady = round >= options.warmupSeconds()
                    && steady(lastListing, listingRate)
                    && steady(lastSmall, smallRate);
            if (steady || cap.expired()) {
                out.printf(
                        Locale.ROOT,
                        "warm-up       %s after %.0f s (listing %.0f req/s, SMALL %.0f req/s in the" + " last round)%n",
                        steady ? "steady" : "NOT steady (a busy machine?)",
                        (System.nanoTime() - t0) / 1e9,
                        listingRate,
                        smallRate);
                return;
            }
            lastListing = listingRate;
            lastSmall = smallRate;
        }
    }

    /** True when {@code current} is within {@link #STEADY} of {@code previous}. */
    static boolean steady(double previous, double current) {
        return previous > 0 && Math.abs(current - previous) <= STEADY * previous;
    }

    private void warm(Api api, String path) {
        if (options.warmupSeconds() > 0) {
            loop(api, path, Duration.ofSeconds(options.warmupSeconds()));
        }
    }

    private ReadCostSummary.Sample burst(Api api, String path, String subject, int number) {
        ReadCostSummary.Sample sample =
                ReadCostSummary.Sample.of(subject, number, loop(api, path, Duration.ofSeconds(options.seconds())));
        out.println(ReadCostSummary.line(sample));
        return sample;
    }

    private TimedLoop.Result loop(Api api, String path, Duration window) {
        Deadline deadline = Deadline.in(window.plusSeconds(options.requestTimeoutSeconds() + 10L));
        return TimedLoop.run(
                options.concurrency(),
                Duration.ZERO,
                window,
                Long.MAX_VALUE,
                status -> status == 200,
                index -> TimedLoop.get(api, path),
                deadline);
    }

    private static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }
}
