package io.stampede.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Command-line options of the load driver, parsed from {@code --name value} or {@code --name=value}. */
public record Options(
        URI url,
        String adminToken,
        Path adminTokenFile,
        int stock,
        int limit,
        int users,
        int attempts,
        double replays,
        int concurrency,
        String strategy,
        String intake,
        String jwtSecret,
        int warmup,
        Path csv,
        int timeoutSeconds,
        int requestTimeoutSeconds,
        int settleSeconds,
        long seed,
        String mode,
        double factor,
        int seconds,
        int calibrationSeconds,
        int calibrationConcurrency,
        int maxInFlight,
        URI overloadUrl,
        boolean help) {

    /** Thrown for a flag the driver cannot use; the message says which and why. */
    public static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    // The contract's enums: rejecting a typo here beats a 400 after the setup work.
    static final Set<String> STRATEGIES = Set.of(
            "REDIS_LUA", "DB_PESSIMISTIC", "DB_OPTIMISTIC", "DB_CONDITIONAL", "REDIS_LOCK", "SEGMENTED", "TOKEN_QUEUE");
    static final Set<String> INTAKES = Set.of("DIRECT", "QUEUED");

    /** {@code burst}: the closed-loop oversell burst; {@code overload}: calibrate, then an open-loop overload. */
    static final String BURST = "burst";

    static final String OVERLOAD = "overload";
    // The overload mode sizes its sales and shoppers itself; silently ignoring these would mislead.
    private static final List<String> BURST_ONLY =
            List.of("stock", "limit", "users", "attempts", "replays", "warmup", "csv", "seed");
    private static final List<String> OVERLOAD_ONLY = List.of(
            "factor", "seconds", "calibration-seconds", "calibration-concurrency", "max-in-flight", "overload-url");

    private record Flag(String name, String arg, String defaultValue, String help) {}

    private static final List<Flag> FLAGS = List.of(
            new Flag(
                    "url",
                    "URL",
                    "http://localhost:8080",
                    "base URL of the service; the only host the driver talks to"),
            new Flag("admin-token", "TOKEN", null, "admin bearer token (wins over --admin-token-file)"),
            new Flag("admin-token-file", "FILE", "./.stampede/admin-token", "file holding the admin token"),
            new Flag("stock", "N", "100", "stock of the sale the driver creates"),
            new Flag("limit", "N", "1", "per-user limit of that sale"),
            new Flag("users", "N", "500", "number of distinct shoppers"),
            new Flag("attempts", "N", "2000", "total purchase attempts in the timed burst"),
            new Flag(
                    "replays",
                    "F",
                    "0.1",
                    "fraction of attempts that re-send an earlier Idempotency-Key of the same user, 0 <= F < 1"),
            new Flag("concurrency", "N", "200", "most requests in flight at once"),
            new Flag("strategy", "NAME", "REDIS_LUA", "sale strategy: " + String.join(", ", sorted(STRATEGIES))),
            new Flag("intake", "NAME", "DIRECT", "sale intake: DIRECT or QUEUED"),
            new Flag(
                    "jwt-secret",
                    "SECRET",
                    null,
                    "mint HS256 shopper JWTs with this secret instead of using POST /api/session"),
            new Flag("warmup", "N", "0", "throwaway purchases against a separate warm-up sale before the burst"),
            new Flag("csv", "FILE", null, "append one result row to FILE (header written when the file is new)"),
            new Flag("timeout-seconds", "S", "120", "global time budget; the driver stops when it is spent"),
            new Flag("request-timeout-seconds", "S", "30", "timeout of a single HTTP request"),
            new Flag("settle-seconds", "S", "10", "how long to wait for stock and orders to settle after the burst"),
            new Flag("seed", "N", null, "random seed of the attempt plan (default: random, printed)"),
            new Flag(
                    "mode",
                    "MODE",
                    BURST,
                    "burst (closed-loop oversell burst), overload (calibrate, then open-loop overload), compare, ab"
                            + ", read-cost, gate-shards, subscribers or room"),
            new Flag("factor", "F", "10", "overload: send at F times the calibrated sustainable rate"),
            new Flag("seconds", "S", "10", "overload: length of the open-loop phase; one distinct shopper per request"),
            new Flag(
                    "calibration-seconds",
                    "S",
                    "5",
                    "overload: measured length of the closed-loop calibration (after 1 s warm-up)"),
            new Flag("calibration-concurrency", "N", "64", "overload: requests in flight during the calibration"),
            new Flag(
                    "max-in-flight",
                    "N",
                    "512",
                    "overload: keep-alive connections, so most requests open at once (as from a load balancer)"),
            new Flag(
                    "overload-url",
                    "URL",
                    null,
                    "overload: send the open-loop phase here (a proxy in front of --url); calibration and checks use --url"),
            new Flag("help", null, null, "print this help and exit"));

    /** Parses the arguments; unknown flags, missing values and out-of-range numbers throw {@link UsageException}. */
    public static Options parse(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Flag flag : FLAGS) {
            if (flag.defaultValue() != null) {
                values.put(flag.name(), flag.defaultValue());
            }
        }
        boolean help = false;
        Set<String> given = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            String key = name;
            Flag flag = FLAGS.stream()
                    .filter(f -> f.name().equals(key))
                    .findFirst()
                    .orElseThrow(() -> new UsageException("unknown flag --" + key));
            if (flag.arg() == null) {
                throw new UsageException("--" + key + " takes no value");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("--" + key + " needs a value (" + flag.arg() + ")");
                }
                value = args[++i];
            }
            values.put(key, value);
            given.add(key);
        }
        if (help) {
            return defaultsForHelp();
        }

        URI url = parseUrl(values.get("url"));
        double replays = parseDouble(values, "replays");
        if (!(replays >= 0 && replays < 1)) {
            throw new UsageException("--replays must be >= 0 and < 1, got " + replays);
        }
        String strategy = values.get("strategy").toUpperCase(Locale.ROOT);
        if (!STRATEGIES.contains(strategy)) {
            throw new UsageException("--strategy must be one of " + sorted(STRATEGIES) + ", got " + strategy);
        }
        String intake = values.get("intake").toUpperCase(Locale.ROOT);
        if (!INTAKES.contains(intake)) {
            throw new UsageException("--intake must be one of " + sorted(INTAKES) + ", got " + intake);
        }
        String secret = values.get("jwt-secret");
        if (secret != null && secret.isEmpty()) {
            throw new UsageException("--jwt-secret must not be empty");
        }
        String seed = values.get("seed");
        String mode = values.get("mode").toLowerCase(Locale.ROOT);
        if (!mode.equals(BURST) && !mode.equals(OVERLOAD)) {
            throw new UsageException("--mode must be " + BURST + ", " + OVERLOAD + ", " + CompareOptions.COMPARE + ", "
                    + AbOptions.AB + ", " + ReadCostOptions.READ_COST + ", " + GateShardsOptions.GATE_SHARDS + ", "
                    + SubscribersOptions.SUBSCRIBERS + ", " + RoomOptions.ROOM + " or " + SpeedOptions.SPEED + ", got "
                    + mode);
        }
        List<String> misplaced = (mode.equals(OVERLOAD) ? BURST_ONLY : OVERLOAD_ONLY)
                .stream().filter(given::contains).map(name -> "--" + name).toList();
        if (!misplaced.isEmpty()) {
            throw new UsageException(String.join(", ", misplaced) + " " + (misplaced.size() == 1 ? "has" : "have")
                    + " no effect with --mode " + mode);
        }
        double factor = parseDouble(values, "factor");
        if (!(factor > 0 && factor <= 1000)) {
            throw new UsageException("--factor must be > 0 and <= 1000, got " + factor);
        }
        return new Options(
                url,
                values.get("admin-token"),
                Path.of(values.get("admin-token-file")),
                parseInt(values, "stock", 1, 10_000_000),
                parseInt(values, "limit", 1, 1_000_000),
                parseInt(values, "users", 1, 1_000_000),
                parseInt(values, "attempts", 1, 1_000_000),
                replays,
                parseInt(values, "concurrency", 1, 100_000),
                strategy,
                intake,
                secret,
                parseInt(values, "warmup", 0, 1_000_000),
                values.containsKey("csv") ? Path.of(values.get("csv")) : null,
                parseInt(values, "timeout-seconds", 1, 86_400),
                parseInt(values, "request-timeout-seconds", 1, 3_600),
                parseInt(values, "settle-seconds", 0, 3_600),
                seed == null ? System.nanoTime() : parseLong("seed", seed),
                mode,
                factor,
                parseInt(values, "seconds", 1, 3_600),
                parseInt(values, "calibration-seconds", 1, 3_600),
                parseInt(values, "calibration-concurrency", 1, 100_000),
                parseInt(values, "max-in-flight", 1, 1_000_000),
                values.containsKey("overload-url") ? parseUrl(values.get("overload-url")) : url,
                false);
    }

    /** The help text: one line per flag with its default. */
    public static String usage() {
        StringBuilder out = new StringBuilder();
        out.append("Usage: java -jar bench/target/stampede-bench.jar [flags]\n\n");
        out.append("--mode burst (default): creates a flash sale, fires a burst of concurrent purchases at it\n");
        out.append("and checks that nothing was oversold.\n");
        out.append("--mode overload (or main class io.stampede.bench.OverloadDriver): measures the sustainable\n");
        out.append("rate S of successful purchases closed-loop, then sends open-loop at --factor x S for --seconds,\n");
        out.append("one distinct shopper per request, and reports successes/s against S, success and rejection\n");
        out.append("latency from the intended send time, and the same oversell check. It needs factor x S x seconds\n");
        out.append("shopper tokens: pass --jwt-secret (minted locally in seconds); demo login is far too slow\n");
        out.append("for that.\n");
        out.append("--mode compare: every strategy side by side on PostgreSQL and MariaDB, starting the server\n");
        out.append("itself; see --mode compare --help for its flags.\n");
        out.append(
                "--mode ab: two server jars (--jar-a, --jar-b) side by side, each started afresh per measurement,\n");
        out.append("rounds alternating the order; winners/s and p50/p99 of each, B/A; see --mode ab --help.\n");
        out.append("--mode read-cost: GET /api/sales/{id} and GET /api/sales on a sale with many orders against a\n");
        out.append(
                "fresh one, on a running service (--url) or a jar it starts (--jar); see --mode read-cost --help.\n");
        out.append("--mode subscribers: purchases/s of a jar it starts, without and with N idle subscribers of\n");
        out.append("GET /api/stream/sales, alternating; see --mode subscribers --help.\n");
        out.append("--mode room: a waiting room of many shoppers on a jar it starts: joins, the cost of keeping the\n");
        out.append("waiting crowd informed (push and polls), purchases with and without it; see --mode room --help.\n");
        out.append("--mode speed: the purchase path against the floor of the stack (a 401) on a jar it starts:\n");
        out.append("winners of every strategy, SOLD_OUT answers, overload, cold start, CPU per answer, and issue\n");
        out.append("14's ratios; see --mode speed --help.\n");
        out.append("Exit status: 0 PASS, 1 FAIL, 2 setup error (bad flags, service unreachable, admin token\n");
        out.append("rejected, no shopper tokens).\n\nFlags:\n");
        for (Flag flag : FLAGS) {
            String left = "  --" + flag.name() + (flag.arg() == null ? "" : " " + flag.arg());
            out.append(String.format("%-34s %s", left, flag.help()));
            if (flag.defaultValue() != null) {
                out.append(" (default ").append(flag.defaultValue()).append(')');
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The number of purchase attempts that re-send an earlier key rather than use a fresh one. */
    public int replayCount() {
        // at least one fresh attempt, or there would be nothing to replay
        return (int) Math.min(Math.round(attempts * replays), attempts - 1L);
    }

    private static Options defaultsForHelp() {
        return new Options(
                URI.create("http://localhost:8080"),
                null,
                Path.of("./.stampede/admin-token"),
                100,
                1,
                500,
                2000,
                0.1,
                200,
                "REDIS_LUA",
                "DIRECT",
                null,
                0,
                null,
                120,
                30,
                10,
                0,
                BURST,
                10,
                10,
                5,
                64,
                512,
                URI.create("http://localhost:8080"),
                true);
    }

    public boolean overload() {
        return OVERLOAD.equals(mode);
    }

    /** These options with another sale's stock and per-user limit, for checking a sale the driver sized itself. */
    public Options withSale(int saleStock, int saleLimit) {
        return new Options(
                url,
                adminToken,
                adminTokenFile,
                saleStock,
                saleLimit,
                users,
                attempts,
                replays,
                concurrency,
                strategy,
                intake,
                jwtSecret,
                warmup,
                csv,
                timeoutSeconds,
                requestTimeoutSeconds,
                settleSeconds,
                seed,
                mode,
                factor,
                seconds,
                calibrationSeconds,
                calibrationConcurrency,
                maxInFlight,
                overloadUrl,
                help);
    }

    private static URI parseUrl(String raw) {
        URI uri;
        try {
            uri = URI.create(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--url is not a URI: " + raw);
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null
                || uri.getQuery() != null
                || uri.getFragment() != null) {
            throw new UsageException(
                    "--url must be an http(s) URL without query, e.g. http://localhost:8080, got " + raw);
        }
        return uri;
    }

    private static int parseInt(Map<String, String> values, String name, int min, int max) {
        String raw = values.get(name);
        long value = parseLong(name, raw);
        if (value < min || value > max) {
            throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + raw);
        }
        return (int) value;
    }

    private static long parseLong(String name, String raw) {
        try {
            return Long.parseLong(raw.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + raw + "'");
        }
    }

    private static double parseDouble(Map<String, String> values, String name) {
        String raw = values.get(name);
        try {
            return Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + raw + "'");
        }
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }
}
