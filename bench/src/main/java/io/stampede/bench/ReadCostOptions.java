package io.stampede.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Flags of {@code --mode read-cost}: what reading a sale (and the listing) costs when the sale has many orders,
 * against a running service ({@code --url}) or a jar the bench starts itself ({@code --jar}).
 */
record ReadCostOptions(
        URI url,
        String adminToken,
        Path adminTokenFile,
        String jwtSecret,
        Path jar,
        ServerSettings server,
        int orders,
        int buyConcurrency,
        int buySeconds,
        int concurrency,
        int seconds,
        int bursts,
        int warmupSeconds,
        int settleSeconds,
        int requestTimeoutSeconds,
        boolean help) {

    static final String READ_COST = "read-cost";
    static final String DEFAULT_ADMIN_TOKEN_FILE = "./.stampede/admin-token";

    private static final List<String> RUNNING_ONLY = List.of("url", "admin-token", "admin-token-file", "jwt-secret");

    private static final List<Flags.Flag> OWN = List.of(
            new Flags.Flag("mode", "MODE", READ_COST, "read-cost (this mode); see --mode burst --help for the others"),
            new Flags.Flag("url", "URL", null, "a running service to measure (or --jar)"),
            new Flags.Flag(
                    "admin-token", "TOKEN", null, "with --url: admin bearer token (wins over --admin-token-file)"),
            new Flags.Flag(
                    "admin-token-file",
                    "FILE",
                    null,
                    "with --url: file holding the admin token (default " + DEFAULT_ADMIN_TOKEN_FILE + ")"),
            new Flags.Flag(
                    "jwt-secret",
                    "SECRET",
                    null,
                    "with --url: mint shopper JWTs with the service's"
                            + " STAMPEDE_JWT_SECRET; without it every shopper logs in through POST /api/session (slow)"),
            new Flags.Flag("jar", "FILE", null, "a server jar to start and measure, as --mode ab does (or --url)"),
            new Flags.Flag(
                    "orders", "N", "100000", "stock of sale BIG, and the orders bought from it (one per shopper)"),
            new Flags.Flag("buy-concurrency", "N", "200", "purchases in flight while BIG is bought out"),
            new Flags.Flag("buy-seconds", "S", "1800", "time budget for buying the orders, retries included"),
            new Flags.Flag("concurrency", "N", "16", "GET requests in flight during a measured burst"),
            new Flags.Flag("seconds", "S", "5", "length of each measured GET burst"),
            new Flags.Flag("bursts", "N", "3", "measured bursts per subject (BIG, SMALL, listing before and after)"),
            new Flags.Flag(
                    "warmup-seconds",
                    "S",
                    "5",
                    "unmeasured GETs of each subject before its first burst; the"
                            + " first warm-up goes on until the reads are steady (at most 60 s)"),
            new Flags.Flag("settle-seconds", "S", "10", "most time to wait for BIG's stock to stop moving"),
            new Flags.Flag("request-timeout-seconds", "S", "30", "timeout of a single HTTP request"));

    static final List<Flags.Flag> FLAGS = AbOptions.concat(
            OWN, ServerSettings.FLAGS, List.of(new Flags.Flag("help", null, null, "print this help and exit")));

    static ReadCostOptions parse(String... args) {
        Flags.Parsed p = Flags.parse(READ_COST, FLAGS, args);
        if (p.on("help")) {
            return new ReadCostOptions(
                    null, null, null, null, null, null, 100_000, 200, 1800, 16, 5, 3, 5, 10, 30, true);
        }
        boolean running = p.given("url");
        if (running == p.given("jar")) {
            throw new Options.UsageException("give either --url (a running service) or --jar (a jar to start)");
        }
        URI url = null;
        String adminToken = null;
        Path adminTokenFile = null;
        String secret = null;
        Path jar = null;
        ServerSettings server = null;
        if (running) {
            p.refuse(ServerSettings.NAMES, "with --url (they configure the server --jar starts)");
            url = p.url("url");
            adminToken = p.get("admin-token");
            adminTokenFile =
                    Path.of(p.given("admin-token-file") ? p.get("admin-token-file") : DEFAULT_ADMIN_TOKEN_FILE);
            secret = p.get("jwt-secret");
            if (secret != null && secret.isEmpty()) {
                throw new Options.UsageException("--jwt-secret must not be empty");
            }
        } else {
            p.refuse(RUNNING_ONLY, "with --jar (the bench generates the tokens and secrets of the server it starts)");
            jar = Path.of(p.get("jar"));
            server = ServerSettings.of(p);
        }
        return new ReadCostOptions(
                url,
                adminToken,
                adminTokenFile,
                secret,
                jar,
                server,
                p.integer("orders", 1, 1_000_000),
                p.integer("buy-concurrency", 1, 100_000),
                p.integer("buy-seconds", 1, 86_400),
                p.integer("concurrency", 1, 100_000),
                p.integer("seconds", 1, 3_600),
                p.integer("bursts", 1, 100),
                p.integer("warmup-seconds", 0, 3_600),
                p.integer("settle-seconds", 1, 600),
                p.integer("request-timeout-seconds", 1, 3_600),
                false);
    }

    static boolean requested(String... args) {
        return Flags.requested(READ_COST, args);
    }

    /** True when the bench starts the server itself. */
    boolean startsServer() {
        return jar != null;
    }

    static String usage() {
        return "Usage: java -jar bench/target/stampede-bench.jar --mode read-cost (--url URL | --jar FILE) [flags]\n\n"
                + "Measures what GET /api/sales/{id} and GET /api/sales cost on a sale with many orders against a\n"
                + "fresh one. It creates sale BIG (stock --orders, REDIS_LUA, DIRECT, limit 1) and sale SMALL (stock\n"
                + "10), measures the listing (closed-loop GET bursts at --concurrency, --seconds each), buys --orders\n"
                + "units of BIG with as many distinct shoppers, checks BIG's figures (reserved = --orders, nothing\n"
                + "oversold), then measures GET BIG, GET SMALL and the listing in turn, --bursts of each. It prints\n"
                + "requests/s and p50/p99 of each and the ratios BIG/SMALL and listing after/before, also relative to\n"
                + "GET SMALL measured with it. With --jar it starts the server as --mode ab does (fresh database, own\n"
                + "Redis prefix, admission limits raised); with --url it needs the admin token and, for speed,\n"
                + "--jwt-secret.\n"
                + "Exit status: 0 figures right, 1 BIG oversold or its figures wrong, 2 setup error.\n\n"
                + "Flags (--db and those after it only with --jar):\n" + Flags.list(FLAGS);
    }
}
