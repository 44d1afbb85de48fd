package io.stampede.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Entry point: creates a sale, fires a purchase burst at it and checks the result for oversell; with
 * {@code --mode overload} it runs {@link OverloadDriver} instead, with {@code --mode compare} {@link CompareDriver},
 * with {@code --mode ab} {@link AbDriver}, with {@code --mode read-cost} {@link ReadCostDriver}, with
 * {@code --mode gate-shards} {@link GateShardsDriver}, with {@code --mode subscribers} {@link SubscribersDriver} and
 * with {@code --mode room} {@link RoomDriver}.
 */
public final class LoadDriver {

    static final int PASS = 0;
    static final int FAIL = 1;
    static final int SETUP_ERROR = 2;

    private final Options options;
    private final PrintStream out;
    private final Setup setup;

    private LoadDriver(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.setup = new Setup(options, out);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the driver and returns the exit status instead of exiting, so it can be called from tests. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (CompareOptions.requested(args)) {
            return compare(args, out, err);
        }
        if (AbOptions.requested(args)) {
            return ab(args, out, err);
        }
        if (ReadCostOptions.requested(args)) {
            return readCost(args, out, err);
        }
        if (GateShardsOptions.requested(args)) {
            return gateShards(args, out, err);
        }
        if (SubscribersOptions.requested(args)) {
            return subscribers(args, out, err);
        }
        if (RoomOptions.requested(args)) {
            return room(args, out, err);
        }
        if (SpeedOptions.requested(args)) {
            return speed(args, out, err);
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (Options.UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("run with --help to see the flags");
            return SETUP_ERROR;
        }
        if (options.help()) {
            out.print(Options.usage());
            return PASS;
        }
        try {
            return options.overload()
                    ? new OverloadDriver(options, out).execute()
                    : new LoadDriver(options, out).execute();
        } catch (SetupException e) {
            out.flush();
            err.println("SETUP ERROR: " + e.getMessage());
            return SETUP_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("SETUP ERROR: interrupted");
            return SETUP_ERROR;
        }
    }

    /** {@code --mode compare}: its own flags, and it starts the servers it measures. */
    private static int compare(String[] args, PrintStream out, PrintStream err) {
        CompareOptions options;
        try {
            options = CompareOptions.parse(args);
        } catch (Options.UsageException e) {
            return usageError(err, e, CompareOptions.COMPARE);
        }
        if (options.help()) {
            out.print(CompareOptions.usage());
            return PASS;
        }
        return guarded(out, err, () -> new CompareDriver(options, args, out).execute());
    }

    /** {@code --mode ab}: two server jars side by side; it starts the servers it measures. */
    private static int ab(String[] args, PrintStream out, PrintStream err) {
        AbOptions options;
        try {
            options = AbOptions.parse(args);
        } catch (Options.UsageException e) {
            return usageError(err, e, AbOptions.AB);
        }
        if (options.help()) {
            out.print(AbOptions.usage());
            return PASS;
        }
        return guarded(out, err, () -> new AbDriver(options, args, out).execute());
    }

    /** {@code --mode speed}: the purchase path against the floor of the stack, with every issue-14 ratio. */
    private static int speed(String[] args, PrintStream out, PrintStream err) {
        SpeedOptions options;
        try {
            options = SpeedOptions.parse(args);
        } catch (Options.UsageException e) {
            return usageError(err, e, SpeedOptions.SPEED);
        }
        if (options.help()) {
            out.print(SpeedOptions.usage());
            return PASS;
        }
        return guarded(out, err, () -> new SpeedDriver(options, args, out).execute());
    }

    /** {@code --mode read-cost}: reads of a sale with many orders against a fresh one. */
    private static int readCost(String[] args, PrintStream out, PrintStream err) {
        ReadCostOptions options;
        try {
            options = ReadCostOptions.parse(args);
        } catch (Options.UsageException e) {
            return usageError(err, e, ReadCostOptions.READ_COST);
        }
        if (options.help()) {
            out.print(ReadCostOptions.usage());
            return PASS;
        }
        return guarded(out, err, () -> new ReadCostDriver(options, args, out).execute());
    }

    private static int gateShards(String[] args, PrintStream out, PrintStream err) {
        GateShardsOptions options;
        try {
            options = GateShardsOptions.parse(args);
        } catch (Options.UsageException e) {
            return usageError(err, e, GateShardsOptions.GATE_SHARDS);
        }
        if (options.help()) {
            out.print(GateShardsOptions.usage());
            return PASS;
        }
        return guarded(out, err, () -> new GateShardsDriver(options, out).execute());
    }

    /** {@code --mode subscribers}: purchases without and with N idle storefront subscribers, on a server it starts. */
    private static int subscribers(String[] args, PrintStream out, PrintStream err) {
        SubscribersOptions options;
        try {
            options = SubscribersOptions.parse(args);
        } catch (Options.UsageException e) {
            return usageError(err, e, SubscribersOptions.SUBSCRIBERS);
        }
        if (options.help()) {
            out.print(SubscribersOptions.usage());
            return PASS;
        }
        return guarded(out, err, () -> new SubscribersDriver(options, args, out).execute());
    }

    /** {@code --mode room}: a waiting room of many shoppers, and what it costs the purchases, on a server it starts. */
    private static int room(String[] args, PrintStream out, PrintStream err) {
        RoomOptions options;
        try {
            options = RoomOptions.parse(args);
        } catch (Options.UsageException e) {
            return usageError(err, e, RoomOptions.ROOM);
        }
        if (options.help()) {
            out.print(RoomOptions.usage());
            return PASS;
        }
        return guarded(out, err, () -> new RoomDriver(options, args, out).execute());
    }

    private static int usageError(PrintStream err, Options.UsageException e, String mode) {
        err.println("error: " + e.getMessage());
        err.println("run with --mode " + mode + " --help to see the flags");
        return SETUP_ERROR;
    }

    /** A mode's run; a setup failure or an interrupt becomes exit status 2. */
    @FunctionalInterface
    private interface Run {
        int run() throws InterruptedException;
    }

    private static int guarded(PrintStream out, PrintStream err, Run run) {
        try {
            return run.run();
        } catch (SetupException e) {
            out.flush();
            err.println("SETUP ERROR: " + e.getMessage());
            return SETUP_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("SETUP ERROR: interrupted");
            return SETUP_ERROR;
        }
    }

    private int execute() throws InterruptedException {
        Deadline total = Deadline.in(Duration.ofSeconds(options.timeoutSeconds()));
        // A burst cut short by the time budget still leaves some of it for checking what it did.
        Duration reserve = Duration.ofSeconds(Math.min(20, options.timeoutSeconds() / 3));
        Deadline burstDeadline = total.minus(reserve);
        String adminToken = setup.adminToken();
        Api api = new Api(options.url(), Duration.ofSeconds(options.requestTimeoutSeconds()), total);
        String runId = Long.toString(System.currentTimeMillis(), 36);

        out.printf(
                Locale.ROOT,
                "stampede-bench  %s  strategy %s  intake %s  stock %d  limit %d  users %d  attempts %d"
                        + "  replays %.2f  concurrency %d  seed %d%n",
                options.url(),
                options.strategy(),
                options.intake(),
                options.stock(),
                options.limit(),
                options.users(),
                options.attempts(),
                options.replays(),
                options.concurrency(),
                options.seed());

        setup.warnAboutShortSecret();
        Setup.checkHealth(api);
        String saleId = setup.createSale(
                api,
                adminToken,
                "bench " + runId,
                "BENCH-" + runId.toUpperCase(Locale.ROOT),
                options.stock(),
                options.limit());
        out.println("sale          " + saleId);

        Plan plan = Plan.build(runId, options.users(), options.attempts(), options.replayCount(), options.seed());
        Map<String, String> tokens =
                Tokens.obtain(api, plan.users(), options.jwtSecret(), options.concurrency(), total);
        setup.checkShopperToken(api, tokens.get(plan.users().getFirst()));
        out.println("shoppers      " + tokens.size() + " tokens (" + setup.tokenSource() + ")");

        if (options.warmup() > 0) {
            // A separate sale, so warm-up purchases never take stock or limit from the measured one.
            String warmupSale = setup.createSale(
                    api,
                    adminToken,
                    "bench warmup " + runId,
                    "BENCH-WARMUP-" + runId.toUpperCase(Locale.ROOT),
                    options.warmup(),
                    options.limit());
            Burst.Result warm = Burst.run(
                    api,
                    warmupSale,
                    Plan.warmup(runId, plan.users(), options.warmup()),
                    tokens,
                    options.concurrency(),
                    burstDeadline);
            out.println("warmup        " + warm.answered() + " of " + options.warmup() + " answered (sale " + warmupSale
                    + ")");
        }

        Burst.Result burst = Burst.run(api, saleId, plan, tokens, options.concurrency(), burstDeadline);
        Report.printBurst(out, burst);

        OversellCheck.Verdict verdict =
                new OversellCheck(api, options, adminToken, saleId, tokens, total, out).run(burst);
        if (burst.cutShort()) {
            out.println("note: the burst was cut short by --timeout-seconds; the checks cover the attempts that ran");
        }
        verdict.notes().forEach(note -> out.println("note: " + note));
        if (options.csv() != null) {
            try {
                Report.appendCsv(options.csv(), options, saleId, burst, verdict.orders(), verdict.pass());
            } catch (IOException e) {
                out.println("note: could not append to " + options.csv() + ": " + e);
            }
        }
        return Report.printVerdict(out, verdict);
    }
}
