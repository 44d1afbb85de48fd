package io.stampede.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The overload test ({@code --mode overload}): measures the sustainable rate S of successful purchases
 * closed-loop, then offers {@code --factor} x S open-loop for {@code --seconds}, one distinct shopper per
 * request, and reports whether successful purchases keep flowing at about S while everything beyond is
 * turned away fast. Ends with the same oversell check as the burst, on the overload sale.
 */
public final class OverloadDriver {

    /** Calibration shoppers, used round-robin: S / 4000 attempts per shopper and second stays far below 5/s. */
    static final int CALIBRATION_USERS = 4_000;
    /** The calibration sale's per-user limit (the contract's maximum), so the pool never runs into it. */
    static final int CALIBRATION_LIMIT = 1_000;
    /** The contract's largest stock: the calibration must never sell out. */
    static final int CALIBRATION_STOCK = 10_000_000;
    /** One token and one outcome per overload attempt are kept in memory; this bounds both. */
    static final int MAX_OVERLOAD_ATTEMPTS = 2_000_000;

    static final Duration CALIBRATION_WARMUP = Duration.ofSeconds(1);

    private final Options options;
    private final PrintStream out;
    private final Setup setup;

    OverloadDriver(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.setup = new Setup(options, out);
    }

    /** Same as {@code LoadDriver --mode overload ...}. */
    public static void main(String[] args) {
        String[] withMode = Stream.concat(Stream.of("--mode", Options.OVERLOAD), Stream.of(args))
                .toArray(String[]::new);
        System.exit(LoadDriver.run(withMode, System.out, System.err));
    }

    int execute() throws InterruptedException {
        Deadline total = Deadline.in(Duration.ofSeconds(options.timeoutSeconds()));
        // Listing the orders of every shopper who may hold one takes a while after an overload; keep time for it.
        Deadline phaseDeadline = total.minus(Duration.ofSeconds(Math.min(60, options.timeoutSeconds() / 2)));
        String adminToken = setup.adminToken();
        Api api = new Api(options.url(), Duration.ofSeconds(options.requestTimeoutSeconds()), total);
        String runId = Long.toString(System.currentTimeMillis(), 36);

        out.printf(
                Locale.ROOT,
                "stampede-bench overload  %s  strategy %s  intake %s  factor %s  seconds %d"
                        + "  calibration %d s at concurrency %d%n",
                options.url(),
                options.strategy(),
                options.intake(),
                trim(options.factor()),
                options.seconds(),
                options.calibrationSeconds(),
                options.calibrationConcurrency());
        setup.warnAboutShortSecret();
        Setup.checkHealth(api);

        double sustainable = calibrate(api, adminToken, runId, total, phaseDeadline);

        double rate = options.factor() * sustainable;
        long planned = (long) Math.ceil(rate * options.seconds());
        if (planned > MAX_OVERLOAD_ATTEMPTS) {
            throw new SetupException(String.format(
                    Locale.ROOT,
                    "%s x S x %d s = %d attempts, more than the %d this" + " driver holds; lower --factor or --seconds",
                    trim(options.factor()),
                    options.seconds(),
                    planned,
                    MAX_OVERLOAD_ATTEMPTS));
        }
        int attempts = (int) planned;
        // Every attempt is a distinct shopper buying one unit, so this stock can never sell out.
        int stock = attempts;
        String saleId = setup.createSale(
                api,
                adminToken,
                "bench overload " + runId,
                "BENCH-OVERLOAD-" + runId.toUpperCase(Locale.ROOT),
                stock,
                1);
        Plan plan = Plan.distinct(runId, "o", attempts);
        if (options.jwtSecret() == null) {
            out.println("note: logging in " + attempts + " shoppers one by one; --jwt-secret mints them in seconds");
        }
        long mintStart = System.nanoTime();
        Map<String, String> tokens =
                Tokens.obtain(api, plan.users(), options.jwtSecret(), options.concurrency(), total);
        setup.checkShopperToken(api, tokens.get(plan.users().getFirst()));
        out.printf(
                Locale.ROOT,
                "overload sale %s  stock %d  per-user limit 1  %d shoppers (%s in %.1f s)%n",
                saleId,
                stock,
                tokens.size(),
                setup.tokenSource(),
                (System.nanoTime() - mintStart) / 1e9);

        if (!options.overloadUrl().equals(options.url())) {
            out.println("overload      sent through " + options.overloadUrl() + " (calibration and checks: "
                    + options.url() + ")");
        }
        OpenLoop.Result result = OpenLoop.run(
                options.overloadUrl(),
                Duration.ofSeconds(options.requestTimeoutSeconds()),
                saleId,
                plan,
                tokens,
                rate,
                options.maxInFlight(),
                phaseDeadline);
        Report.printOverload(out, options.factor(), sustainable, result);

        Burst.Result holders = possibleHolders(result);
        out.println(
                "check         listing the orders of " + holders.plan().users().size() + " of " + attempts
                        + " shoppers (those answered 201/202, 5xx, a transport error or nothing); 409 and 429 take no"
                        + " stock, and an order behind one would show as reserved + sold != listed units");
        OversellCheck.Verdict verdict =
                new OversellCheck(api, options.withSale(stock, 1), adminToken, saleId, tokens, total, out).run(holders);
        if (result.cutShort()) {
            out.println("note: the overload was cut short by --timeout-seconds; the checks cover the attempts"
                    + " that ran");
        }
        verdict.notes().forEach(note -> out.println("note: " + note));
        return Report.printVerdict(out, verdict);
    }

    /** The closed-loop phase: returns S, successful purchases per second, or stops the run if there is none. */
    private double calibrate(Api api, String adminToken, String runId, Deadline total, Deadline phaseDeadline)
            throws InterruptedException {
        String saleId = setup.createSale(
                api,
                adminToken,
                "bench calibration " + runId,
                "BENCH-CALIBRATION-" + runId.toUpperCase(Locale.ROOT),
                CALIBRATION_STOCK,
                CALIBRATION_LIMIT);
        List<String> users = Plan.distinct(runId, "c", CALIBRATION_USERS).users();
        Map<String, String> tokens = Tokens.obtain(api, users, options.jwtSecret(), options.concurrency(), total);
        setup.checkShopperToken(api, tokens.get(users.getFirst()));
        out.printf(
                Locale.ROOT,
                "calibration   sale %s  stock %d  per-user limit %d  %d shoppers round-robin (%s)%n",
                saleId,
                CALIBRATION_STOCK,
                CALIBRATION_LIMIT,
                users.size(),
                setup.tokenSource());

        Calibration.Result calibration = Calibration.run(
                api,
                saleId,
                runId + "-c",
                users,
                tokens,
                options.calibrationConcurrency(),
                CALIBRATION_WARMUP,
                Duration.ofSeconds(options.calibrationSeconds()),
                (long) CALIBRATION_USERS * CALIBRATION_LIMIT,
                phaseDeadline);
        Report.printCalibration(out, options.calibrationConcurrency(), CALIBRATION_WARMUP, calibration);
        if (calibration.successes() == 0) {
            throw new SetupException("no purchase succeeded during the calibration, so there is no rate to multiply");
        }
        return calibration.rate();
    }

    /**
     * The attempts whose shoppers may hold an order: everyone except those refused with 409 or 429, which by
     * contract take nothing. Listing only them keeps the check proportional to the orders, not to the load,
     * and stays sound: the check also demands that the units the sale reports taken equal the units the
     * listed shoppers hold, so an order behind a 409 or 429 still fails it.
     */
    static Burst.Result possibleHolders(OpenLoop.Result result) {
        List<Plan.Attempt> attempts = new ArrayList<>();
        List<Burst.Outcome> outcomes = new ArrayList<>();
        LinkedHashSet<String> users = new LinkedHashSet<>();
        for (int i = 0; i < result.outcomes().size(); i++) {
            Burst.Outcome outcome = result.outcomes().get(i);
            if (outcome.status() == 409 || outcome.status() == 429 || outcome.status() == Burst.Outcome.NOT_SENT) {
                continue;
            }
            Plan.Attempt attempt = result.plan().attempts().get(i);
            attempts.add(attempt);
            outcomes.add(outcome);
            users.add(attempt.userId());
        }
        return new Burst.Result(
                new Plan(List.copyOf(attempts), List.copyOf(users)),
                List.copyOf(outcomes),
                result.successMicros(),
                result.wall(),
                result.cutShort());
    }

    static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
