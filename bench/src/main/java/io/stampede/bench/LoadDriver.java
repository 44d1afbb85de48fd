package io.stampede.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Entry point: creates a sale, fires a purchase burst at it and checks the result for oversell. */
public final class LoadDriver {

    static final int PASS = 0;
    static final int FAIL = 1;
    static final int SETUP_ERROR = 2;

    private final Options options;
    private final PrintStream out;

    private LoadDriver(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the driver and returns the exit status instead of exiting, so it can be called from tests. */
    static int run(String[] args, PrintStream out, PrintStream err) {
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
            return new LoadDriver(options, out).execute();
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
        String adminToken = adminToken();
        Api api = new Api(options.url(), Duration.ofSeconds(options.requestTimeoutSeconds()), total);
        String runId = Long.toString(System.currentTimeMillis(), 36);

        out.printf(Locale.ROOT, "stampede-bench  %s  strategy %s  intake %s  stock %d  limit %d  users %d  attempts %d"
                        + "  replays %.2f  concurrency %d  seed %d%n",
                options.url(), options.strategy(), options.intake(), options.stock(), options.limit(), options.users(),
                options.attempts(), options.replays(), options.concurrency(), options.seed());

        if (options.jwtSecret() != null && options.jwtSecret().getBytes(StandardCharsets.UTF_8).length < 32) {
            out.println("note: --jwt-secret is shorter than the 32 bytes the service requires of STAMPEDE_JWT_SECRET");
        }
        checkHealth(api);
        String saleId = createSale(api, adminToken, "bench " + runId, "BENCH-" + runId.toUpperCase(Locale.ROOT),
                options.stock());
        out.println("sale          " + saleId);

        Plan plan = Plan.build(runId, options.users(), options.attempts(), options.replayCount(), options.seed());
        Map<String, String> tokens = Tokens.obtain(api, plan.users(), options.jwtSecret(), options.concurrency(), total);
        checkShopperToken(api, tokens.get(plan.users().getFirst()));
        out.println("shoppers      " + tokens.size() + " tokens ("
                + (options.jwtSecret() != null ? "minted HS256" : "demo login") + ")");

        if (options.warmup() > 0) {
            // A separate sale, so warm-up purchases never take stock or limit from the measured one.
            String warmupSale = createSale(api, adminToken, "bench warmup " + runId,
                    "BENCH-WARMUP-" + runId.toUpperCase(Locale.ROOT), options.warmup());
            Burst.Result warm = Burst.run(api, warmupSale, Plan.warmup(runId, plan.users(), options.warmup()), tokens,
                    options.concurrency(), burstDeadline);
            out.println("warmup        " + warm.answered() + " of " + options.warmup() + " answered (sale " + warmupSale
                    + ")");
        }

        Burst.Result burst = Burst.run(api, saleId, plan, tokens, options.concurrency(), burstDeadline);
        Report.printBurst(out, burst);

        OversellCheck.Verdict verdict = new OversellCheck(api, options, adminToken, saleId, tokens, total, out)
                .run(burst);
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
        out.println(verdict.pass()
                ? "OVERSELL CHECK: PASS"
                : "OVERSELL CHECK: FAIL (" + String.join("; ", verdict.failures()) + ")");
        return verdict.pass() ? PASS : FAIL;
    }

    private String adminToken() {
        if (options.adminToken() != null && !options.adminToken().isBlank()) {
            return options.adminToken().strip();
        }
        try {
            String token = Files.readString(options.adminTokenFile(), StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new SetupException("admin token file " + options.adminTokenFile() + " is empty");
            }
            return token;
        } catch (NoSuchFileException e) {
            throw new SetupException("no admin token: pass --admin-token, or --admin-token-file (default "
                    + "./.stampede/admin-token, written by the server when STAMPEDE_ADMIN_TOKEN is unset)");
        } catch (IOException e) {
            throw new SetupException("cannot read admin token file " + options.adminTokenFile() + ": " + e, e);
        }
    }

    private void checkHealth(Api api) throws InterruptedException {
        Api.Reply reply;
        try {
            reply = api.get("/actuator/health", null);
        } catch (ConnectException e) {
            throw new SetupException("service not reachable at " + api.base() + " (connection refused)", e);
        } catch (HttpTimeoutException e) {
            throw new SetupException("service not reachable at " + api.base() + " (timed out)", e);
        } catch (IOException e) {
            throw new SetupException("service not reachable at " + api.base() + ": " + e, e);
        }
        if (reply.status() != 200 || !"UP".equals(Api.text(reply.body(), "status"))) {
            throw new SetupException("service at " + api.base() + " is not ready: GET /actuator/health -> "
                    + reply.describe());
        }
    }

    private String createSale(Api api, String adminToken, String name, String sku, int stock)
            throws InterruptedException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("sku", sku);
        body.put("stock", stock);
        body.put("priceCents", 1000);
        body.put("startsAt", now.minusSeconds(1).toString());
        body.put("endsAt", now.plus(Duration.ofHours(1)).toString());
        body.put("perUserLimit", options.limit());
        body.put("strategy", options.strategy());
        body.put("intake", options.intake());
        Api.Reply reply;
        try {
            reply = api.post("/api/admin/sales", adminToken, body, Map.of());
        } catch (IOException e) {
            throw new SetupException("could not create the sale: " + e, e);
        }
        if (reply.status() == 401 || reply.status() == 403) {
            throw new SetupException("admin token rejected: POST /api/admin/sales -> " + reply.describe());
        }
        String id = Api.text(reply.body(), "id");
        if (reply.status() != 201 || id == null) {
            throw new SetupException("could not create the sale: POST /api/admin/sales -> " + reply.describe());
        }
        String strategy = Api.text(reply.body(), "strategy");
        String intake = Api.text(reply.body(), "intake");
        if (!options.strategy().equals(strategy) || !options.intake().equals(intake)) {
            out.println("note: sale " + id + " came back with strategy " + strategy + ", intake " + intake);
        }
        return id;
    }

    /** One cheap authenticated read, so a wrong --jwt-secret stops here rather than as a burst of 401s. */
    private void checkShopperToken(Api api, String token) throws InterruptedException {
        try {
            Api.Reply reply = api.get("/api/me/orders", token);
            if (reply.status() == 401) {
                throw new SetupException("shopper token rejected (GET /api/me/orders -> 401)"
                        + (options.jwtSecret() != null ? "; does --jwt-secret match STAMPEDE_JWT_SECRET?" : ""));
            }
        } catch (IOException e) {
            throw new SetupException("service stopped answering during setup: " + e, e);
        }
    }
}
