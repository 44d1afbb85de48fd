package io.stampede;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.testsupport.Http;
import io.stampede.testsupport.NginxEdge;
import io.stampede.testsupport.RedisClusterProcess;
import io.stampede.testsupport.ServiceProcess;
import io.stampede.testsupport.SseClient;
import io.stampede.testsupport.TestServices;
import io.stampede.testsupport.Together;
import io.stampede.turn.domain.DrawOrder;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Stampede scaled out as the README's "From one instance to many" describes: three instances of the jar ({@code java
 * -jar}) behind the shipped nginx edge, sharing one database and a Redis Cluster of three masters with a replica
 * each, all on loopback. Bursts of shoppers spread over the instances while the faults of a real sale strike in the
 * middle: a Redis master dies and its replica takes over, an instance is killed with SIGKILL, an instance is
 * stopped and started again. Shoppers behave as the storefront does: they retry a 429, a 503 or a lost answer with
 * the same Idempotency-Key. After each: nothing oversold, nobody above the limit, every acknowledged order present,
 * the gate and the database agree after reconciliation, and the rest of the stock sells to the last unit.
 *
 * <p>Where no nginx is installed (CI installs one), the shoppers spread themselves over the instances instead.
 */
@Tag("scale-out")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleOutIT {
    private static final String ADMIN = "scale-out-admin-token-0123456789";
    private static final String JWT_SECRET = "scale-out-jwt-secret-0123456789-0123456789";
    private static final String PAYMENT_SECRET = "scale-out-payment-secret-0123456789-0123";
    private static final int INSTANCES = 3;
    private static final String BUY = "{\"quantity\":1}";

    @TempDir
    static Path workDir;

    private RedisClusterProcess cluster;
    private @Nullable NginxEdge edge;
    private final ServiceProcess[] instances = new ServiceProcess[INSTANCES];
    private final int[] ports = new int[INSTANCES];
    private Map<String, String> env;
    private String keyPrefix;
    private int starts;
    /** The edge alone, or each instance. */
    private Http[] through;

    @BeforeAll
    void scaleOut() throws Exception {
        cluster = RedisClusterProcess.start(3, 1);
        TestServices services = TestServices.get();
        keyPrefix = services.newKeyPrefix();
        env = new HashMap<>();
        env.put("SPRING_DATASOURCE_URL", services.newDatabase());
        env.put("SPRING_DATASOURCE_USERNAME", services.user());
        env.put("SPRING_DATA_REDIS_CLUSTER_NODES", cluster.nodes());
        env.put("STAMPEDE_REDIS_KEY_PREFIX", keyPrefix);
        env.put("STAMPEDE_ADMIN_TOKEN", ADMIN);
        env.put("STAMPEDE_JWT_SECRET", JWT_SECRET);
        env.put("STAMPEDE_PAYMENT_SECRET", PAYMENT_SECRET);
        env.put("STAMPEDE_DEMO_LOGIN", "true");
        env.put("STAMPEDE_ADMISSION_PER_USER_PER_SECOND", "100000");
        // a dead instance's Stream entries are taken over by the others after this long
        env.put("STAMPEDE_INTAKE_RECLAIM_IDLE", "3s");
        env.put("STAMPEDE_RECONCILIATION_INTERVAL", "5s");
        for (int i = 0; i < INSTANCES; i++) {
            ports[i] = TestServices.freePort();
        }
        // one after the other: the first migrates the schema, and three JVMs starting at once on two cores crawl
        for (int i = 0; i < INSTANCES; i++) {
            start(i);
        }
        if (NginxEdge.binary().isPresent()) {
            edge = NginxEdge.start(
                    NginxEdge.Limits.none(), Arrays.stream(ports).boxed().toList());
            through = new Http[] {edge.http()};
        } else {
            through = Arrays.stream(ports)
                    .mapToObj(p -> new Http("http://127.0.0.1:" + p))
                    .toArray(Http[]::new);
        }
    }

    @AfterEach
    void everyInstanceAndNodeRuns() throws Exception {
        cluster.startAllAgain();
        for (int i = 0; i < INSTANCES; i++) {
            if (instances[i] == null || !instances[i].process().isAlive()) {
                start(i);
            }
        }
    }

    @AfterAll
    void scaleIn() throws Exception {
        if (edge != null) {
            edge.close();
        }
        for (ServiceProcess instance : instances) {
            if (instance != null) {
                instance.kill();
                instance.awaitExit(Duration.ofSeconds(20));
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void start(int i) throws InterruptedException {
        starts++;
        instances[i] = ServiceProcess.start(workDir, "instance-" + i + "-" + starts, ports[i], env)
                .awaitHealthy();
    }

    @Test
    void directPurchasesSellExactlyTheStockThroughAMasterFailoverAndAKilledInstance() throws Exception {
        String sale = openSale("failover-direct", 300, "REDIS_LUA", "DIRECT");
        Burst burst = burst(sale, "fd", 1_200, () -> {
            Thread.sleep(1_500);
            cluster.failOver(gateKey(sale));
            instances[1].kill();
        });
        assertThat(burst.acknowledged()).isNotEmpty();
        // the issue's observation: after the failover a second burst must still buy
        Burst second = burst(sale, "fd2", 600, null);
        if (burst.acknowledged().size() < 300) {
            assertThat(second.acknowledged()).as("bought after the failover").isNotEmpty();
        }
        Map<String, String> all = new HashMap<>(burst.acknowledged());
        all.putAll(second.acknowledged());
        keepsEveryPromise(sale, 300, all, burst.tokens(), second.tokens());
    }

    @Test
    void aHotSaleInThreeSegmentsSellsExactlyOnThreeMastersAndSellsCancelledUnitsAgain() throws Exception {
        String sale = openSale("hot", 300, "REDIS_LUA", "DIRECT", 3);
        Burst burst = burst(sale, "hot", 900, null);
        // one segment per master, and buyers at home in every one of them
        assertThat(cluster.mastersHolding(keyPrefix + "{sale:" + sale + "*}:gate"))
                .as("a segment on each master")
                .hasSize(3);
        assertThat(cluster.mastersHolding(keyPrefix + "{sale:" + sale + "*}:users"))
                .as("buyers in every segment")
                .hasSize(3);
        // thirty buyers cancel: their units go back to their home segments, and the rest of the sale sells them
        Map<String, String> kept = new HashMap<>(burst.acknowledged());
        List<String> cancelled = new ArrayList<>(kept.keySet()).subList(0, 30);
        for (String order : cancelled) {
            Http.Response r = http(0, 0).post("/api/orders/" + order + "/cancel", kept.remove(order), "");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        keepsEveryPromise(sale, 300, kept, burst.tokens());
    }

    @Test
    void queuedIntakeOnStreamsLosesNothingWhenAnInstanceIsKilledAndRestarted() throws Exception {
        String sale = openSale("queued-streams", 200, "REDIS_LUA", "QUEUED");
        Burst burst = burst(sale, "qs", 800, () -> {
            Thread.sleep(1_200);
            instances[2].kill();
            instances[2].awaitExit(Duration.ofSeconds(20));
            start(2);
        });
        keepsEveryPromise(sale, 200, burst.acknowledged(), burst.tokens());
    }

    @Test
    void tokenQueueAndRedisLockSellExactlyAcrossInstancesThroughAFailoverAndARestart() throws Exception {
        String tokens = openSale("tokens", 150, "TOKEN_QUEUE", "DIRECT");
        String lock = openSale("lock", 100, "REDIS_LOCK", "DIRECT");
        List<Callable<Burst>> both = List.of(
                () -> burst(tokens, "tq", 500, () -> {
                    Thread.sleep(1_000);
                    cluster.failOver(keyPrefix + "{sale:" + tokens + "}:tokens");
                }),
                () -> burst(lock, "rl", 400, () -> {
                    Thread.sleep(1_500);
                    instances[0].stop(); // graceful: it finishes what it took
                    start(0);
                }));
        List<Burst> done = Together.run(both);
        keepsEveryPromise(tokens, 150, done.get(0).acknowledged(), done.get(0).tokens());
        keepsEveryPromise(lock, 100, done.get(1).acknowledged(), done.get(1).tokens());
    }

    @Test
    void aCouponCampaignIssuesExactlyItsQuantityThroughAMasterFailover() throws Exception {
        Instant now = Instant.now();
        Http.Response created = http(0, 0)
                .post(
                        "/api/admin/coupon-campaigns",
                        ADMIN,
                        "{\"name\":\"scale-out coupons\",\"quantity\":100,\"perUserLimit\":1,\"startsAt\":\""
                                + now.minusSeconds(5) + "\",\"endsAt\":\"" + now.plusSeconds(3600)
                                + "\",\"discountCents\":500}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String campaign = created.json().path("id").asString();
        String path = "/api/coupon-campaigns/" + campaign + "/claims";
        Burst burst = attempts(path, "cc", 400, () -> {
            Thread.sleep(1_000);
            cluster.failOver(keyPrefix + "{campaign:" + campaign + "}:gate");
        });
        // every claimant holds at most one coupon, every acknowledged coupon is held
        Map<String, String> holderOf = new HashMap<>();
        for (String token : burst.tokens()) {
            JsonNode items = http(0, 0).get("/api/me/coupons", token).json().path("items");
            List<String> mine = new ArrayList<>();
            items.forEach(c -> {
                if (campaign.equals(c.path("campaignId").asString())) {
                    mine.add(c.path("couponId").asString());
                }
            });
            assertThat(mine).as("coupons of one claimant").hasSizeLessThanOrEqualTo(1);
            mine.forEach(id -> holderOf.put(id, token));
        }
        assertThat(holderOf.keySet()).containsAll(burst.acknowledged().keySet());
        assertThat(holderOf).hasSizeLessThanOrEqualTo(100);
        // and the rest is issued to the last coupon, not one more
        int more = claimTheRest(path, 100 - holderOf.size());
        assertThat(holderOf.size() + more).isEqualTo(100);
        JsonNode figures =
                http(0, 0).get("/api/coupon-campaigns/" + campaign, null).json();
        assertThat(figures.path("issued").asLong()).as(figures.toString()).isEqualTo(100);
        assertThat(figures.path("remaining").asLong()).isZero();
    }

    /** Shoppers of one burst: their tokens, and what was acknowledged to them (order or coupon id → token). */
    record Burst(List<String> tokens, Map<String, String> acknowledged) {}

    @Test
    void oneInstancesDashboardCountsTheAttemptsOfEveryInstanceAndAnotherPushesTheSoldOutSale() throws Exception {
        String sale = openSale("watched", 40, "REDIS_LUA", "DIRECT");
        int shoppers = 120;
        List<String> tokens = new ArrayList<>();
        for (int u = 0; u < shoppers; u++) {
            tokens.add(login("watched-" + u));
        }
        try (SseClient dashboard = SseClient.open("http://127.0.0.1:" + ports[0], "/api/admin/stream", ADMIN);
                SseClient storefront = SseClient.open("http://127.0.0.1:" + ports[2], "/api/stream/sales", null)) {
            assertThat(dashboard.status()).isEqualTo(200);
            assertThat(storefront.status()).isEqualTo(200);
            // one request per shopper and no retry: each answer is exactly one attempt, made on whichever instance
            // the edge (round robin) or the shopper's turn chose
            List<Callable<Object>> tasks = new ArrayList<>();
            for (int u = 0; u < shoppers; u++) {
                int shopper = u;
                tasks.add(() -> {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(2_000));
                    Http.Response r = http(shopper, 0)
                            .post(
                                    "/api/sales/" + sale + "/purchases",
                                    tokens.get(shopper),
                                    BUY,
                                    "Idempotency-Key",
                                    "w-" + shopper);
                    return r.status() + " " + r.code();
                });
            }
            List<Object> answers = Together.run(tasks);
            long placed =
                    answers.stream().filter(a -> a.toString().startsWith("201")).count();
            long soldOut = answers.stream()
                    .filter(a -> a.toString().contains("SOLD_OUT"))
                    .count();
            long limited =
                    answers.stream().filter(a -> a.toString().startsWith("429")).count();
            assertThat(placed).isEqualTo(40);
            assertThat(placed + soldOut + limited).as(answers.toString()).isEqualTo(shoppers);

            Map<Long, JsonNode> perSecond = new ConcurrentHashMap<>();
            dashboard.await("every instance's attempts in the dashboard of one", e -> {
                for (SseClient.Event frame : dashboard.events()) {
                    for (JsonNode line : frame.data().path("sales")) {
                        if (line.path("id").asString().equals(sale)) {
                            perSecond.put(frame.data().path("second").asLong(), line.path("attempts"));
                        }
                    }
                }
                return sum(perSecond, "placed") == placed
                        && sum(perSecond, "sold_out") == soldOut
                        && sum(perSecond, "rate_limited") == limited;
            });
            storefront.await(
                    "the sale pushed as sold out by an instance that sold little of it",
                    e -> e.data().toString().contains("\"id\":\"" + sale + "\"")
                            && saleState(e.data(), sale).equals("SOLD_OUT"));
        }
    }

    private static long sum(Map<Long, JsonNode> perSecond, String outcome) {
        return perSecond.values().stream()
                .mapToLong(a -> a.path(outcome).asLong())
                .sum();
    }

    private static String saleState(JsonNode frame, String sale) {
        for (JsonNode item : frame.path("items")) {
            if (item.path("id").asString().equals(sale)) {
                return item.path("state").asString();
            }
        }
        return "";
    }

    @Test
    void aWaitingRoomKeepsEveryPlaceAcrossInstancesAndOneKilledAndSellsExactlyItsStock() throws Exception {
        int shoppers = 240;
        int stock = 80;
        List<String> tokens = new ArrayList<>();
        for (int u = 0; u < shoppers; u++) {
            tokens.add(login("room-" + u));
        }
        Instant now = Instant.now();
        Instant startsAt = now.plusSeconds(10);
        String sale = turnSale(
                        "room",
                        stock,
                        startsAt,
                        "\"access\":\"WAITING_ROOM\",\"waitingRoom\":{\"opensAt\":\"" + now.minusSeconds(1)
                                + "\",\"admitPerSecond\":60,\"admissionTtl\":\"PT5M\"}")
                .path("id")
                .asString();
        // everyone joins before the opening, each through an instance of its own (or the edge)
        List<Callable<Integer>> joins = new ArrayList<>();
        for (int u = 0; u < shoppers; u++) {
            int shopper = u;
            joins.add(() -> call(shopper, h -> h.post("/api/sales/" + sale + "/room", tokens.get(shopper), "{}"))
                    .status());
        }
        assertThat(Together.run(joins)).allSatisfy(status -> assertThat(status).isEqualTo(201));
        assertThat(Instant.now())
                .as("the joins must end before the opening; raise the lead")
                .isBefore(startsAt);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> Instant.now().isAfter(startsAt));

        // while places are let through, an instance dies; shoppers wait for their turn and buy with it
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        Map<Integer, String> admissions = new ConcurrentHashMap<>();
        List<Callable<Object>> turns = new ArrayList<>();
        for (int u = 0; u < shoppers; u++) {
            int shopper = u;
            turns.add(() -> {
                JsonNode place = null;
                for (int i = 0; i < 600; i++) {
                    place = call(shopper + i, h -> h.get("/api/sales/" + sale + "/room", tokens.get(shopper)))
                            .json();
                    if (place.path("state").asString().equals("ADMITTED")) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertThat(place.path("state").asString()).isEqualTo("ADMITTED");
                String admission = place.path("admissionToken").asString();
                admissions.put(shopper, admission);
                Http.Response r = call(
                        shopper,
                        h -> h.post(
                                "/api/sales/" + sale + "/purchases",
                                tokens.get(shopper),
                                BUY,
                                "Idempotency-Key",
                                "room",
                                "Admission-Token",
                                admission));
                if (r.status() == 201) {
                    acknowledged.put(r.json().path("id").asString(), tokens.get(shopper));
                } else {
                    assertThat(r.code()).as(r.body()).isEqualTo("SOLD_OUT");
                }
                return place.path("place").asLong();
            });
        }
        turns.add(() -> {
            Thread.sleep(1_000);
            instances[1].kill();
            return "killed";
        });
        List<Object> places = Together.run(turns).subList(0, shoppers);
        assertThat(places)
                .as("every shopper kept one place of the room, and no place was given twice")
                .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(1, shoppers)
                        .boxed()
                        .toList());
        Http http = http(0, 0);
        // a purchase cut off with the killed instance may hold its unit until reconciliation returns it; then the
        // shoppers still holding an admission try again, as the storefront lets them, until the sale is sold out
        Http.Response repaired = http.post("/api/admin/sales/" + sale + "/reconciliation", ADMIN, "");
        assertThat(repaired.status()).as(repaired.body()).isEqualTo(200);
        for (int u = 0; u < shoppers && acknowledged.size() < stock; u++) {
            if (acknowledged.containsValue(tokens.get(u))) {
                continue;
            }
            int shopper = u;
            Http.Response r = call(
                    u,
                    h -> h.post(
                            "/api/sales/" + sale + "/purchases",
                            tokens.get(shopper),
                            BUY,
                            "Idempotency-Key",
                            "room-again",
                            "Admission-Token",
                            admissions.get(shopper)));
            if (r.status() == 201) {
                acknowledged.put(r.json().path("id").asString(), tokens.get(shopper));
            }
        }
        assertThat(acknowledged).as("sold exactly the stock").hasSize(stock);
        for (int u = 0; u < 5; u++) {
            int shopper = u;
            Http.Response again = call(u, h -> h.post("/api/sales/" + sale + "/room", tokens.get(shopper), "{}"));
            assertThat(again.status()).as("joining again keeps one's place").isEqualTo(200);
        }
        JsonNode figures = http.get("/api/sales/" + sale, null).json();
        assertThat(figures.path("stock").path("reserved").asLong()).isEqualTo(stock);
        assertThat(figures.path("stock").path("available").asLong()).isZero();
        assertThat(figures.path("waitingRoom").path("admitted").asLong()).isEqualTo(shoppers);
        Awaitility.await("gate and database agree")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> http.get("/api/admin/sales/" + sale + "/reconciliation", ADMIN)
                        .json()
                        .path("consistent")
                        .asBoolean());
    }

    /**
     * A draw across the instances: entries spread over them while one is killed, the entry list closed and drawn once
     * (by whichever instance takes the lease), then the instance that made the draw killed too and units given back:
     * nobody's entry is lost, nobody wins twice, the published draw recomputes, and exactly the stock is sold.
     */
    @Test
    void aDrawKeepsEveryEntryAcrossInstancesAndTwoKilledAndPassesUnitsOnInDrawOrder() throws Exception {
        int entrants = 150;
        int units = 40;
        int givenBack = 3;
        List<String> users = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int u = 0; u < entrants; u++) {
            users.add("drawn-" + u);
            tokens.add(login(users.get(u)));
        }
        Instant now = Instant.now();
        Instant startsAt = now.plusSeconds(12);
        JsonNode created = turnSale(
                "draw",
                units,
                startsAt,
                "\"access\":\"DRAW\",\"draw\":{\"entriesOpenAt\":\"" + now.minusSeconds(1) + "\"}");
        String sale = created.path("id").asString();
        String seedHash = created.path("draw").path("seedHash").asString();

        // everyone enters at once, each through an instance of its own (or the edge), while one instance dies
        List<Callable<Object>> entries = new ArrayList<>();
        for (int u = 0; u < entrants; u++) {
            int shopper = u;
            entries.add(() -> {
                Thread.sleep(ThreadLocalRandom.current().nextLong(1_500));
                return call(shopper, h -> h.post("/api/sales/" + sale + "/entries", tokens.get(shopper), "{}"))
                        .status();
            });
        }
        entries.add(() -> {
            Thread.sleep(700);
            instances[1].kill();
            return "killed";
        });
        assertThat(Together.run(entries).subList(0, entrants))
                .as("every entry is taken (a retry after a lost answer finds it)")
                .allSatisfy(status -> assertThat(status).isIn(200, 201));
        assertThat(Instant.now())
                .as("the entries must end before the draw; raise the lead")
                .isBefore(startsAt);

        Http http = http(0, 0);
        Awaitility.await("the draw made and its orders placed")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .until(() -> http.get("/api/sales/" + sale + "/draw", null)
                                .json()
                                .path("winners")
                                .size()
                        == units);
        JsonNode draw = http.get("/api/sales/" + sale + "/draw", null).json();
        assertThat(draw.path("state").asString()).isEqualTo("DRAWN");
        assertThat(draw.path("entries").asLong()).isEqualTo(entrants);
        String seed = draw.path("seed").asString();
        assertThat(DrawOrder.seedHash(seed))
                .as("the seed committed to at creation")
                .isEqualTo(seedHash);
        Http.Response list = http.get("/api/sales/" + sale + "/draw/entries", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).isEqualTo(new String(DrawOrder.entryList(users), StandardCharsets.UTF_8));
        assertThat(DrawOrder.sha256Hex(list.body().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(draw.path("entriesHash").asString());
        List<String> order = DrawOrder.order(seed, users);
        assertThat(winners(draw)).as("the head of the recomputed draw order").isEqualTo(order.subList(0, units));
        List<ServiceProcess> madeBy = Arrays.stream(instances)
                .filter(i -> i.log().contains("Draw of sale " + sale + " made"))
                .toList();
        assertThat(madeBy).as("one instance made the draw").hasSize(1);
        assertThat(madeBy.getFirst().process().isAlive()).isTrue();

        // the instance that made the draw dies too; winners give units back, and a survivor passes them on
        madeBy.getFirst().kill();
        assertThat(madeBy.getFirst().awaitExit(Duration.ofSeconds(20))).isTrue();
        for (int rank = 1; rank <= givenBack; rank++) {
            int shopper = users.indexOf(order.get(rank - 1));
            String orderId = call(shopper, h -> h.get("/api/sales/" + sale + "/entries/me", tokens.get(shopper)))
                    .json()
                    .path("orderId")
                    .asString();
            Http.Response cancelled =
                    call(shopper, h -> h.post("/api/orders/" + orderId + "/cancel", tokens.get(shopper), "{}"));
            assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        }
        Awaitility.await("the units given back passed to the next entrants in draw order")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .until(() -> call(0, h -> h.get("/api/sales/" + sale + "/draw", null))
                                .json()
                                .path("winners")
                                .size()
                        == units + givenBack);
        assertThat(winners(call(0, h -> h.get("/api/sales/" + sale + "/draw", null))
                        .json()))
                .isEqualTo(order.subList(0, units + givenBack));
        // every entrant holds exactly what the draw order gives: one order each for the winners, none for the rest
        List<Callable<Integer>> held = new ArrayList<>();
        for (int u = 0; u < entrants; u++) {
            int shopper = u;
            held.add(() -> {
                int mine = 0;
                for (JsonNode o : call(shopper, h -> h.get("/api/me/orders", tokens.get(shopper)))
                        .json()
                        .path("items")) {
                    if (sale.equals(o.path("saleId").asString())) {
                        mine++;
                    }
                }
                return mine;
            });
        }
        List<Integer> orders = Together.run(held);
        for (int u = 0; u < entrants; u++) {
            int rank = order.indexOf(users.get(u)) + 1;
            assertThat(orders.get(u))
                    .as("orders of %s, drawn %d", users.get(u), rank)
                    .isEqualTo(rank <= units + givenBack ? 1 : 0);
        }
        JsonNode stock = call(0, h -> h.get("/api/sales/" + sale, null)).json().path("stock");
        assertThat(stock.path("reserved").asLong())
                .as("exactly the stock, held by winners")
                .isEqualTo(units);
        assertThat(stock.path("available").asLong()).isZero();
        Awaitility.await("gate and database agree")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> call(0, h -> h.get("/api/admin/sales/" + sale + "/reconciliation", ADMIN))
                        .json()
                        .path("consistent")
                        .asBoolean());
    }

    /** Creates a sale of limit one, open for an hour from {@code startsAt}, with these further members; its JSON. */
    private JsonNode turnSale(String name, int stock, Instant startsAt, String access) {
        Http.Response created =
                http(0, 0).post("/api/admin/sales", ADMIN, Http.saleJson(name, stock, startsAt, access));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    private static List<String> winners(JsonNode draw) {
        List<String> winners = new ArrayList<>();
        for (JsonNode w : draw.path("winners")) {
            assertThat(w.path("rank").asInt()).isEqualTo(winners.size() + 1);
            winners.add(w.path("userId").asString());
        }
        return winners;
    }

    interface Call {
        Http.Response on(Http http);
    }

    /** One request, retried on the next instance (or through the edge again) when its instance is gone. */
    private Http.Response call(int shopper, Call call) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                Http.Response r = call.on(http(shopper, attempt));
                if ((r.status() != 502 && r.status() != 503) || attempt > 50) {
                    return r;
                }
            } catch (UncheckedIOException lost) {
                if (attempt > 50) {
                    throw lost;
                }
            }
            Thread.sleep(100 + ThreadLocalRandom.current().nextLong(200));
        }
    }

    interface Fault {
        void strike() throws Exception;
    }

    private Burst burst(String sale, String who, int shoppers, @Nullable Fault fault) throws Exception {
        return attempts("/api/sales/" + sale + "/purchases", who, shoppers, fault);
    }

    /** Shoppers each make one attempt (with retries) at once, released together, while the fault strikes. */
    private Burst attempts(String path, String who, int shoppers, @Nullable Fault fault) throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int u = 0; u < shoppers; u++) {
            tokens.add(login(who + "-" + u));
        }
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        List<Callable<Object>> tasks = new ArrayList<>();
        for (int u = 0; u < shoppers; u++) {
            int shopper = u;
            tasks.add(() -> {
                // spread over about two seconds, as a real opening second is spread by the network
                Thread.sleep(ThreadLocalRandom.current().nextLong(2_500));
                Http.Response r = attempt(path, shopper, tokens.get(shopper), "key-" + shopper);
                if (r != null && (r.status() == 201 || r.status() == 202)) {
                    String id = r.json().has("orderId")
                            ? r.json().path("orderId").asString()
                            : r.json().path("couponId").asString();
                    acknowledged.put(id, tokens.get(shopper));
                }
                return r == null ? "no answer" : r.status();
            });
        }
        if (fault != null) {
            tasks.add(() -> {
                fault.strike();
                return "fault";
            });
        }
        List<Object> answers = Together.run(tasks);
        assertThat(answers.subList(0, shoppers))
                .as("every shopper got a final answer")
                .allSatisfy(a -> assertThat(a).isIn(201, 202, 409));
        return new Burst(tokens, acknowledged);
    }

    /**
     * One intended purchase as the storefront makes it: retried with the same key after a 429, a 503 or a lost
     * answer (an instance killed under it), through the edge, or the next instance where there is no edge.
     */
    private Http.@Nullable Response attempt(String path, int shopper, String token, String key)
            throws InterruptedException {
        Http.Response last = null;
        for (int attempt = 0; attempt < 60; attempt++) {
            try {
                last = http(shopper, attempt).post(path, token, BUY, "Idempotency-Key", key);
                if (last.status() != 429 && last.status() != 503 && last.status() != 502) {
                    return last;
                }
            } catch (UncheckedIOException lost) {
                last = null;
            }
            Thread.sleep(200 + ThreadLocalRandom.current().nextLong(300));
        }
        return last;
    }

    private void keepsEveryPromise(String sale, int stock, Map<String, String> acknowledged, List<?>... shoppers)
            throws Exception {
        Http http = http(0, 0);
        // every acknowledged order exists; a QUEUED one is written (or refused with its reason) within seconds
        for (Map.Entry<String, String> a : acknowledged.entrySet()) {
            Awaitility.await("order " + a.getKey() + " written")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> {
                        Http.Response r = http.get("/api/orders/" + a.getKey(), a.getValue());
                        return r.status() == 200
                                && !r.json().path("status").asString().equals("QUEUED");
                    });
        }
        // nobody holds more than the limit of one, and no more orders live than the stock
        List<Callable<Integer>> held = new ArrayList<>();
        for (List<?> tokens : shoppers) {
            for (Object token : tokens) {
                held.add(() -> {
                    int mine = 0;
                    for (JsonNode o :
                            http.get("/api/me/orders", (String) token).json().path("items")) {
                        if (sale.equals(o.path("saleId").asString())
                                && o.path("status").asString().equals("PENDING_PAYMENT")) {
                            mine++;
                        }
                    }
                    return mine;
                });
            }
        }
        List<Integer> perShopper = Together.run(held);
        assertThat(perShopper)
                .as("orders of one shopper")
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1));
        int live = perShopper.stream().mapToInt(Integer::intValue).sum();
        assertThat(live).as("orders held").isLessThanOrEqualTo(stock);
        // reconciliation returns what a killed instance held and repairs a gate that lost writes in the failover
        Http.Response repaired = http.post("/api/admin/sales/" + sale + "/reconciliation", ADMIN, "");
        assertThat(repaired.status()).as(repaired.body()).isEqualTo(200);
        // the rest sells to the last unit, not one more
        int sold = sellTheRest(sale, stock - live);
        assertThat(live + sold).as("sold in all").isEqualTo(stock);
        JsonNode figures = http.get("/api/sales/" + sale, null).json().path("stock");
        assertThat(figures.path("available").asLong()).as(figures.toString()).isZero();
        assertThat(figures.path("reserved").asLong()).isEqualTo(stock);
        Awaitility.await("gate and database agree")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> http.get("/api/admin/sales/" + sale + "/reconciliation", ADMIN)
                        .json()
                        .path("consistent")
                        .asBoolean());
    }

    /** New shoppers buy one each, spread over the instances, until the sale answers sold out; returns how many won. */
    private int sellTheRest(String sale, int expected) throws Exception {
        int sold = 0;
        for (int i = 0; i < expected + 5; i++) {
            String token = login("rest-" + sale + "-" + i);
            Http.Response r = attempt("/api/sales/" + sale + "/purchases", i, token, "rest");
            assertThat(r).isNotNull();
            if (r.status() == 409) {
                assertThat(r.code()).as(r.body()).isEqualTo("SOLD_OUT");
                continue;
            }
            assertThat(r.status()).as(r.body()).isIn(201, 202);
            String order = r.json().path("orderId").asString();
            Http http = http(i, 0);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !http.get("/api/orders/" + order, token)
                            .json()
                            .path("status")
                            .asString()
                            .equals("QUEUED"));
            if (http.get("/api/orders/" + order, token)
                    .json()
                    .path("status")
                    .asString()
                    .equals("PENDING_PAYMENT")) {
                sold++;
            }
        }
        return sold;
    }

    private int claimTheRest(String path, int expected) throws Exception {
        int issued = 0;
        for (int i = 0; i < expected + 5; i++) {
            Http.Response r = attempt(path, i, login("rest-claim-" + i), "rest");
            assertThat(r).isNotNull();
            if (r.status() == 201) {
                issued++;
            } else {
                assertThat(r.code()).as(r.body()).isEqualTo("SOLD_OUT");
            }
        }
        return issued;
    }

    private String openSale(String name, int stock, String strategy, String intake) {
        return openSale(name, stock, strategy, intake, 1);
    }

    private String openSale(String name, int stock, String strategy, String intake, int segments) {
        String json = Http.openSaleJson(name, stock, 1);
        json = json.substring(0, json.length() - 1) + ",\"strategy\":\"" + strategy + "\",\"intake\":\"" + intake
                + "\",\"gateSegments\":" + segments + "}";
        Http.Response r = http(0, 0).post("/api/admin/sales", ADMIN, json);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asString();
    }

    private String gateKey(String sale) {
        return keyPrefix + "{sale:" + sale + "}:gate";
    }

    private String login(String user) {
        for (int attempt = 0; ; attempt++) {
            try {
                return http(user.hashCode(), attempt).login(user);
            } catch (RuntimeException e) {
                if (attempt > 20) {
                    throw e;
                }
            }
        }
    }

    /** The edge, or without one the instances in turn: shopper's own first, the next on each retry. */
    private Http http(int shopper, int attempt) {
        return through[through.length == 1 ? 0 : Math.floorMod(shopper + attempt, INSTANCES)];
    }
}
