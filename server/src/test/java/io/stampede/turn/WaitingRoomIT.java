package io.stampede.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stampede.shared.security.AdmissionTokens;
import io.stampede.shared.security.ShopperTokens;
import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The waiting room through the public HTTP API (docs/fair-drops.md): early joiners get a uniformly shuffled place and
 * later ones queue in order; places are let through at the set rate, which the operator changes live; a purchase
 * needs the shopper's own, unexpired admission token; the proof of work is checked.
 */
@IntegrationTest
@TestPropertySource(properties = "stampede.turns.random-seed=20261202")
class WaitingRoomIT {
    private static final String ADMIN = IntegrationTest.ADMIN_TOKEN;

    @LocalServerPort
    int port;

    @Autowired
    ShopperTokens shopperTokens;

    @Autowired
    AdmissionTokens admissionTokens;

    Http http;
    final Map<String, String> tokens = new ConcurrentHashMap<>();

    @BeforeEach
    void client() {
        http = new Http("http://127.0.0.1:" + port);
    }

    private String token(String userId) {
        return tokens.computeIfAbsent(
                userId, u -> shopperTokens.issue(u, Duration.ofHours(1)).token());
    }

    private String roomSale(
            String name, long stock, Instant opensAt, Instant startsAt, String roomExtra, String extra) {
        String json = Http.saleJson(
                name,
                stock,
                startsAt,
                "\"access\":\"WAITING_ROOM\",\"waitingRoom\":{\"opensAt\":\"" + opensAt + "\"" + roomExtra + "}"
                        + extra);
        Http.Response r = http.post("/api/admin/sales", ADMIN, json);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asString();
    }

    private Http.Response join(String saleId, String userId) {
        return http.post("/api/sales/" + saleId + "/room", token(userId), "{}");
    }

    private JsonNode place(String saleId, String userId) {
        Http.Response r = http.get("/api/sales/" + saleId + "/room", token(userId));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private Http.Response buy(String saleId, String userId, String key, String admission) {
        return admission == null
                ? http.post(
                        "/api/sales/" + saleId + "/purchases",
                        token(userId),
                        "{\"quantity\":1}",
                        "Idempotency-Key",
                        key)
                : http.post(
                        "/api/sales/" + saleId + "/purchases",
                        token(userId),
                        "{\"quantity\":1}",
                        "Idempotency-Key",
                        key,
                        "Admission-Token",
                        admission);
    }

    /** Joins these shoppers, 8 at a time; every join must be new and shuffled, with no place shown yet. */
    private List<Instant> joinShuffled(String saleId, List<String> users) throws Exception {
        List<Instant> joinedAt = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<Http.Response>> joins = new ArrayList<>();
            for (String user : users) {
                joins.add(pool.submit(() -> join(saleId, user)));
            }
            for (var j : joins) {
                Http.Response r = j.get();
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                assertThat(r.json().path("randomized").asBoolean()).as(r.body()).isTrue();
                assertThat(r.json().has("place"))
                        .as("no place is shown before the places are drawn")
                        .isFalse();
                joinedAt.add(Instant.parse(r.json().path("joinedAt").asString()));
            }
        }
        return joinedAt;
    }

    /**
     * Thousands of shoppers join before the opening and in its first seconds ({@code randomizeFor}): their places are a
     * uniform shuffle, independent of when each joined, and later joiners queue behind them in order.
     */
    @Test
    void earlyJoinersGetAUniformShuffleAndLaterOnesQueueInOrder() throws Exception {
        int before = 2000;
        int opening = 1000;
        int early = before + opening;
        int late = 60;
        Instant startsAt = Instant.now().plusSeconds(12);
        Instant admissionStartsAt = startsAt.plusSeconds(10);
        String saleId = roomSale(
                "shuffle",
                10,
                Instant.now().minusSeconds(1),
                startsAt,
                ",\"admitPerSecond\":5,\"randomizeFor\":\"PT10S\"",
                "");
        Instant published = Instant.parse(http.get("/api/sales/" + saleId, null)
                .json()
                .path("waitingRoom")
                .path("admissionStartsAt")
                .asString());
        assertThat(Duration.between(published, admissionStartsAt).abs())
                .as("places are drawn and let through from the opening plus randomizeFor")
                .isLessThan(Duration.ofMillis(1));
        // the seed fixes each shopper's draw, so the same shoppers get the same places in whatever order they join
        List<String> users =
                IntStream.range(0, early).mapToObj(i -> "early-" + i).toList();
        List<Instant> beforeTimes = joinShuffled(saleId, users.subList(0, before));
        assertThat(Instant.now())
                .as("the joins before the opening must end before it; raise the lead")
                .isBefore(startsAt);
        Http.Response again = join(saleId, "early-0");
        assertThat(again.status()).as("joining again keeps one's place").isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> Instant.now().isAfter(startsAt.plusMillis(100)));
        // the sale has opened, and for its first seconds joiners still get a random place among the early ones
        List<Instant> openingTimes = joinShuffled(saleId, users.subList(before, early));
        assertThat(openingTimes)
                .as("joined after the opening, within randomizeFor")
                .allSatisfy(t -> assertThat(t).isAfter(startsAt).isBefore(admissionStartsAt));
        assertThat(beforeTimes).allSatisfy(t -> assertThat(t).isBefore(startsAt));
        await().atMost(Duration.ofSeconds(20)).until(() -> Instant.now().isAfter(admissionStartsAt.plusMillis(100)));

        List<Long> lateFirst = new ArrayList<>();
        for (int i = 0; i < late; i++) {
            Http.Response r = join(saleId, "late-" + i);
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.json().path("randomized").asBoolean()).isFalse();
            lateFirst.add(r.json().path("place").asLong());
        }
        assertThat(lateFirst)
                .as("later joiners are served first come, first served, behind every early one")
                .containsExactlyElementsOf(IntStream.rangeClosed(early + 1, early + late)
                        .mapToObj(Long::valueOf)
                        .toList());

        long[] places = new long[early];
        for (int i = 0; i < early; i++) {
            places[i] = place(saleId, "early-" + i).path("place").asLong();
        }
        assertThat(places)
                .as("the early joiners' places are a permutation of 1..%d", early)
                .containsExactlyInAnyOrder(
                        IntStream.rangeClosed(1, early).asLongStream().toArray());
        // joining again, once the places are drawn, answers the same place, for an early and for a late joiner
        for (int i : new int[] {0, before - 1, before, early - 1}) {
            Http.Response rejoined = join(saleId, "early-" + i);
            assertThat(rejoined.status()).as(rejoined.body()).isEqualTo(200);
            assertThat(rejoined.json().path("place").asLong())
                    .as("early-%d joining again keeps its place", i)
                    .isEqualTo(places[i]);
        }
        Http.Response lateAgain = join(saleId, "late-0");
        assertThat(lateAgain.status()).isEqualTo(200);
        assertThat(lateAgain.json().path("place").asLong())
                .as("a late joiner joining again keeps its place")
                .isEqualTo(early + 1L);
        // a chi-square test of independence between when one joined and where one stands (10 x 10 deciles, the last
        // third of the join deciles being the joiners after the opening): a shuffle that leans on join order in any
        // way, or puts the opening's joiners behind the others, piles shoppers up in some cells
        long[][] cells = new long[10][10];
        for (int i = 0; i < early; i++) {
            cells[i * 10 / early][(int) ((places[i] - 1) * 10 / early)]++;
        }
        double expected = early / 100.0;
        double chiSquare = 0;
        for (long[] row : cells) {
            for (long observed : row) {
                chiSquare += (observed - expected) * (observed - expected) / expected;
            }
        }
        // 81 degrees of freedom: P(chi2 > 126.1) = 0.001 for a uniform shuffle (with the fixed seed, one value)
        assertThat(chiSquare)
                .as("chi-square of join decile against place decile")
                .isLessThan(126.1);
        // hypergeometric: mean 500 of the 1,000 opening joiners in the front half, standard deviation 12.9
        long openingInFront = IntStream.range(before, early)
                .filter(i -> places[i] <= early / 2)
                .count();
        assertThat(openingInFront)
                .as("the opening's joiners hold about half of the front half, not none of it")
                .isBetween(435L, 565L);
    }

    @Test
    void theRoomLetsShoppersThroughAtTheSetRateAndTheOperatorChangesItLive() throws Exception {
        Instant startsAt = Instant.now().plusSeconds(4);
        String saleId = roomSale("rate", 10, Instant.now().minusSeconds(1), startsAt, ",\"admitPerSecond\":200", "");
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<Integer>> joins = new ArrayList<>();
            for (int i = 0; i < 2500; i++) {
                String user = "r-" + i;
                joins.add(pool.submit(() -> join(saleId, user).status()));
            }
            for (var j : joins) {
                assertThat(j.get()).isEqualTo(201);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(startsAt.plusMillis(300)));
        assertThat(slope(saleId, Duration.ofSeconds(3)))
                .as("places let through per second at the set rate of 200")
                .isBetween(190.0, 210.0);

        Http.Response changed = http.send(http.request("/api/admin/sales/" + saleId + "/room", ADMIN)
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"admitPerSecond\":400}"))
                .build());
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().path("admitPerSecond").asInt()).isEqualTo(400);
        assertThat(slope(saleId, Duration.ofSeconds(2)))
                .as("places let through per second after the operator raised the rate to 400")
                .isBetween(380.0, 420.0);
        JsonNode room = http.get("/api/sales/" + saleId, null).json().path("waitingRoom");
        assertThat(room.path("admitPerSecond").asInt()).isEqualTo(400);
        assertThat(room.path("admitted").asLong() + room.path("waiting").asLong())
                .isEqualTo(2500);

        Http.Response bad = http.send(http.request("/api/admin/sales/" + saleId + "/room", ADMIN)
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"admitPerSecond\":0}"))
                .build());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.code()).isEqualTo("VALIDATION");
    }

    /**
     * The rate counted in admission tokens actually handed out, not in the room's own figure: shoppers poll as the
     * storefront does (seldom while far from the front, often near it), each takes the token it is given, and the
     * moments they were handed out (each token's expiry less its validity) climb at the set rate and never run
     * ahead of the schedule.
     */
    @Test
    void admissionTokensAreHandedOutAtTheSetRateAndNeverAheadOfIt() throws Exception {
        int shoppers = 800;
        int rate = 100;
        Duration ttl = Duration.ofSeconds(60);
        Instant startsAt = Instant.now().plusSeconds(8);
        String saleId = roomSale(
                "tokens",
                10,
                Instant.now().minusSeconds(1),
                startsAt,
                ",\"admitPerSecond\":" + rate + ",\"admissionTtl\":\"PT60S\"",
                "");
        List<String> users =
                IntStream.range(0, shoppers).mapToObj(i -> "t-" + i).toList();
        joinShuffled(saleId, users);
        assertThat(Instant.now())
                .as("the joins must end before the opening; raise the lead")
                .isBefore(startsAt);
        long start = Instant.parse(http.get("/api/sales/" + saleId, null)
                        .json()
                        .path("waitingRoom")
                        .path("admissionStartsAt")
                        .asString())
                .toEpochMilli();
        record Handed(long place, long atMillis) {}
        List<Handed> handed = new ArrayList<>();
        try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Handed>> turns = new ArrayList<>();
            for (String user : users) {
                turns.add(each.submit(() -> {
                    for (int polls = 0; polls < 2000; polls++) {
                        JsonNode p = place(saleId, user);
                        if (p.path("state").asString().equals("ADMITTED")) {
                            String token = p.path("admissionToken").asString();
                            assertThat(admissionTokens.check(token, saleId, user))
                                    .isEqualTo(AdmissionTokens.Check.VALID);
                            Instant expires =
                                    Instant.parse(p.path("admissionExpiresAt").asString());
                            return new Handed(
                                    p.path("place").asLong(), expires.minus(ttl).toEpochMilli());
                        }
                        // as the storefront: sleep through most of the wait (until the places are drawn, or
                        // until 300 ms before one's turn), then poll often
                        long untilNear = p.has("ahead")
                                ? p.path("ahead").asLong() * 1000 / rate - 300
                                : Instant.now().until(startsAt, ChronoUnit.MILLIS)
                                        + ThreadLocalRandom.current().nextLong(200);
                        Thread.sleep(Math.clamp(untilNear, 50, 2000));
                    }
                    throw new AssertionError(user + " was never let through");
                }));
            }
            for (var t : turns) {
                handed.add(t.get());
            }
        }
        assertThat(handed.stream().map(Handed::place))
                .as("one token per place")
                .containsExactlyInAnyOrderElementsOf(
                        LongStream.rangeClosed(1, shoppers).boxed().toList());
        // place p is due once p places fit in the time since the start: never handed out before
        assertThat(handed)
                .allSatisfy(h -> assertThat(h.atMillis())
                        .as("place %d handed out", h.place())
                        .isGreaterThanOrEqualTo(start + (h.place() * 1000) / rate));
        // the k-th token handed out against its moment: the slope is the rate (the middle 80%, away from the ends)
        long[] at = handed.stream().mapToLong(Handed::atMillis).sorted().toArray();
        int from = shoppers / 10;
        int to = shoppers - shoppers / 10;
        double mx = 0;
        double my = 0;
        for (int k = from; k < to; k++) {
            mx += at[k] / 1000.0;
            my += k;
        }
        mx /= to - from;
        my /= to - from;
        double sxy = 0;
        double sxx = 0;
        for (int k = from; k < to; k++) {
            sxy += (at[k] / 1000.0 - mx) * (k - my);
            sxx += (at[k] / 1000.0 - mx) * (at[k] / 1000.0 - mx);
        }
        assertThat(sxy / sxx)
                .as("admission tokens handed out per second at the set rate of %d", rate)
                .isBetween(rate * 0.95, rate * 1.05);
    }

    /**
     * A room lets a shopper try, it does not lift the sale's per-user limit: an order still QUEUED in the intake, or
     * PENDING_PAYMENT, counts towards it, and a unit let go makes room for the next.
     */
    @Test
    void thePerUserLimitCountsQueuedAndPendingOrdersOfARoomSale() {
        Instant now = Instant.now();
        String saleId = roomSale(
                "limit",
                10,
                now.minusSeconds(10),
                now.minusSeconds(5),
                ",\"admitPerSecond\":1000",
                ",\"intake\":\"QUEUED\"");
        assertThat(join(saleId, "frank").status()).isEqualTo(201);
        String admission = admitted(saleId, "frank");
        Http.Response first = buy(saleId, "frank", "q1", admission);
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        String orderId = first.json().path("orderId").asString();
        Http.Response whileQueued = buy(saleId, "frank", "q2", admission);
        assertThat(whileQueued.status()).as(whileQueued.body()).isEqualTo(409);
        assertThat(whileQueued.code()).isEqualTo("LIMIT_EXCEEDED");
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> http.get("/api/orders/" + orderId, token("frank"))
                        .json()
                        .path("status")
                        .asString()
                        .equals("PENDING_PAYMENT"));
        Http.Response whilePending = buy(saleId, "frank", "q3", admission);
        assertThat(whilePending.status()).as(whilePending.body()).isEqualTo(409);
        assertThat(whilePending.code()).isEqualTo("LIMIT_EXCEEDED");
        assertThat(http.post("/api/orders/" + orderId + "/cancel", token("frank"), "{}")
                        .status())
                .isEqualTo(200);
        Http.Response afterCancel = buy(saleId, "frank", "q4", admission);
        assertThat(afterCancel.status())
                .as("a cancelled order no longer counts: " + afterCancel.body())
                .isEqualTo(202);
        JsonNode stock = http.get("/api/sales/" + saleId, null).json().path("stock");
        assertThat(stock.path("available").asLong() + stock.path("reserved").asLong())
                .as("the cancelled unit came back once")
                .isEqualTo(10);
    }

    /** The least-squares slope of the room's admitted count against time, sampled every 100 ms for a while. */
    private double slope(String saleId, Duration during) throws InterruptedException {
        List<double[]> samples = new ArrayList<>();
        long end = System.nanoTime() + during.toNanos();
        while (System.nanoTime() < end) {
            long before = System.nanoTime();
            long admitted = http.get("/api/sales/" + saleId, null)
                    .json()
                    .path("waitingRoom")
                    .path("admitted")
                    .asLong();
            long after = System.nanoTime();
            samples.add(new double[] {(before + after) / 2e9, admitted});
            Thread.sleep(100);
        }
        double mx = samples.stream().mapToDouble(s -> s[0]).average().orElseThrow();
        double my = samples.stream().mapToDouble(s -> s[1]).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (double[] s : samples) {
            sxy += (s[0] - mx) * (s[1] - my);
            sxx += (s[0] - mx) * (s[0] - mx);
        }
        return sxy / sxx;
    }

    @Test
    void aPurchaseNeedsTheShoppersOwnUnexpiredAdmission() {
        Instant now = Instant.now();
        String saleId = roomSale(
                "admission",
                10,
                now.minusSeconds(10),
                now.minusSeconds(5),
                ",\"admitPerSecond\":1000,\"admissionTtl\":\"PT10S\"",
                "");
        String other =
                roomSale("other-room", 10, now.minusSeconds(10), now.minusSeconds(5), ",\"admitPerSecond\":1000", "");
        assertThat(join(saleId, "alice").status()).isEqualTo(201);
        assertThat(join(saleId, "bob").status()).isEqualTo(201);
        assertThat(join(other, "alice").status()).isEqualTo(201);
        String alice = admitted(saleId, "alice");
        String bob = admitted(saleId, "bob");
        String aliceElsewhere = admitted(other, "alice");

        Http.Response none = buy(saleId, "alice", "k1", null);
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.code()).isEqualTo("ADMISSION_REQUIRED");
        for (String wrong : List.of("garbage", bob, aliceElsewhere, alice + "x", alice.replace('.', '_'))) {
            Http.Response r = buy(saleId, "alice", "k1", wrong);
            assertThat(r.status()).as(wrong).isEqualTo(403);
            assertThat(r.code()).isEqualTo("ADMISSION_INVALID");
        }
        Http.Response bought = buy(saleId, "alice", "k1", alice);
        assertThat(bought.status()).as(bought.body()).isEqualTo(201);

        String expired = admissionTokens.issue(saleId, "alice", Instant.now().minusSeconds(1));
        Http.Response late = buy(saleId, "alice", "k2", expired);
        assertThat(late.status()).isEqualTo(403);
        assertThat(late.code()).isEqualTo("ADMISSION_EXPIRED");
        Http.Response replay = buy(saleId, "alice", "k1", expired);
        assertThat(replay.status()).as("a replay is answered as always").isEqualTo(201);
        assertThat(replay.json().path("id").asString())
                .isEqualTo(bought.json().path("id").asString());

        // the turn passes: the room says so, and joining again queues at the back
        long firstPlace = place(saleId, "bob").path("place").asLong();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> place(saleId, "bob").path("state").asString().equals("EXPIRED"));
        assertThat(place(saleId, "bob").has("admissionToken")).isFalse();
        Http.Response rejoined = join(saleId, "bob");
        assertThat(rejoined.status()).isEqualTo(201);
        assertThat(rejoined.json().path("place").asLong()).isGreaterThan(firstPlace);
        assertThat(admitted(saleId, "bob")).isNotEqualTo(bob);
    }

    private String admitted(String saleId, String userId) {
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> place(saleId, userId).path("state").asString().equals("ADMITTED"));
        JsonNode p = place(saleId, userId);
        assertThat(p.path("admissionExpiresAt").asString()).isNotEmpty();
        return p.path("admissionToken").asString();
    }

    @Test
    void joiningIsRefusedClearlyAndTheProofOfWorkIsChecked() {
        Instant now = Instant.now();
        String saleId = roomSale(
                "work", 10, now.minusSeconds(10), now.plusSeconds(600), ",\"admitPerSecond\":10", ",\"proofOfWork\":8");
        String later = roomSale("later", 10, now.plusSeconds(300), now.plusSeconds(600), ",\"admitPerSecond\":10", "");
        String open = http.openSale(ADMIN, "open-to-all", 10, 1);

        Http.Response before = join(later, "carol");
        assertThat(before.status()).isEqualTo(409);
        assertThat(before.code()).isEqualTo("SALE_NOT_ACTIVE");
        Http.Response noRoom = join(open, "carol");
        assertThat(noRoom.status()).isEqualTo(409);
        assertThat(noRoom.code()).isEqualTo("INVALID_STATE");
        assertThat(http.get("/api/sales/" + saleId + "/room", token("carol")).status())
                .isEqualTo(404);
        assertThat(http.post("/api/sales/" + saleId + "/room", null, "{}").status())
                .isEqualTo(401);

        Http.Response noProof = join(saleId, "carol");
        assertThat(noProof.status()).isEqualTo(403);
        assertThat(noProof.code()).isEqualTo("CHALLENGE_FAILED");
        Challenged work = Challenged.fetch(http, saleId, token("carol"), 8);
        for (String body : work.refusedBodies()) {
            Http.Response r = http.post("/api/sales/" + saleId + "/room", token("carol"), body);
            assertThat(r.status()).as(body).isEqualTo(403);
            assertThat(r.code()).isEqualTo("CHALLENGE_FAILED");
        }
        Http.Response foreign = http.post("/api/sales/" + saleId + "/room", token("dave"), work.solvedBody());
        assertThat(foreign.status()).as("another shopper's solved challenge").isEqualTo(403);
        Http.Response solved = http.post("/api/sales/" + saleId + "/room", token("carol"), work.solvedBody());
        assertThat(solved.status()).as(solved.body()).isEqualTo(201);
        Http.Response unknown = http.post("/api/sales/" + saleId + "/room", token("carol"), "{\"sneaky\":1}");
        assertThat(unknown.status()).isEqualTo(400);

        for (String invalid : List.of(
                ",\"admitPerSecond\":0",
                ",\"admitPerSecond\":10,\"admissionTtl\":\"PT1S\"",
                ",\"admitPerSecond\":10,\"randomizeFor\":\"PT11M\"")) {
            String json = Http.saleJson(
                            "bad",
                            1,
                            1,
                            now.plusSeconds(60).toString(),
                            now.plusSeconds(120).toString())
                    .replaceFirst(
                            "}$",
                            ",\"access\":\"WAITING_ROOM\",\"waitingRoom\":{\"opensAt\":\"" + now + "\"" + invalid
                                    + "}}");
            Http.Response r = http.post("/api/admin/sales", ADMIN, json);
            assertThat(r.status()).as(invalid).isEqualTo(400);
            assertThat(r.code()).isEqualTo("VALIDATION");
        }
    }
}
