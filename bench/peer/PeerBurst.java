import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Burst driver for the open-source peer zaiyunduan123/springboot-seckill (which you build and run yourself from its own
 * repository: Stampede ships none of its code; see README.md beside this file), measured the way
 * Stampede's compare mode measures a strategy: N distinct buyers, one attempt each, on an item of S units,
 * closed loop with C requests in flight; then the orders are read from the database until they stop moving.
 *
 * JDK 17+, no dependencies:  java PeerBurst.java --help
 *
 * The peer's purchase flow: POST /login/do_login (mobile, password = md5 form pass) gives a
 * token (cookie "token"); POST /seckill/do_seckill goodsId=G with that cookie answers {"code":0,"data":0}
 * ("queued": Redis stock decremented and a message sent to RabbitMQ queue "queue") or an error code (500500 sold
 * out, 500501 repeat, 500104 rate limited, 500210 no session); a consumer writes sk_order_info + sk_order later;
 * GET /seckill/result?goodsId=G gives orderId / -1 (failed) / 0 (still queued). One attempt = the do_seckill POST
 * (plus, with --poll-result, the /result polling a browser does until it resolves).
 *
 * Prints human-readable progress lines prefixed with '#', then exactly one summary line starting "peer_burst ".
 * Exit status: 0 ok, 1 oversold, 2 setup error.
 */
public final class PeerBurst {

    // ---------------------------------------------------------------- options

    static final class Opts {
        String url = "http://127.0.0.1:18080";
        int buyers = 20_000;
        int stock = 1_000;
        int concurrency = 200;
        long goods = 1;
        int warmupBuyers = 2_000;
        int warmupStock = 200;
        long warmupGoods = 2;
        String dbHost = "127.0.0.1";
        int dbPort = 3306;
        String dbUser = "root";
        String dbPassword = "";
        String dbName = "peer_seckill";
        String mariadb = "mariadb";
        String redisHost = "127.0.0.1";
        int redisPort = 6391;
        String jar = null;                 // start (and stop) the peer jar ourselves
        String peerJava = "java";
        String peerOpts = "--add-opens java.base/java.lang=ALL-UNNAMED";
        String peerRate = "10000000";      // lifts the peer's 10/s RateLimiter (-Dpeer.seckill.rate)
        String peerLog = System.getProperty("java.io.tmpdir") + "/peer-burst-server.log";
        String login = "http";             // http | mint
        int loginConcurrency = 16;
        long userBase = 13_000_000_000L;   // user ids (= "mobile"), as the peer's own UserUtil makes them
        boolean pollResult = false;
        int resultTimeoutMs = 10_000;
        int resultIntervalMs = 50;         // the peer's goods_detail.htm polls every 50 ms
        int runSeconds = 30;
        int settleMs = 2_000;
        int maxSettleSeconds = 60;
        int pollMs = 50;
        int requestTimeoutMs = 30_000;

        static Opts parse(String[] args) {
            Opts o = new Opts();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    usage();
                    System.exit(0);
                }
                if (a.equals("--poll-result")) { o.pollResult = true; continue; }
                if (!a.startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("bad argument " + a);
                String v = args[++i];
                switch (a) {
                    case "--url" -> o.url = v.replaceAll("/+$", "");
                    case "--buyers" -> o.buyers = Integer.parseInt(v.replace("_", ""));
                    case "--stock" -> o.stock = Integer.parseInt(v.replace("_", ""));
                    case "--concurrency" -> o.concurrency = Integer.parseInt(v);
                    case "--goods" -> o.goods = Long.parseLong(v);
                    case "--warmup-buyers" -> o.warmupBuyers = Integer.parseInt(v.replace("_", ""));
                    case "--warmup-stock" -> o.warmupStock = Integer.parseInt(v.replace("_", ""));
                    case "--warmup-goods" -> o.warmupGoods = Long.parseLong(v);
                    case "--db-host" -> o.dbHost = v;
                    case "--db-port" -> o.dbPort = Integer.parseInt(v);
                    case "--db-user" -> o.dbUser = v;
                    case "--db-password" -> o.dbPassword = v;
                    case "--db" -> o.dbName = v;
                    case "--mariadb" -> o.mariadb = v;
                    case "--redis-host" -> o.redisHost = v;
                    case "--redis-port" -> o.redisPort = Integer.parseInt(v);
                    case "--jar" -> o.jar = v;
                    case "--peer-java" -> o.peerJava = v;
                    case "--peer-opts" -> o.peerOpts = v;
                    case "--peer-rate" -> o.peerRate = v;
                    case "--peer-log" -> o.peerLog = v;
                    case "--login" -> o.login = v;
                    case "--login-concurrency" -> o.loginConcurrency = Integer.parseInt(v);
                    case "--user-base" -> o.userBase = Long.parseLong(v);
                    case "--result-timeout-ms" -> o.resultTimeoutMs = Integer.parseInt(v);
                    case "--run-seconds" -> o.runSeconds = Integer.parseInt(v);
                    case "--settle-ms" -> o.settleMs = Integer.parseInt(v);
                    case "--max-settle-seconds" -> o.maxSettleSeconds = Integer.parseInt(v);
                    case "--poll-ms" -> o.pollMs = Integer.parseInt(v);
                    case "--request-timeout-ms" -> o.requestTimeoutMs = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (o.redisPort == 6379) throw new IllegalArgumentException("refusing Redis port 6379 (Stampede's); the peer runs on its own Redis (6391)");
            if (!o.login.equals("http") && !o.login.equals("mint")) throw new IllegalArgumentException("--login http|mint");
            if (o.goods == o.warmupGoods && o.warmupBuyers > 0) throw new IllegalArgumentException("--goods and --warmup-goods must differ");
            return o;
        }

        static void usage() {
            System.out.println("""
                usage: java PeerBurst.java [options]
                  --url URL                 peer base URL (http://127.0.0.1:18080)
                  --buyers N                distinct buyers, one attempt each (20000)
                  --stock S                 units of the measured item (1000)
                  --concurrency C           requests in flight, closed loop (200)
                  --goods G                 measured goods id (1); --warmup-goods (2)
                  --warmup-buyers W         untimed warm-up burst on the warm-up goods (2000; 0 = none)
                  --warmup-stock WS         its stock (200)
                  --jar PATH                start the peer jar after resetting DB+Redis, stop it at the end (recommended:
                                            the peer keeps a per-goods sold-out flag in its JVM, so every run needs a fresh JVM)
                  --peer-java PATH          java for the peer (java); --peer-opts "JVM flags" (--add-opens java.base/java.lang=ALL-UNNAMED)
                  --peer-rate R             -Dpeer.seckill.rate for the peer's RateLimiter (10000000 = lifted)
                  --peer-log PATH           the peer's stdout/stderr (<tmp>/peer-burst-server.log)
                  --login http|mint         http: log every buyer in through POST /login/do_login (default);
                                            mint: write the session tokens straight into the peer's Redis
                  --login-concurrency K     (16)
                  --poll-result             count the browser's /seckill/result polling (every 50 ms) as part of the attempt
                  --result-timeout-ms T     give up polling after T ms (10000)
                  --run-seconds T           cap on the burst (30); --settle-ms (2000) order count unchanged this long = settled
                  --max-settle-seconds T    (60); --poll-ms (50) DB poll interval
                  --db peer_seckill --db-host 127.0.0.1 --db-port 3306 --db-user root --db-password '' --mariadb mariadb
                  --redis-host 127.0.0.1 --redis-port 6391   (6379 is refused)
                  --user-base 13000000000   buyer i has id/mobile base+i, password 123456 (salt 1a2b3c)
                """);
        }
    }

    // ---------------------------------------------------------------- main

    public static void main(String[] args) throws Exception {
        Opts o;
        try {
            o = Opts.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("PeerBurst: " + e.getMessage() + " (--help)");
            System.exit(2);
            return;
        }
        Process peer = null;
        int exit;
        try {
            peer = null;
            Setup setup = new Setup(o);
            setup.checkServices();
            setup.prepareDatabase();
            setup.flushRedis();
            LogCounter log = null;
            if (o.jar != null) {
                peer = setup.startPeer();
                log = new LogCounter(Path.of(o.peerLog));
            } else {
                note("no --jar: assuming a peer started fresh (its in-JVM sold-out flag for goods " + o.goods + " unset)");
                setup.waitReady(Duration.ofSeconds(10));
            }
            Http http = new Http(o);
            int total = o.buyers + o.warmupBuyers;
            String[] tokens = o.login.equals("http") ? setup.loginAll(http, total) : setup.mintAll(total);
            if (o.warmupBuyers > 0) {
                String[] warm = Arrays.copyOfRange(tokens, o.buyers, total);
                long t = System.nanoTime();
                BurstResult w = burst(o, http, warm, o.warmupGoods, false);
                note(String.format(Locale.ROOT, "warm-up: %d attempts on goods %d in %d ms (%s)", warm.length, o.warmupGoods,
                        (System.nanoTime() - t) / 1_000_000, w.counts));
                try (Sql sql = new Sql(o)) {
                    Settle s = settle(o, sql, o.warmupGoods, System.nanoTime(), log, Duration.ofSeconds(30), 1000);
                    note("warm-up settled: " + s.orders + " orders of " + o.warmupStock + (s.stable ? "" : " (still moving)"));
                }
            }
            try (Sql sql = new Sql(o)) {
                long before = sql.scalar("SELECT COUNT(*) FROM sk_order_info WHERE goods_id=" + o.goods);
                if (before != 0) throw new SetupException(before + " orders for goods " + o.goods
                        + " exist before the burst (left-over RabbitMQ messages in queue 'queue'? purge it: rabbitmqctl purge_queue queue)");
            }
            exit = measure(o, http, Arrays.copyOfRange(tokens, 0, o.buyers), log);
        } catch (SetupException e) {
            System.out.println("# setup error: " + e.getMessage());
            System.out.println("peer_burst status=setup_error reason=\"" + e.getMessage().replace('"', '\'') + "\"");
            exit = 2;
        } finally {
            if (peer != null) stopPeer(peer);
        }
        System.exit(exit);
    }

    static int measure(Opts o, Http http, String[] tokens, LogCounter log) throws Exception {
        try (Sql sql = new Sql(o)) {
            // the poller runs from the burst's start, so an order written during the burst is timed too
            OrderPoller poller = new OrderPoller(o, sql, o.goods);
            long sentBefore = log == null ? -1 : log.counts()[0];
            BurstResult r = burst(o, http, tokens, o.goods, o.pollResult, poller);
            long burstEnd = System.nanoTime();
            note(String.format(Locale.ROOT, "burst: %d attempts, %d answered in %.3f s (%s)", tokens.length, r.answered,
                    r.wallNanos / 1e9, r.counts));
            Settle s = poller.settleAfter(burstEnd, log, Duration.ofSeconds(o.maxSettleSeconds), o.settleMs);
            note("orders settled: " + s.orders + (s.stable ? "" : " (STILL MOVING at the cap)")
                    + (s.drainedNanos > 0 ? String.format(Locale.ROOT, ", queue drained %.0f ms after the burst's start", (s.drainedNanos - r.startNanos) / 1e6) : ""));

            // final figures, straight from the tables
            long infoRows = sql.scalar("SELECT COUNT(*) FROM sk_order_info WHERE goods_id=" + o.goods);
            long skRows = sql.scalar("SELECT COUNT(*) FROM sk_order WHERE goods_id=" + o.goods);
            long distinctUsers = sql.scalar("SELECT COUNT(DISTINCT user_id) FROM sk_order_info WHERE goods_id=" + o.goods);
            long dbStockLeft = sql.scalar("SELECT stock_count FROM sk_goods_seckill WHERE goods_id=" + o.goods);
            Set<Long> owners = new HashSet<>();
            for (String line : sql.lines("SELECT DISTINCT user_id FROM sk_order_info WHERE goods_id=" + o.goods)) owners.add(Long.parseLong(line.trim()));
            long strangers = owners.stream().filter(u -> u < o.userBase || u >= o.userBase + o.buyers).count();
            long dupOrders = infoRows - distinctUsers;
            long over = Math.max(0, infoRows - o.stock);
            long oversold = over + dupOrders;
            long refused = o.buyers - distinctUsers;   // every buyer attempted once; those without an order were refused
            long unsold = Math.max(0, o.stock - infoRows);
            long undersold = refused > 0 ? Math.min(unsold, refused) : 0;
            long queuedNoOrder = 0;
            for (int i = 0; i < tokens.length; i++) {
                if (r.codes[i] == 0 && !owners.contains(o.userBase + i)) queuedNoOrder++;
            }
            String redisStock = new Redis(o.redisHost, o.redisPort).get("GoodsKey:gs" + o.goods);

            long[] lat = Arrays.copyOf(r.latMicros, r.latCount.get());
            Arrays.sort(lat);
            Map<String, Object> kv = new LinkedHashMap<>();
            kv.put("status", oversold > 0 ? "OVERSOLD" : "ok");
            kv.put("buyers", o.buyers);
            kv.put("stock", o.stock);
            kv.put("concurrency", o.concurrency);
            kv.put("poll_result", o.pollResult);
            kv.put("login", o.login);
            kv.put("attempts", tokens.length);
            kv.put("answered", r.answered);
            kv.put("not_attempted", tokens.length - r.sent);
            kv.put("wall_ms", r.wallNanos / 1_000_000);
            kv.put("attempts_per_s", String.format(Locale.ROOT, "%.0f", r.answered / (r.wallNanos / 1e9)));
            kv.put("p50_ms", ms(pct(lat, 0.50)));
            kv.put("p99_ms", ms(pct(lat, 0.99)));
            kv.put("max_ms", ms(lat.length == 0 ? 0 : lat[lat.length - 1]));
            kv.put("success", r.counts.getOrDefault("queued", 0L));
            kv.put("sold_out", r.counts.getOrDefault("sold_out", 0L));
            kv.put("other", r.answered - r.counts.getOrDefault("queued", 0L) - r.counts.getOrDefault("sold_out", 0L));
            kv.put("repeat", r.counts.getOrDefault("repeat", 0L));
            kv.put("rate_limited", r.counts.getOrDefault("rate_limited", 0L));
            kv.put("no_session", r.counts.getOrDefault("no_session", 0L));
            kv.put("server_error", r.counts.getOrDefault("server_error", 0L));
            kv.put("http_error", r.counts.getOrDefault("http_error", 0L));
            kv.put("transport_error", r.counts.getOrDefault("transport_error", 0L));
            if (o.pollResult) {
                kv.put("result_won", r.counts.getOrDefault("result_won", 0L));
                kv.put("result_lost", r.counts.getOrDefault("result_lost", 0L));
                kv.put("result_unresolved", r.counts.getOrDefault("result_unresolved", 0L));
            }
            kv.put("orders", infoRows);
            kv.put("sk_order_rows", skRows);
            kv.put("order_owners", distinctUsers);
            kv.put("last_order_ms", s.lastChangeNanos > 0 ? (s.lastChangeNanos - r.startNanos) / 1_000_000 : -1);
            kv.put("first_order_ms", poller.firstOrderNanos > 0 ? (poller.firstOrderNanos - r.startNanos) / 1_000_000 : -1);
            kv.put("queue_drained_ms", s.drainedNanos > 0 ? (s.drainedNanos - r.startNanos) / 1_000_000 : -1);
            kv.put("settled", s.stable);
            kv.put("oversold", oversold);
            kv.put("dup_orders", dupOrders);
            kv.put("unsold", unsold);
            kv.put("undersold", undersold);
            kv.put("queued_no_order", queuedNoOrder);
            kv.put("stranger_orders", strangers);
            kv.put("db_stock_left", dbStockLeft);
            kv.put("db_stock_consistent", dbStockLeft + infoRows == o.stock);
            kv.put("redis_stock", redisStock == null ? "nil" : redisStock);
            kv.put("mq_sent", log == null ? -1 : log.counts()[0] - sentBefore);
            kv.put("poll_ms", o.pollMs);
            StringBuilder line = new StringBuilder("peer_burst");
            kv.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            System.out.println(line);
            return oversold > 0 ? 1 : 0;
        }
    }

    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static String ms(long micros) {
        return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }

    static void note(String s) {
        System.out.println("# " + s);
        System.out.flush();
    }

    // ---------------------------------------------------------------- the burst

    static final class BurstResult {
        long startNanos, wallNanos;
        int sent, answered;
        int[] codes;                   // do_seckill "code" per attempt; Integer.MIN_VALUE = no answer
        long[] latMicros;
        AtomicInteger latCount = new AtomicInteger();
        Map<String, Long> counts = new java.util.TreeMap<>();
    }

    static BurstResult burst(Opts o, Http http, String[] tokens, long goods, boolean pollResult) throws Exception {
        return burst(o, http, tokens, goods, pollResult, null);
    }

    /**
     * C worker threads pull the next attempt from a shared index (closed loop: C requests in flight, each slot
     * taking the next attempt as soon as its answer arrives). Latency is taken from the moment a slot takes an
     * attempt until that attempt is complete (incl. the /result polling with --poll-result).
     */
    static BurstResult burst(Opts o, Http http, String[] tokens, long goods, boolean pollResult, OrderPoller poller)
            throws Exception {
        int n = tokens.length;
        BurstResult r = new BurstResult();
        r.codes = new int[n];
        Arrays.fill(r.codes, Integer.MIN_VALUE);
        r.latMicros = new long[n];
        String[] kinds = new String[n];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch gate = new CountDownLatch(1);
        int workers = Math.min(o.concurrency, Math.max(1, n));
        CountDownLatch done = new CountDownLatch(workers);
        long[] deadlineHolder = {0};
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        for (int w = 0; w < workers; w++) {
            pool.execute(() -> {
                try {
                    gate.await();
                    while (true) {
                        int i = next.getAndIncrement();
                        if (i >= n || System.nanoTime() > deadlineHolder[0]) break;
                        sent.incrementAndGet();
                        long t = System.nanoTime();
                        String kind = attempt(o, http, tokens[i], goods, pollResult, r.codes, i);
                        kinds[i] = kind;
                        if (!kind.equals("transport_error")) {
                            r.latMicros[r.latCount.getAndIncrement()] = Math.max(1, (System.nanoTime() - t) / 1000);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        Thread.sleep(200); // let the workers reach the gate
        r.startNanos = System.nanoTime();
        deadlineHolder[0] = r.startNanos + TimeUnit.SECONDS.toNanos(o.runSeconds);
        if (poller != null) poller.start(r.startNanos);
        gate.countDown();
        done.await();
        r.wallNanos = System.nanoTime() - r.startNanos;
        pool.shutdown();
        r.sent = sent.get();
        for (String k : kinds) {
            if (k == null) continue;
            if (!k.equals("transport_error")) r.answered++;
            for (String part : k.split("\\+")) r.counts.merge(part, 1L, Long::sum);
        }
        return r;
    }

    static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*(-?\\d+)");
    static final Pattern DATA = Pattern.compile("\"data\"\\s*:\\s*(-?\\d+)");

    /** One purchase attempt; returns its kind ("queued", "sold_out", ...; "+result_*" with --poll-result). */
    static String attempt(Opts o, Http http, String token, long goods, boolean pollResult, int[] codes, int i) {
        String kind;
        try {
            HttpResponse<String> resp = http.post("/seckill/do_seckill", "goodsId=" + goods, token);
            if (resp.statusCode() != 200) return "http_error";
            Matcher m = CODE.matcher(resp.body());
            if (!m.find()) return "http_error";
            int code = Integer.parseInt(m.group(1));
            codes[i] = code;
            kind = switch (code) {
                case 0 -> "queued";
                case 500500 -> "sold_out";
                case 500501 -> "repeat";
                case 500104 -> "rate_limited";
                case 500210 -> "no_session";
                default -> "server_error";
            };
            if (!pollResult || code != 0) return kind;
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(o.resultTimeoutMs);
            while (true) {
                HttpResponse<String> res = http.get("/seckill/result?goodsId=" + goods, token);
                Matcher d = DATA.matcher(res.body());
                long data = d.find() ? Long.parseLong(d.group(1)) : 0;
                if (res.statusCode() == 200 && data > 0) return kind + "+result_won";
                if (res.statusCode() == 200 && data < 0) return kind + "+result_lost";
                if (System.nanoTime() > until) return kind + "+result_unresolved";
                Thread.sleep(o.resultIntervalMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "transport_error";
        } catch (IOException e) {
            return "transport_error";
        }
    }

    // ---------------------------------------------------------------- HTTP

    static final class Http {
        final HttpClient client;
        final String base;
        final Duration timeout;

        Http(Opts o) {
            base = o.url;
            timeout = Duration.ofMillis(o.requestTimeoutMs);
            // HTTP/1.1 as Stampede's bench does (no h2c upgrade attempts over plain http)
            client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
        }

        HttpResponse<String> post(String path, String form, String token) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form));
            if (token != null) b.header("Cookie", "token=" + token);
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET();
            if (token != null) b.header("Cookie", "token=" + token);
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    // ---------------------------------------------------------------- settling

    record Settle(long orders, boolean stable, long lastChangeNanos, long drainedNanos) {}

    /** Polls the order count of one goods every --poll-ms from the burst's start; records when it last changed. */
    static final class OrderPoller {
        final Opts o;
        final Sql sql;
        final long goods;
        volatile long count = 0, lastChangeNanos = 0, firstOrderNanos = 0;
        volatile boolean stop = false;
        Thread thread;

        OrderPoller(Opts o, Sql sql, long goods) {
            this.o = o;
            this.sql = sql;
            this.goods = goods;
        }

        void start(long t0) {
            thread = new Thread(() -> {
                while (!stop) {
                    try {
                        long c = sql.scalar("SELECT COUNT(*) FROM sk_order_info WHERE goods_id=" + goods);
                        long now = System.nanoTime();
                        if (c != count) {
                            if (count == 0 && c > 0) firstOrderNanos = now;
                            count = c;
                            lastChangeNanos = now;
                        }
                        Thread.sleep(o.pollMs);
                    } catch (Exception e) {
                        if (!stop) note("order poll failed: " + e.getMessage());
                        return;
                    }
                }
            }, "order-poller");
            thread.setDaemon(true);
            thread.start();
        }

        /** Waits until the count has not moved for settleMs (and the peer's queue is drained, when its log is known). */
        Settle settleAfter(long burstEnd, LogCounter log, Duration cap, int settleMs) throws Exception {
            long capAt = burstEnd + cap.toNanos();
            long drained = 0;
            boolean stable = false;
            while (System.nanoTime() < capAt) {
                Thread.sleep(o.pollMs);
                long now = System.nanoTime();
                if (log != null && drained == 0) {
                    long[] c = log.counts();
                    if (c[1] >= c[0]) drained = now;
                }
                boolean queueDone = log == null || drained != 0;
                long since = lastChangeNanos == 0 ? burstEnd : Math.max(lastChangeNanos, burstEnd);
                if (queueDone && now - since >= TimeUnit.MILLISECONDS.toNanos(settleMs)) {
                    stable = true;
                    break;
                }
            }
            stop = true;
            thread.join(2000);
            return new Settle(count, stable, lastChangeNanos, drained);
        }
    }

    /** Same settling for the warm-up (no timing of interest). */
    static Settle settle(Opts o, Sql sql, long goods, long from, LogCounter log, Duration cap, int settleMs) throws Exception {
        OrderPoller p = new OrderPoller(o, sql, goods);
        p.start(from);
        return p.settleAfter(from, log, cap, settleMs);
    }

    /**
     * Counts the peer's own log lines "send message:" (MQSender, one per queued attempt) and "receive message:"
     * (MQReceiver, one per consumed message); equal counts = RabbitMQ queue "queue" drained.
     */
    static final class LogCounter {
        final Path path;
        long offset = 0, sent = 0, received = 0;
        String carry = "";

        LogCounter(Path path) {
            this.path = path;
        }

        synchronized long[] counts() {
            try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "r")) {
                long len = f.length();
                if (len > offset) {
                    byte[] buf = new byte[(int) (len - offset)];
                    f.seek(offset);
                    f.readFully(buf);
                    offset = len;
                    String text = carry + new String(buf, StandardCharsets.UTF_8);
                    int lastNl = text.lastIndexOf('\n');
                    String whole = lastNl < 0 ? "" : text.substring(0, lastNl);
                    carry = lastNl < 0 ? text : text.substring(lastNl + 1);
                    for (String line : whole.split("\n")) {
                        if (line.contains("MQSender") && line.contains(": send message:")) sent++;
                        else if (line.contains("MQReceiver") && line.contains(": receive message:")) received++;
                    }
                }
            } catch (IOException e) {
                // unreadable: report as drained so settling falls back to the order count alone
                return new long[] {0, 0};
            }
            return new long[] {sent, received};
        }
    }

    // ---------------------------------------------------------------- setup

    static final class SetupException extends Exception {
        SetupException(String m) {
            super(m);
        }
    }

    static final class Setup {
        final Opts o;

        Setup(Opts o) {
            this.o = o;
        }

        void checkServices() throws SetupException {
            try {
                String pong = new Redis(o.redisHost, o.redisPort).command("PING");
                if (!"PONG".equals(pong)) throw new SetupException("Redis at " + o.redisHost + ":" + o.redisPort + " answered " + pong);
            } catch (IOException e) {
                throw new SetupException("no Redis at " + o.redisHost + ":" + o.redisPort + " (start it: redis-server --port 6391 --bind 127.0.0.1 --save '' --appendonly no --daemonize yes)");
            }
            try (Sql sql = new Sql(o)) {
                sql.scalar("SELECT COUNT(*) FROM sk_goods_seckill");
            } catch (Exception e) {
                throw new SetupException("database " + o.dbName + " not usable (load the peer's sql/seckill.sql into it): " + e.getMessage());
            }
            if (o.jar != null) {
                try (Socket s = new Socket()) {
                    URI u = URI.create(o.url);
                    s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 300);
                    throw new SetupException("something already listens at " + o.url + " (stop the running peer, or drop --jar)");
                } catch (IOException expected) {
                    // port free
                }
            }
        }

        /** Buyers (and warm-up buyers) in sk_user with password 123456; orders emptied; stock set. */
        void prepareDatabase() throws Exception {
            long t = System.nanoTime();
            int total = o.buyers + o.warmupBuyers;
            String salt = "1a2b3c";
            String dbPass = dbPass(formPass("123456"), salt);
            Path file = Files.createTempFile("peerburst-users", ".sql");
            try (BufferedWriter w = Files.newBufferedWriter(file)) {
                w.write("SET autocommit=0;\n");
                for (int start = 0; start < total; start += 2000) {
                    w.write("INSERT INTO sk_user(id,nickname,password,salt,register_date,login_count) VALUES ");
                    for (int i = start; i < Math.min(total, start + 2000); i++) {
                        if (i > start) w.write(',');
                        w.write("(" + (o.userBase + i) + ",'user" + i + "','" + dbPass + "','" + salt + "',NOW(),1)");
                    }
                    w.write(" ON DUPLICATE KEY UPDATE password=VALUES(password), salt=VALUES(salt);\n");
                }
                w.write("COMMIT;\nSET autocommit=1;\n");
                w.write("TRUNCATE TABLE sk_order;\nTRUNCATE TABLE sk_order_info;\n");
                w.write(stockSql(o.goods, o.stock));
                if (o.warmupBuyers > 0) w.write(stockSql(o.warmupGoods, o.warmupStock));
            }
            runSqlFile(file);
            Files.deleteIfExists(file);
            try (Sql sql = new Sql(o)) {
                if (sql.scalar("SELECT COUNT(*) FROM sk_goods_seckill WHERE goods_id=" + o.goods) != 1)
                    throw new SetupException("no sk_goods_seckill row for goods " + o.goods);
                if (o.warmupBuyers > 0 && sql.scalar("SELECT COUNT(*) FROM sk_goods_seckill WHERE goods_id=" + o.warmupGoods) != 1)
                    throw new SetupException("no sk_goods_seckill row for warm-up goods " + o.warmupGoods);
            }
            note(String.format(Locale.ROOT, "database %s: %d buyers ready (ids %d..%d, password 123456), orders emptied, stock %d on goods %d, %d on goods %d (%d ms)",
                    o.dbName, total, o.userBase, o.userBase + total - 1, o.stock, o.goods, o.warmupStock, o.warmupGoods,
                    (System.nanoTime() - t) / 1_000_000));
        }

        static String stockSql(long goods, int stock) {
            return "UPDATE sk_goods_seckill SET stock_count=" + stock + ", version=0, start_date=NOW()-INTERVAL 1 HOUR,"
                    + " end_date=NOW()+INTERVAL 1 DAY WHERE goods_id=" + goods + ";\n";
        }

        void runSqlFile(Path file) throws Exception {
            ProcessBuilder pb = new ProcessBuilder(Sql.command(o)).redirectInput(file.toFile()).redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new SetupException("mariadb failed: " + out.strip());
        }

        /** The peer's Redis holds only the peer's keys (its own server): stock, sessions, order cache, flags. */
        void flushRedis() throws Exception {
            new Redis(o.redisHost, o.redisPort).command("FLUSHDB");
        }

        Process startPeer() throws Exception {
            List<String> cmd = new ArrayList<>();
            cmd.add(o.peerJava);
            for (String s : o.peerOpts.trim().split("\\s+")) if (!s.isEmpty()) cmd.add(s);
            cmd.add("-Dpeer.seckill.rate=" + o.peerRate);
            URI u = URI.create(o.url);
            cmd.add("-jar");
            cmd.add(o.jar);
            cmd.add("--server.address=" + u.getHost());
            cmd.add("--server.port=" + u.getPort());
            cmd.add("--redis.host=" + o.redisHost);
            cmd.add("--redis.port=" + o.redisPort);
            cmd.add("--spring.datasource.url=jdbc:mysql://" + o.dbHost + ":" + o.dbPort + "/" + o.dbName
                    + "?useUnicode=true&characterEncoding=utf-8&allowMultiQueries=true&useSSL=false");
            cmd.add("--spring.datasource.username=" + o.dbUser);
            if (!o.dbPassword.isEmpty()) cmd.add("--spring.datasource.password=" + o.dbPassword); // Boot 1.5 rejects "--key=" (the jar's default is empty)
            File log = new File(o.peerLog);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (p.isAlive()) stopPeer(p);
            }));
            note("started the peer (pid " + p.pid() + "): " + String.join(" ", cmd) + "  > " + log);
            long t = System.nanoTime();
            try {
                waitReady(Duration.ofSeconds(120), p);
            } catch (SetupException e) {
                stopPeer(p);
                throw e;
            }
            note(String.format(Locale.ROOT, "peer ready after %.1f s", (System.nanoTime() - t) / 1e9));
            return p;
        }

        void waitReady(Duration max) throws SetupException {
            waitReady(max, null);
        }

        void waitReady(Duration max, Process p) throws SetupException {
            HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();
            long until = System.nanoTime() + max.toNanos();
            while (System.nanoTime() < until) {
                if (p != null && !p.isAlive()) throw new SetupException("the peer exited during start (see " + o.peerLog + ")");
                try {
                    HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(o.url + "/login/to_login"))
                            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) return;
                } catch (Exception e) {
                    // not up yet
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SetupException("interrupted");
                }
            }
            throw new SetupException("peer not answering at " + o.url + " after " + max.toSeconds() + " s");
        }

        /** POST /login/do_login for every buyer (what a browser does); the token is the answer's data (and cookie). */
        String[] loginAll(Http http, int total) throws Exception {
            long t = System.nanoTime();
            String[] tokens = new String[total];
            String form = formPass("123456");
            AtomicInteger next = new AtomicInteger();
            AtomicLong failures = new AtomicLong();
            String[] firstFailure = {null};
            Pattern data = Pattern.compile("\"data\"\\s*:\\s*\"([0-9a-f]+)\"");
            ExecutorService pool = Executors.newFixedThreadPool(o.loginConcurrency);
            for (int w = 0; w < o.loginConcurrency; w++) {
                pool.execute(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < total) {
                        String body = "";
                        try {
                            HttpResponse<String> r = http.post("/login/do_login", "mobile=" + (o.userBase + i) + "&password=" + form, null);
                            body = r.body();
                            Matcher m = data.matcher(body);
                            if (r.statusCode() == 200 && m.find()) {
                                tokens[i] = m.group(1);
                                continue;
                            }
                        } catch (Exception e) {
                            body = e.toString();
                        }
                        if (failures.incrementAndGet() == 1) firstFailure[0] = body;
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(30, TimeUnit.MINUTES);
            if (failures.get() > 0) throw new SetupException(failures.get() + " logins failed, first: " + firstFailure[0]);
            note(String.format(Locale.ROOT, "logged %d buyers in over HTTP in %.1f s", total, (System.nanoTime() - t) / 1e9));
            return tokens;
        }

        /** The session the peer's login would create: key "UserKey:token"+uuid, value the user as JSON, TTL 2 days. */
        String[] mintAll(int total) throws Exception {
            long t = System.nanoTime();
            String[] tokens = new String[total];
            String dbPass = dbPass(formPass("123456"), "1a2b3c");
            try (Redis r = new Redis(o.redisHost, o.redisPort)) {
                List<String[]> batch = new ArrayList<>();
                for (int i = 0; i < total; i++) {
                    tokens[i] = UUID.randomUUID().toString().replace("-", "");
                    String json = "{\"id\":" + (o.userBase + i) + ",\"loginCount\":1,\"nickname\":\"user" + i
                            + "\",\"password\":\"" + dbPass + "\",\"salt\":\"1a2b3c\"}";
                    batch.add(new String[] {"SETEX", "UserKey:token" + tokens[i], "172800", json});
                    if (batch.size() == 1000 || i == total - 1) {
                        r.pipeline(batch);
                        batch.clear();
                    }
                }
            }
            note(String.format(Locale.ROOT, "minted %d sessions in the peer's Redis in %.1f s", total, (System.nanoTime() - t) / 1e9));
            return tokens;
        }
    }

    static void stopPeer(Process p) {
        p.destroy(); // SIGTERM
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
        }
        System.out.println("# stopped the peer (pid " + p.pid() + ")");
    }

    // the peer's MD5Util: inputPassToFormPass with fixed salt "1a2b3c4d", then formPassToDBPass with the user's salt
    static String formPass(String input) throws Exception {
        String s = "1a2b3c4d";
        return md5("" + s.charAt(0) + s.charAt(2) + input + s.charAt(5) + s.charAt(4));
    }

    static String dbPass(String form, String salt) throws Exception {
        return md5("" + salt.charAt(0) + salt.charAt(2) + form + salt.charAt(5) + salt.charAt(4));
    }

    static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    // ---------------------------------------------------------------- MariaDB via the CLI, one process kept open

    static final class Sql implements AutoCloseable {
        static final String END = "__peerburst_end__";
        final Process p;
        final BufferedWriter in;
        final BufferedReader out;

        static List<String> command(Opts o) {
            List<String> c = new ArrayList<>(List.of(o.mariadb, "-N", "-B", "--unbuffered", "-h", o.dbHost, "-P",
                    String.valueOf(o.dbPort), "-u", o.dbUser));
            if (!o.dbPassword.isEmpty()) c.add("-p" + o.dbPassword);
            c.add(o.dbName);
            return c;
        }

        Sql(Opts o) throws IOException {
            p = new ProcessBuilder(command(o)).redirectErrorStream(true).start();
            in = new BufferedWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
            out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        }

        synchronized List<String> lines(String query) throws IOException {
            in.write(query + ";\nSELECT '" + END + "';\n");
            in.flush();
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = out.readLine()) != null) {
                if (line.equals(END)) return lines;
                if (line.startsWith("ERROR")) throw new IOException(line);
                lines.add(line);
            }
            throw new IOException("mariadb exited: " + String.join(" ", lines));
        }

        long scalar(String query) throws IOException {
            List<String> l = lines(query);
            if (l.isEmpty() || l.get(0).equals("NULL")) throw new IOException("no value for " + query);
            return Long.parseLong(l.get(0).trim());
        }

        @Override
        public void close() {
            try {
                in.close();
                p.waitFor(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // ignore
            }
            p.destroy();
        }
    }

    // ---------------------------------------------------------------- minimal RESP client

    static final class Redis implements AutoCloseable {
        final Socket s;
        final OutputStream os;
        final InputStream is;

        Redis(String host, int port) throws IOException {
            s = new Socket();
            s.connect(new InetSocketAddress(host, port), 1000);
            s.setSoTimeout(10_000);
            os = new java.io.BufferedOutputStream(s.getOutputStream());
            is = new java.io.BufferedInputStream(s.getInputStream());
        }

        String command(String... args) throws IOException {
            try {
                write(args);
                os.flush();
                return read();
            } finally {
                s.close();
            }
        }

        String get(String key) throws IOException {
            return command("GET", key);
        }

        void pipeline(List<String[]> cmds) throws IOException {
            for (String[] c : cmds) write(c);
            os.flush();
            for (int i = 0; i < cmds.size(); i++) {
                String r = read();
                if (r != null && r.startsWith("-")) throw new IOException("redis: " + r);
            }
        }

        void write(String[] args) throws IOException {
            StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
                b.append('$').append(bytes.length).append("\r\n").append(a).append("\r\n");
            }
            os.write(b.toString().getBytes(StandardCharsets.UTF_8));
        }

        String read() throws IOException {
            String line = readLine();
            switch (line.charAt(0)) {
                case '+', ':' -> { return line.substring(1); }
                case '-' -> { return line; }
                case '$' -> {
                    int len = Integer.parseInt(line.substring(1));
                    if (len < 0) return null;
                    byte[] buf = is.readNBytes(len + 2);
                    return new String(buf, 0, len, StandardCharsets.UTF_8);
                }
                default -> throw new IOException("unexpected RESP reply " + line);
            }
        }

        String readLine() throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = is.read()) != -1) {
                if (c == '\r') {
                    is.read();
                    return b.toString();
                }
                b.append((char) c);
            }
            throw new IOException("redis closed the connection");
        }

        @Override
        public void close() throws IOException {
            s.close();
        }
    }
}
