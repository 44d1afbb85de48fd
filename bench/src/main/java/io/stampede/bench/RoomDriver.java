package io.stampede.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * {@code --mode room}: a waiting room of N shoppers on one server. The shoppers join; once the room lets them
 * through, every place is read once; then each round measures the crowd at rest (Q), the admitted shoppers' purchases
 * alone (A), S of the crowd holding the storefront stream (F), F plus the crowd's polls of its place (P), and P plus
 * the same purchases (B). Q, F and P give the server's CPU per push frame and per poll; A and B, side by side in each
 * round, what the waiting crowd costs the purchases.
 */
final class RoomDriver {

    private static final String STREAM = "/api/stream/sales";
    /** After the streams close the server notices at its next frame (one a second while the room moves). */
    private static final Duration DRAIN = Duration.ofSeconds(30);
    /** Polls run this long before the P window, so the window starts with the connections open and the rate on. */
    private static final Duration POLL_LEAD = Duration.ofSeconds(2);

    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ONE_UNIT = "{\"quantity\":1}".getBytes(StandardCharsets.UTF_8);

    /** /proc and Redis readings at one instant. */
    private record Sample(
            long nanos,
            long serverTicks,
            long benchTicks,
            ProcStats.Machine machine,
            double redisCpuSeconds,
            long clientCpuNanos,
            Storefronts.Snapshot frames,
            RoomPolls.Snapshot polls) {}

    /**
     * One window of one round: Q (quiet crowd), A (purchases), F (streams), P (streams and polls), B (all of them).
     * Rates are per second of the window; NaN where the window had none of that kind.
     */
    record Window(
            int round,
            String name,
            double serverCores,
            double redisCores,
            double benchCores,
            double clientCores,
            double machineBusyCores,
            double purchasesPerSecond,
            double p50,
            double p99,
            int subscribers,
            double framesPerSecond,
            double pollsPerSecond,
            double pollP99,
            long pollsDropped,
            double rssMib,
            long serverFiles,
            String notes) {}

    /** A closed loop of joins or polls: how many, how fast, what it cost. */
    record Pass(
            String name,
            long measured,
            double perSecond,
            double p50,
            double p99,
            double serverMicrosEach,
            double redisMicrosEach,
            Map<String, Long> answers,
            long unexpected) {}

    /**
     * A sale's room as the bench sees it: its shoppers and their JWTs, the admission tokens handed out so far, the
     * shoppers in room order (who buys first), the purchases made so far, and where placed orders are recorded (null:
     * nowhere, for the warm-up room).
     */
    @SuppressWarnings("ArrayRecordComponent") // the run's shoppers, filled once and shared, never compared
    private record Room(
            String saleId,
            String[] users,
            String[] jwts,
            AtomicReferenceArray<String> admissionTokens,
            int[] order,
            AtomicLong purchases,
            Queue<Oversell.Placed> placed) {

        Room(String saleId, String[] users, String[] jwts, Queue<Oversell.Placed> placed) {
            this(
                    saleId,
                    users,
                    jwts,
                    new AtomicReferenceArray<>(users.length),
                    identity(users.length),
                    new AtomicLong(),
                    placed);
        }

        Room inOrder(int[] roomOrder) {
            return new Room(saleId, users, jwts, admissionTokens, roomOrder, purchases, placed);
        }

        String roomPath() {
            return "/api/sales/" + saleId + "/room";
        }

        String purchasePath() {
            return "/api/sales/" + saleId + "/purchases";
        }

        private static int[] identity(int n) {
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            return order;
        }
    }

    private final RoomOptions options;
    private final String[] args;
    private final PrintStream out;
    private final String stamp = Long.toString(System.currentTimeMillis(), 36);
    private final Queue<Oversell.Placed> placed = new ConcurrentLinkedQueue<>();
    private final Queue<Wire> wires = new ConcurrentLinkedQueue<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Storefronts.Opening> openings = new ArrayList<>();
    private ServerLauncher launcher;

    RoomDriver(RoomOptions options, String[] args, PrintStream out) {
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
        Path workDir = ServerLauncher.workDirectory("room");
        BenchDatabase db = settings.database();
        CompareDriver.Machine machine = CompareDriver.Machine.describe(java, Map.of(db.kind(), db.version()));
        out.println("stampede-bench room  " + String.join(" ", args));
        out.println("machine       " + machine.summary());
        out.println(
                "server jar    " + options.jar().toAbsolutePath() + " (sha256 " + AbDriver.digest(options.jar()) + ")");
        out.printf(
                Locale.ROOT,
                "plan          one server on %s/%s; a WAITING_ROOM sale (REDIS_LUA/DIRECT, %,d units, limit %d) that"
                        + " lets %,d a second through; %,d shoppers join at concurrency %d; %d rounds of Q (crowd at"
                        + " rest), A (purchases), F (%,d streams), P (F + %,.0f polls/s: every shopper once per %d s),"
                        + " B (P + purchases); purchases %d s warm-up + %d s measured at concurrency %d, the other"
                        + " windows %d s%n",
                db.kind(),
                db.name(),
                options.stock(),
                RoomPlan.PER_USER_LIMIT,
                options.admitPerSecond(),
                options.shoppers(),
                options.joinConcurrency(),
                options.rounds(),
                options.subscribers(),
                options.pollRate(),
                options.pollEverySeconds(),
                options.warmupSeconds(),
                options.seconds(),
                options.concurrency(),
                options.informSeconds());
        ProofOfWorkCost.Result pow = ProofOfWorkCost.measure(Duration.ofMillis(500), Duration.ofSeconds(1));
        out.printf(
                Locale.ROOT,
                "proof of work checking one answer (SHA-256 of %d bytes, leading zero bits), in this JVM: %.2f µs;"
                        + " finding one at difficulty 16 takes ~65,536 of those hashes (%.0f ms here)%n",
                pow.inputBytes(),
                pow.nanosPerCheck() / 1_000,
                pow.nanosPerCheck() * 65_536 / 1e6);
        String prefix = "stampede-bench:room:" + stamp + ":";
        db.recreate();
        ServerProcess server = launcher.start(options.jar(), db, prefix, workDir, "server.log");
        try {
            return run(server, pow);
        } finally {
            wires.forEach(Wire::close);
            server.close();
            launcher.deleteKeys(prefix);
        }
    }

    private int run(ServerProcess server, ProofOfWorkCost.Result pow) throws InterruptedException {
        Api api = new Api(
                server.base(), Duration.ofSeconds(options.requestTimeoutSeconds()), Deadline.in(Duration.ofDays(1)));
        int n = options.shoppers();
        byte[] secret = launcher.jwtSecret().getBytes(StandardCharsets.UTF_8);

        // 0. warm-up in a room of its own that lets everyone through at once: its shoppers join, ask their place and
        // buy (the JIT of a fresh server); then more of them join, warm, for the join rate by which the sale's start
        // is planned. Nothing of this room is measured in the summary or checked.
        double warmJoinRate = Double.NaN;
        Room warmRoom = null;
        if (options.joinWarmup() > 0) {
            int w = options.joinWarmup();
            int calibration = RoomPlan.calibrationJoins(w);
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            String warmSale = createSale(api, "room warm-up " + stamp, "ROOMW-", now, now.plusSeconds(1), 100_000);
            Room warm = new Room(warmSale, names("roomw-", w + calibration), new String[w + calibration], null);
            mint(warm, secret);
            Pass warmJoin = pass(
                    "warm-j",
                    server,
                    options.joinConcurrency(),
                    w,
                    w,
                    i -> wire -> wire.send("POST", warm.roomPath(), warm.jwts()[i], "", EMPTY_JSON),
                    (i, reply) -> reply.status() == 201 || reply.status() == 200);
            Pass warmPlace = pass(
                    "warm-p",
                    server,
                    options.sweepConcurrency(),
                    w,
                    w,
                    i -> wire -> wire.send("GET", warm.roomPath(), warm.jwts()[i], "", null),
                    (i, reply) -> {
                        keepToken(warm, i, reply);
                        return reply.status() == 200;
                    });
            out.printf(
                    Locale.ROOT,
                    "warm-up       %,d shoppers joined a warm-up room and asked their place: %s and %s%n",
                    w,
                    warmJoin.answers(),
                    warmPlace.answers());
            if (options.initialWarmupSeconds() > 0) {
                Window bought = buy(
                        0,
                        "W",
                        server,
                        warm,
                        null,
                        null,
                        Duration.ZERO,
                        Duration.ofSeconds(options.initialWarmupSeconds()));
                out.println("warm-up (not counted): " + line(bought));
            }
            Pass calibrate = pass(
                    "calib",
                    server,
                    options.joinConcurrency(),
                    0,
                    calibration,
                    i -> wire -> wire.send("POST", warm.roomPath(), warm.jwts()[w + i], "", EMPTY_JSON),
                    (i, reply) -> reply.status() == 201 || reply.status() == 200);
            out.println(passLine(calibrate) + "  (more joins of the warm-up room: the rate the start is planned by)");
            warmJoinRate = calibrate.perSecond();
            warmRoom = warm;
        }

        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant startsAt = now.plus(RoomPlan.startsIn(n, options.startsInSeconds(), warmJoinRate));
        String saleId = createSale(api, "room " + stamp, "ROOM-", now, startsAt, options.admitPerSecond());
        out.println("sale          " + saleId + ", room open now, starts (lets shoppers through) at " + startsAt);
        long t0 = System.nanoTime();
        Room room = new Room(saleId, names("room-", n), new String[n], placed);
        mint(room, secret);
        out.printf(Locale.ROOT, "shoppers      %,d JWTs minted in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);

        // 1. join
        long memoryBefore = redisLong("memory", "used_memory");
        Pass join = pass(
                "join",
                server,
                options.joinConcurrency(),
                0,
                n,
                i -> wire -> wire.send("POST", room.roomPath(), room.jwts()[i], "", EMPTY_JSON),
                (i, reply) -> reply.status() == 201 || reply.status() == 200);
        long memoryAfter = redisLong("memory", "used_memory");
        double bytesPerShopper =
                memoryBefore < 0 || memoryAfter < 0 ? Double.NaN : (memoryAfter - memoryBefore) / (double) n;
        out.println(passLine(join) + String.format(Locale.ROOT, "  Redis memory %,.0f B per shopper", bytesPerShopper));
        Instant joinsDone = Instant.now();
        if (joinsDone.isAfter(startsAt)) {
            notes.add("the joins ran " + Duration.between(startsAt, joinsDone).toSeconds() + " s past the start: the"
                    + " last joiners queued first come, first served behind the shuffled ones (raise"
                    + " --starts-in-seconds)");
        }

        // 2. once the room lets shoppers through, read every place
        Duration untilStart = Duration.between(Instant.now(), startsAt.plusSeconds(1));
        if (warmRoom != null && untilStart.compareTo(Duration.ofSeconds(3)) > 0) {
            // the wait is not wasted: the warm-up room's shoppers keep the purchase path warm
            Window bought = buy(0, "W", server, warmRoom, null, null, Duration.ZERO, untilStart.minusSeconds(1));
            out.println("until the start, in the warm-up room (not counted): " + line(bought));
            untilStart = Duration.between(Instant.now(), startsAt.plusSeconds(1));
        }
        if (!untilStart.isNegative() && !untilStart.isZero()) {
            out.printf(
                    Locale.ROOT,
                    "waiting       %.1f s for the room to start letting shoppers through%n",
                    untilStart.toMillis() / 1e3);
            Thread.sleep(untilStart.toMillis());
        }
        long[] places = new long[n];
        Map<String, LongAdder> states = new ConcurrentHashMap<>();
        Pass sweep = pass(
                "sweep",
                server,
                options.sweepConcurrency(),
                0,
                n,
                i -> wire -> wire.send("GET", room.roomPath(), room.jwts()[i], "", null),
                (i, reply) -> {
                    if (reply.status() != 200) {
                        return false;
                    }
                    RoomPlan.Place place = RoomPlan.parse(reply.body());
                    places[i] = place.place();
                    states.computeIfAbsent(place.state(), k -> new LongAdder()).increment();
                    keepToken(room, i, reply);
                    return true;
                });
        out.println(passLine(sweep) + "  states "
                + new TreeMap<>(states)
                        .entrySet().stream()
                                .map(e -> e.getKey() + " " + e.getValue().sum())
                                .collect(Collectors.joining(", ")));
        RoomPlan.placeProblems(places).forEach(p -> notes.add("contract: " + p));
        Room sale = room.inOrder(RoomPlan.roomOrder(places));
        int[] pollOrder = shuffled(n, 17);

        // 3. rounds
        List<Window> windows = new ArrayList<>();
        boolean allFirstFrames = true;
        Duration warmup = Duration.ofSeconds(options.warmupSeconds());
        Duration window = Duration.ofSeconds(options.seconds());
        Duration inform = Duration.ofSeconds(options.informSeconds());
        if (options.joinWarmup() == 0 && options.initialWarmupSeconds() > 0) {
            Window w = buy(
                    0,
                    "W",
                    server,
                    sale,
                    null,
                    null,
                    Duration.ZERO,
                    Duration.ofSeconds(options.initialWarmupSeconds()));
            out.println("warm-up (not counted): " + line(w));
        }
        for (int round = 1; round <= options.rounds(); round++) {
            Window q = rest(round, "Q", server, null, null, inform);
            windows.add(q);
            out.println(line(q));
            Window a = buy(round, "A", server, sale, null, null, warmup, window);
            windows.add(a);
            out.println(line(a));

            long filesBefore = ProcStats.openFiles(server.pid());
            Storefronts storefronts = null;
            RoomPolls polls = null;
            try {
                if (options.subscribers() > 0) {
                    storefronts = openStorefronts(server, round, filesBefore);
                    allFirstFrames &= openings.getLast().complete();
                }
                Window f = rest(round, "F", server, storefronts, null, inform);
                windows.add(f);
                out.println(line(f));
                polls = RoomPolls.start(
                        server.base(),
                        Duration.ofSeconds(options.requestTimeoutSeconds()),
                        sale.roomPath(),
                        sale.jwts(),
                        pollOrder,
                        options.pollRate(),
                        options.pollConnections(),
                        sale.admissionTokens());
                Thread.sleep(POLL_LEAD.toMillis());
                Window p = rest(round, "P", server, storefronts, polls, inform);
                windows.add(p);
                out.println(line(p));
                Window b = buy(round, "B", server, sale, storefronts, polls, warmup, window);
                windows.add(b);
                out.println(line(b));
            } finally {
                if (polls != null) {
                    polls.close();
                    Map<String, Long> others = polls.others();
                    if (!others.isEmpty()) {
                        notes.add("round " + round + " polls not answered 200: " + others);
                    }
                }
                if (storefronts != null) {
                    storefronts.close();
                }
            }
            drain(server, filesBefore);
        }
        out.println();
        String summary = summary(join, bytesPerShopper, sweep, windows, pow);
        out.print(summary);
        if (options.output() != null) {
            try {
                Files.writeString(options.output(), summary, StandardCharsets.UTF_8);
                out.println("summary written to " + options.output());
            } catch (IOException e) {
                out.println("note: could not write " + options.output() + ": " + e);
            }
        }

        Settled settled = Settled.read(api, saleId, Duration.ofSeconds(options.settleSeconds()));
        Oversell.Result oversell =
                Oversell.compute(options.stock(), RoomPlan.PER_USER_LIMIT, List.copyOf(placed), settled.figures());
        oversell.notes().forEach(note -> out.println("note: " + note));
        if (settled.figures() == null) {
            out.println("note: stock unreadable (" + settled.problem() + "); oversold from answers only");
        }
        notes.forEach(note -> out.println("note: " + note));
        List<String> failures = new ArrayList<>();
        if (oversell.units() > 0) {
            failures.add("oversold " + oversell.units() + " units");
        }
        if (join.unexpected() > 0) {
            failures.add(join.unexpected() + " joins not answered 201/200");
        }
        if (sweep.unexpected() > 0) {
            failures.add(sweep.unexpected() + " places not answered 200");
        }
        if (!allFirstFrames) {
            failures.add("not every subscriber got its first frame");
        }
        if (!failures.isEmpty()) {
            out.println("ROOM: FAIL (" + String.join("; ", failures) + ")");
            return LoadDriver.FAIL;
        }
        out.println("ROOM: PASS (every shopper joined and got a place, every subscriber its first frame, nothing"
                + " oversold)");
        return LoadDriver.PASS;
    }

    private String[] names(String prefix, int n) {
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = prefix + stamp + "-" + i;
        }
        return names;
    }

    private static void mint(Room room, byte[] secret) {
        Instant minted = Instant.now();
        for (int i = 0; i < room.users().length; i++) {
            room.jwts()[i] = Tokens.mintJwt(secret, room.users()[i], minted);
        }
    }

    /** Keeps the admission token a room status of shopper {@code i} hands out, as the page would. */
    private static void keepToken(Room room, int i, Wire.Reply reply) {
        if (reply.status() == 200 || reply.status() == 201) {
            String token = RoomPlan.parse(reply.body()).admissionToken();
            if (token != null) {
                room.admissionTokens().compareAndSet(i, null, token);
            }
        }
    }

    private String createSale(Api api, String name, String skuPrefix, Instant now, Instant startsAt, int admitPerSecond)
            throws InterruptedException {
        Map<String, Object> room = new LinkedHashMap<>();
        room.put("opensAt", now.minusSeconds(1).toString());
        room.put("admitPerSecond", admitPerSecond);
        room.put("randomizeFor", "PT0S");
        room.put("admissionTtl", "PT1H");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("sku", skuPrefix + stamp.toUpperCase(Locale.ROOT));
        body.put("stock", options.stock());
        body.put("priceCents", 1000);
        body.put("startsAt", startsAt.toString());
        body.put("endsAt", startsAt.plus(Duration.ofHours(2)).toString());
        body.put("perUserLimit", RoomPlan.PER_USER_LIMIT);
        body.put("strategy", "REDIS_LUA");
        body.put("intake", "DIRECT");
        body.put("access", "WAITING_ROOM");
        body.put("waitingRoom", room);
        Api.Reply reply;
        try {
            reply = api.post("/api/admin/sales", launcher.adminToken(), body, Map.of());
        } catch (IOException e) {
            throw new SetupException("could not create the sale: " + e, e);
        }
        String id = Api.text(reply.body(), "id");
        if (reply.status() != 201 || id == null) {
            throw new SetupException("could not create the WAITING_ROOM sale (does this server have waiting rooms,"
                    + " docs/fair-drops.md?): POST /api/admin/sales -> " + reply.describe());
        }
        if (!"WAITING_ROOM".equals(Api.text(reply.body(), "access"))) {
            notes.add("contract: the created sale answered access " + Api.text(reply.body(), "access")
                    + ", not WAITING_ROOM");
        }
        return id;
    }

    /** What a closed-loop worker does with shopper {@code i}: one request over the wire it is given. */
    @FunctionalInterface
    private interface Call {
        Wire.Reply on(Wire wire);
    }

    /** Judges the answer for shopper {@code i}: true when it is what the pass expects. */
    @FunctionalInterface
    private interface Check {
        boolean ok(int shopper, Wire.Reply reply);
    }

    /**
     * Shoppers 0..n-1 one request each, {@code concurrency} at a time over keep-alive connections; the first
     * {@code warmup} are not measured. Server and Redis CPU are read when the warm-up is done and at the end.
     */
    private Pass pass(
            String name, ServerProcess server, int concurrency, int warmup, int n, IntFunction<Call> call, Check check)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger warmDone = new AtomicInteger();
        CountDownLatch warm = new CountDownLatch(1);
        if (warmup == 0) {
            warm.countDown();
        }
        Histogram latency = new ConcurrentHistogram(3);
        Map<String, LongAdder> answers = new ConcurrentHashMap<>();
        LongAdder unexpected = new LongAdder();
        CountDownLatch done = new CountDownLatch(concurrency);
        Sample[] first = new Sample[1];
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            threads.add(Thread.ofVirtual().start(() -> {
                Wire wire = new Wire(server.base(), Duration.ofSeconds(options.requestTimeoutSeconds()));
                try {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        if (i >= warmup) {
                            try {
                                warm.await(); // the measured requests wait until the warm-up's have all come back
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                        long sentAt = System.nanoTime();
                        try {
                            Wire.Reply reply = call.apply(i).on(wire);
                            long micros = Math.max(1, (System.nanoTime() - sentAt) / 1_000);
                            String kind = TimedLoop.kind(new Burst.Outcome(reply.status(), reply.code(), null));
                            answers.computeIfAbsent(kind, k -> new LongAdder()).increment();
                            if (!check.ok(i, reply)) {
                                unexpected.increment();
                            } else if (i >= warmup) {
                                latency.recordValue(micros);
                            }
                        } catch (RuntimeException e) {
                            // an answer this bench cannot read counts as unexpected; the pass goes on
                            answers.computeIfAbsent("unreadable " + e.getClass().getSimpleName(), k -> new LongAdder())
                                    .increment();
                            unexpected.increment();
                        }
                        if (i < warmup && warmDone.incrementAndGet() == warmup) {
                            first[0] = sample(server, null, null);
                            warm.countDown();
                        }
                    }
                } finally {
                    wire.close();
                    done.countDown();
                }
            }));
        }
        if (warmup == 0) {
            first[0] = sample(server, null, null);
        }
        done.await();
        Sample last = sample(server, null, null);
        for (Thread t : threads) {
            t.join();
        }
        long measured = (long) n - warmup;
        double seconds = (last.nanos() - first[0].nanos()) / 1e9;
        double serverCpu = (last.serverTicks() - first[0].serverTicks()) / ProcStats.TICKS_PER_SECOND;
        double redisCpu = last.redisCpuSeconds() - first[0].redisCpuSeconds();
        boolean any = latency.getTotalCount() > 0;
        Map<String, Long> counts = new TreeMap<>();
        answers.forEach((k, v) -> counts.put(k, v.sum()));
        return new Pass(
                name,
                measured,
                measured / seconds,
                any ? latency.getValueAtPercentile(50) / 1000.0 : Double.NaN,
                any ? latency.getValueAtPercentile(99) / 1000.0 : Double.NaN,
                serverCpu * 1e6 / measured,
                redisCpu * 1e6 / measured,
                counts,
                unexpected.sum());
    }

    /** A window without purchases: the crowd at rest (Q), with streams (F), with streams and polls (P). */
    private Window rest(
            int round, String name, ServerProcess server, Storefronts storefronts, RoomPolls polls, Duration window)
            throws InterruptedException {
        if (polls != null) {
            polls.latencySinceLastCall();
        }
        Sample s1 = sample(server, storefronts, polls);
        Thread.sleep(window.toMillis());
        Sample s2 = sample(server, storefronts, polls);
        return window(round, name, server, s1, s2, storefronts, polls, null, List.of());
    }

    /** Purchases by admitted shoppers: warm-up and measured window, with /proc and Redis read at the window's edges. */
    private Window buy(
            int round,
            String name,
            ServerProcess server,
            Room room,
            Storefronts storefronts,
            RoomPolls polls,
            Duration warmup,
            Duration window)
            throws InterruptedException {
        String runId = stamp + "r" + round + name;
        int buyers = options.concurrency();
        String headerPrefix = "Admission-Token: ";
        TimedLoop.Request purchase = index -> {
            long g = room.purchases().getAndIncrement();
            int at = RoomPlan.buyerPlace(g, buyers, RoomPlan.PER_USER_LIMIT);
            if (at >= room.order().length) {
                return new Burst.Outcome(Burst.Outcome.NOT_SENT, "every admitted shopper bought their limit", null);
            }
            int shopper = room.order()[at];
            Wire wire = wires.poll();
            if (wire == null) {
                wire = new Wire(server.base(), Duration.ofSeconds(options.requestTimeoutSeconds()));
            }
            try {
                String admission = room.admissionTokens().get(shopper);
                if (admission == null) {
                    keepToken(room, shopper, wire.send("GET", room.roomPath(), room.jwts()[shopper], "", null));
                    admission = room.admissionTokens().get(shopper);
                    if (admission == null) {
                        return new Burst.Outcome(
                                Burst.Outcome.NOT_SENT, "place " + (at + 1) + " not let through yet", null);
                    }
                }
                Burst.Outcome outcome = wire.post(
                        room.purchasePath(),
                        room.jwts()[shopper],
                        runId + "-" + index,
                        headerPrefix + admission + "\r\n",
                        ONE_UNIT);
                if (outcome.ordered() && room.placed() != null) {
                    room.placed().add(new Oversell.Placed(room.users()[shopper], outcome.orderId(), 1));
                }
                return outcome;
            } finally {
                wires.add(wire);
            }
        };
        Deadline deadline = Deadline.in(warmup.plus(window).plusSeconds(options.requestTimeoutSeconds() + 30L));
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        ScheduledFuture<Sample> first = sampler.schedule(
                () -> {
                    if (polls != null) {
                        polls.latencySinceLastCall();
                    }
                    return sample(server, storefronts, polls);
                },
                warmup.toNanos(),
                TimeUnit.NANOSECONDS);
        ScheduledFuture<Sample> last = sampler.schedule(
                () -> sample(server, storefronts, polls), warmup.plus(window).toNanos(), TimeUnit.NANOSECONDS);
        TimedLoop.Result result = TimedLoop.run(
                options.concurrency(), warmup, window, Long.MAX_VALUE, status -> status == 201, purchase, deadline);
        Sample s1;
        Sample s2;
        try {
            s1 = first.get();
            s2 = last.get(Math.max(1, deadline.remaining().toMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new SetupException("cannot read /proc or Redis: " + e, e);
        } finally {
            sampler.shutdownNow();
        }
        List<String> windowNotes = new ArrayList<>();
        if (result.cutShort()) {
            windowNotes.add("cut short: the window lasted " + String.format(Locale.ROOT, "%.1f s", result.seconds()));
        }
        Map<String, Long> others = result.failures(status -> status == 201);
        if (!others.isEmpty()) {
            windowNotes.add("not every answer was a 201: "
                    + others.entrySet().stream()
                            .map(e -> e.getKey() + " x" + e.getValue())
                            .collect(Collectors.joining(", ")));
        }
        return window(round, name, server, s1, s2, storefronts, polls, result, windowNotes);
    }

    private Window window(
            int round,
            String name,
            ServerProcess server,
            Sample s1,
            Sample s2,
            Storefronts storefronts,
            RoomPolls polls,
            TimedLoop.Result purchases,
            List<String> windowNotes) {
        List<String> notesOfWindow = new ArrayList<>(windowNotes);
        double seconds = (s2.nanos() - s1.nanos()) / 1e9;
        double serverCpu = (s2.serverTicks() - s1.serverTicks()) / ProcStats.TICKS_PER_SECOND;
        double benchCpu = (s2.benchTicks() - s1.benchTicks()) / ProcStats.TICKS_PER_SECOND;
        long machineTotal = s2.machine().total() - s1.machine().total();
        long machineIdle = s2.machine().idle() - s1.machine().idle();
        int cores = Runtime.getRuntime().availableProcessors();
        double machineBusy = machineTotal <= 0 ? Double.NaN : cores * (1.0 - (double) machineIdle / machineTotal);
        int subscribers = 0;
        double framesPerSecond = Double.NaN;
        double clientCores = Double.NaN;
        if (storefronts != null) {
            Storefronts.Snapshot f1 = s1.frames();
            Storefronts.Snapshot f2 = s2.frames();
            subscribers = (int) (f2.firstFrames() - f2.closedByServer() - f2.failed());
            framesPerSecond = (f2.frames() - f1.frames()) / seconds;
            clientCores = (s2.clientCpuNanos() - s1.clientCpuNanos()) / 1e9 / seconds;
            if (f2.closedByServer() > 0 || f2.failed() > 0) {
                notesOfWindow.add(
                        f2.closedByServer() + " subscribers closed by the server, " + f2.failed() + " failed");
            }
        }
        double pollsPerSecond = Double.NaN;
        double pollP99 = Double.NaN;
        long dropped = 0;
        if (polls != null) {
            pollsPerSecond = (s2.polls().ok() - s1.polls().ok()) / seconds;
            dropped = s2.polls().dropped() - s1.polls().dropped();
            Histogram h = polls.latencySinceLastCall();
            pollP99 = h.getTotalCount() > 0 ? h.getValueAtPercentile(99) / 1000.0 : Double.NaN;
            if (dropped > 0) {
                notesOfWindow.add(dropped + " polls dropped (no free connection within 1 s of their due time)");
            }
        }
        if (!server.alive()) {
            notesOfWindow.add("the server exited during this window (see its log)");
        }
        boolean buying = purchases != null && purchases.latencyMicros().getTotalCount() > 0;
        return new Window(
                round,
                name,
                serverCpu / seconds,
                (s2.redisCpuSeconds() - s1.redisCpuSeconds()) / seconds,
                benchCpu / seconds,
                clientCores,
                machineBusy,
                purchases == null ? Double.NaN : purchases.successRate(),
                buying ? purchases.latencyMicros().getValueAtPercentile(50) / 1000.0 : Double.NaN,
                buying ? purchases.latencyMicros().getValueAtPercentile(99) / 1000.0 : Double.NaN,
                subscribers,
                framesPerSecond,
                pollsPerSecond,
                pollP99,
                dropped,
                ProcStats.rssKib(server.pid()) / 1024.0,
                ProcStats.openFiles(server.pid()),
                String.join("; ", notesOfWindow));
    }

    private Storefronts openStorefronts(ServerProcess server, int round, long filesBefore) throws InterruptedException {
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
        Storefronts.Opening opening =
                storefronts.awaitOpen(options.subscribers(), started, Duration.ofSeconds(options.openSeconds()));
        openings.add(opening);
        out.printf(
                Locale.ROOT,
                "round %d open  %,d of %,d streams got their first event:sales frame in %.2f s%s; server RSS %.0f"
                        + " MiB, open files %,d (%,d before)%n",
                round,
                opening.firstFrames(),
                opening.wanted(),
                opening.took().toNanos() / 1e9,
                opening.failed() > 0
                        ? ", " + opening.failed() + " failed (last: " + storefronts.lastFailure() + ")"
                        : "",
                ProcStats.rssKib(server.pid()) / 1024.0,
                ProcStats.openFiles(server.pid()),
                filesBefore);
        if (!opening.complete()) {
            notes.add("round " + round + ": only " + opening.firstFrames() + " of " + opening.wanted()
                    + " streams got their first frame");
        }
        return storefronts;
    }

    /** The streams are reset; the server notices at its next frame: waits until its open files are back. */
    private void drain(ServerProcess server, long filesBefore) throws InterruptedException {
        long t0 = System.nanoTime();
        Deadline until = Deadline.in(DRAIN);
        long files = ProcStats.openFiles(server.pid());
        while (files > filesBefore + 50 && !until.expired()) {
            Thread.sleep(500);
            files = ProcStats.openFiles(server.pid());
        }
        out.printf(
                Locale.ROOT,
                "        closed the streams and polls; the server's open files are %,d after %.1f s (%,d before)%n",
                files,
                (System.nanoTime() - t0) / 1e9,
                filesBefore);
    }

    private Sample sample(ServerProcess server, Storefronts storefronts, RoomPolls polls) {
        return new Sample(
                System.nanoTime(),
                ProcStats.cpuTicks(Long.toString(server.pid())),
                ProcStats.cpuTicks("self"),
                ProcStats.machine(),
                redisCpuSeconds(),
                storefronts == null ? 0 : storefronts.cpuNanos(),
                storefronts == null ? new Storefronts.Snapshot(0, 0, 0, 0, 0, 0) : storefronts.snapshot(),
                polls == null ? new RoomPolls.Snapshot(0, 0, 0, 0) : polls.snapshot());
    }

    /** Redis's CPU time so far (user + system, seconds), NaN when it cannot be read. */
    private double redisCpuSeconds() {
        Map<String, String> cpu =
                RedisKeys.info(options.server().redisHost(), options.server().redisPort(), "cpu");
        try {
            return Double.parseDouble(cpu.get("used_cpu_user")) + Double.parseDouble(cpu.get("used_cpu_sys"));
        } catch (NullPointerException | NumberFormatException e) {
            return Double.NaN;
        }
    }

    private long redisLong(String section, String field) {
        String value = RedisKeys.info(
                        options.server().redisHost(), options.server().redisPort(), section)
                .get(field);
        try {
            return value == null ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    static String passLine(Pass p) {
        return String.format(
                Locale.ROOT,
                "%-6s        %,d measured at %,.0f/s  p50 %.1f ms  p99 %.1f ms  server %.0f µs each  Redis %.0f µs"
                        + " each  answers %s",
                p.name(),
                p.measured(),
                p.perSecond(),
                p.p50(),
                p.p99(),
                p.serverMicrosEach(),
                p.redisMicrosEach(),
                p.answers());
    }

    static String line(Window w) {
        StringBuilder s = new StringBuilder(String.format(
                Locale.ROOT,
                "round %d %s  server %4.2f cores  Redis %4.2f cores  bench %4.2f cores  machine busy %4.2f  RSS %5.0f"
                        + " MiB  files %,6d",
                w.round(),
                w.name(),
                w.serverCores(),
                w.redisCores(),
                w.benchCores(),
                w.machineBusyCores(),
                w.rssMib(),
                w.serverFiles()));
        if (!Double.isNaN(w.purchasesPerSecond())) {
            s.append(String.format(
                    Locale.ROOT,
                    "  purchases/s %,7.0f  p50 %5.1f ms  p99 %6.1f ms",
                    w.purchasesPerSecond(),
                    w.p50(),
                    w.p99()));
        }
        if (!Double.isNaN(w.framesPerSecond())) {
            s.append(String.format(
                    Locale.ROOT,
                    "  streams %,d  frames/s %,.0f  stream threads %.3f cores",
                    w.subscribers(),
                    w.framesPerSecond(),
                    w.clientCores()));
        }
        if (!Double.isNaN(w.pollsPerSecond())) {
            s.append(String.format(Locale.ROOT, "  polls/s %,.0f  poll p99 %.1f ms", w.pollsPerSecond(), w.pollP99()));
        }
        return w.notes().isEmpty() ? s.toString() : s + "\n        " + w.notes();
    }

    /** Server CPU (µs) per push frame of each round: (F - Q) / frames. */
    static double[] microsPerFrame(List<Window> windows) {
        return perRound(windows, "F", "Q", Window::framesPerSecond);
    }

    /** Server CPU (µs) per poll of each round: (P - F) / polls. */
    static double[] microsPerPoll(List<Window> windows) {
        return perRound(windows, "P", "F", Window::pollsPerSecond);
    }

    /** Per round, the server's extra cores of window {@code with} over {@code without}, in µs per event of it. */
    private static double[] perRound(
            List<Window> windows, String with, String without, ToDoubleFunction<Window> eventsPerSecond) {
        return rounds(windows).stream()
                .mapToDouble(round -> {
                    Window w = find(windows, round, with);
                    Window wo = find(windows, round, without);
                    if (w == null || wo == null) {
                        return Double.NaN;
                    }
                    double events = eventsPerSecond.applyAsDouble(w);
                    return events > 0 ? (w.serverCores() - wo.serverCores()) * 1e6 / events : Double.NaN;
                })
                .toArray();
    }

    /** Per round, the server's cores in window {@code with} minus those in {@code without}. */
    static double[] delta(List<Window> windows, String with, String without) {
        return rounds(windows).stream()
                .mapToDouble(round -> {
                    Window w = find(windows, round, with);
                    Window wo = find(windows, round, without);
                    return w == null || wo == null ? Double.NaN : w.serverCores() - wo.serverCores();
                })
                .toArray();
    }

    /** B/A purchases per second of each round. */
    static double[] purchaseRatios(List<Window> windows) {
        return rounds(windows).stream()
                .mapToDouble(round -> {
                    Window a = find(windows, round, "A");
                    Window b = find(windows, round, "B");
                    return a == null || b == null ? Double.NaN : b.purchasesPerSecond() / a.purchasesPerSecond();
                })
                .toArray();
    }

    private static List<Integer> rounds(List<Window> windows) {
        return windows.stream().map(Window::round).distinct().sorted().toList();
    }

    private static Window find(List<Window> windows, int round, String name) {
        return windows.stream()
                .filter(w -> w.round() == round && w.name().equals(name))
                .findFirst()
                .orElse(null);
    }

    private static double median(List<Window> windows, String name, ToDoubleFunction<Window> value) {
        return SubscribersDriver.median(windows.stream()
                .filter(w -> w.name().equals(name))
                .mapToDouble(value)
                .toArray());
    }

    /** The run as Markdown: the joins, the sweep, the windows' medians, the costs per frame and poll, B/A. */
    String summary(Pass join, double bytesPerShopper, Pass sweep, List<Window> windows, ProofOfWorkCost.Result pow) {
        int n = options.shoppers();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "| %,d shoppers join the room | |%n| --- | ---: |%n", n));
        s.append(String.format(
                Locale.ROOT,
                "| joins per second (closed loop at %d, after %,d warm-up joins elsewhere) | %,.0f |%n",
                options.joinConcurrency(),
                options.joinWarmup(),
                join.perSecond()));
        s.append(String.format(Locale.ROOT, "| join latency p50 / p99 | %.1f / %.1f ms |%n", join.p50(), join.p99()));
        s.append(String.format(Locale.ROOT, "| server CPU per join | %.0f µs |%n", join.serverMicrosEach()));
        s.append(String.format(Locale.ROOT, "| Redis CPU per join | %.0f µs |%n", join.redisMicrosEach()));
        s.append(String.format(Locale.ROOT, "| Redis memory per waiting shopper | %.0f bytes |%n", bytesPerShopper));
        s.append(String.format(
                Locale.ROOT,
                "| every place read once (GET room, closed loop at %d) | %,.0f/s, server %.0f µs and Redis %.0f µs"
                        + " each |%n",
                options.sweepConcurrency(),
                sweep.perSecond(),
                sweep.serverMicrosEach(),
                sweep.redisMicrosEach()));
        s.append('\n');

        s.append("| window (median of ")
                .append(options.rounds())
                .append(" rounds) | server cores | Redis cores |"
                        + " bench cores | machine busy | purchases/s | p99 ms | frames/s | polls/s |\n");
        s.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        String[][] names = {
            {"Q", "Q: the crowd waits, nobody asks"},
            {"A", "A: admitted shoppers buy"},
            {"F", String.format(Locale.ROOT, "F: %,d hold the storefront stream", options.subscribers())},
            {"P", String.format(Locale.ROOT, "P: F + polls (each shopper every %d s)", options.pollEverySeconds())},
            {"B", "B: P + the purchases of A"}
        };
        for (String[] name : names) {
            s.append(String.format(
                    Locale.ROOT,
                    "| %s | %.2f | %.2f | %.2f | %.2f | %s | %s | %s | %s |%n",
                    name[1],
                    median(windows, name[0], Window::serverCores),
                    median(windows, name[0], Window::redisCores),
                    median(windows, name[0], Window::benchCores),
                    median(windows, name[0], Window::machineBusyCores),
                    figure(median(windows, name[0], Window::purchasesPerSecond), "%,.0f"),
                    figure(median(windows, name[0], Window::p99), "%.1f"),
                    figure(median(windows, name[0], Window::framesPerSecond), "%,.0f"),
                    figure(median(windows, name[0], Window::pollsPerSecond), "%,.0f")));
        }
        s.append('\n');
        double[] frame = microsPerFrame(windows);
        double[] poll = microsPerPoll(windows);
        double[] ratio = purchaseRatios(windows);
        double frameMicros = SubscribersDriver.median(frame);
        double pollMicros = SubscribersDriver.median(poll);
        s.append(String.format(
                Locale.ROOT,
                "server CPU per push frame (F - Q): %s µs (per round %s)%n",
                figure(frameMicros, "%.1f"),
                list(frame, "%.1f")));
        s.append(String.format(
                Locale.ROOT,
                "server CPU per poll of GET room (P - F): %s µs (per round %s)%n",
                figure(pollMicros, "%.0f"),
                list(poll, "%.0f")));
        double polls = median(windows, "P", Window::pollsPerSecond);
        double frames = median(windows, "F", Window::framesPerSecond);
        s.append(String.format(
                Locale.ROOT,
                "keeping the %,d waiting shoppers informed, as measured: polls at %,.0f/s (offered %,.0f/s: each"
                        + " shopper every %d s) took %.2f cores (P - F); %,d open streams got %,.0f frames/s (each"
                        + " stream a frame every %.1f s) for %.2f cores (F - Q)%n",
                n,
                polls,
                options.pollRate(),
                options.pollEverySeconds(),
                SubscribersDriver.median(delta(windows, "P", "F")),
                options.subscribers(),
                frames,
                frames > 0 ? options.subscribers() / frames : Double.NaN,
                SubscribersDriver.median(delta(windows, "F", "Q"))));
        double[] sorted =
                Arrays.stream(ratio).filter(r -> !Double.isNaN(r)).sorted().toArray();
        s.append(String.format(
                Locale.ROOT,
                "B/A purchases/s with the waiting crowd over without: %.3f of the medians; per round %s (median %.3f,"
                        + " %s)%n",
                median(windows, "B", Window::purchasesPerSecond) / median(windows, "A", Window::purchasesPerSecond),
                list(ratio, "%.3f"),
                SubscribersDriver.median(ratio),
                sorted.length == 0
                        ? "no round"
                        : String.format(Locale.ROOT, "%.3f–%.3f", sorted[0], sorted[sorted.length - 1])));
        s.append(String.format(
                Locale.ROOT,
                "opening %,d streams (to the last first frame): %s s%n",
                options.subscribers(),
                openings.stream()
                        .map(o -> String.format(Locale.ROOT, "%.2f", o.took().toNanos() / 1e9)
                                + (o.complete() ? "" : " (" + o.firstFrames() + " only)"))
                        .collect(Collectors.joining(", "))));
        s.append(String.format(
                Locale.ROOT,
                "proof of work: checking one answer costs %.2f µs (SHA-256 of %d bytes and the zero-bit count,"
                        + " measured in the bench's JVM)%n",
                pow.nanosPerCheck() / 1_000,
                pow.inputBytes()));
        return s.toString();
    }

    private static String figure(double value, String format) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, format, value);
    }

    private static String list(double[] values, String format) {
        return Arrays.stream(values).mapToObj(v -> figure(v, format)).collect(Collectors.joining(", "));
    }
}
