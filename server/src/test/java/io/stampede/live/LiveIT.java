package io.stampede.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.live.port.AttemptTotals;
import io.stampede.shared.live.AttemptCounts;
import io.stampede.shared.live.AttemptCounts.Outcome;
import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.SseClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The browser's live feeds through the public HTTP API: the catalogue pushed as stock moves, a shopper's orders
 * pushed as they are written and paid (and to nobody else), the operator's dashboard with attempts summed over
 * every instance, demo payments as the signed callback, and the campaign list.
 */
@IntegrationTest
class LiveIT {
    private static final String ADMIN = IntegrationTest.ADMIN_TOKEN;

    @LocalServerPort
    int port;

    @Autowired
    AttemptTotals totals;

    Http http;

    @BeforeEach
    void client() {
        http = new Http("http://127.0.0.1:" + port);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private String sale(String name, long stock, String intake) {
        Instant now = Instant.now();
        String json = Http.saleJson(
                        name,
                        stock,
                        1,
                        now.minusSeconds(5).toString(),
                        now.plusSeconds(3600).toString())
                .replace("}", ",\"intake\":\"" + intake + "\"}");
        Http.Response r = http.post("/api/admin/sales", ADMIN, json);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asString();
    }

    private static JsonNode saleIn(SseClient.Event e, String saleId) {
        for (JsonNode item : e.data().path("items")) {
            if (item.path("id").asString().equals(saleId)) {
                return item;
            }
        }
        return e.data().path("none");
    }

    @Test
    void theCatalogueIsPushedToEveryoneAsStockMoves() {
        String saleId = sale("pushed", 2, "DIRECT");
        try (SseClient watcher = SseClient.open(base(), "/api/stream/sales", null)) {
            assertThat(watcher.status())
                    .as("open to anyone, like GET /api/sales")
                    .isEqualTo(200);
            assertThat(watcher.contentType()).startsWith("text/event-stream");
            watcher.await(
                    "the first frame",
                    e -> saleIn(e, saleId).path("stock").path("available").asLong() == 2);

            for (String user : List.of("cat-a", "cat-b")) {
                Http.Response bought = http.post(
                        "/api/sales/" + saleId + "/purchases",
                        http.login(user),
                        "{\"quantity\":1}",
                        "Idempotency-Key",
                        "k-" + user);
                assertThat(bought.status()).isEqualTo(201);
            }

            SseClient.Event soldOut = watcher.await(
                    "the sale pushed as sold out",
                    e -> "SOLD_OUT".equals(saleIn(e, saleId).path("state").asString()));
            JsonNode stock = saleIn(soldOut, saleId).path("stock");
            assertThat(stock.path("available").asLong()).isZero();
            assertThat(stock.path("reserved").asLong()).isEqualTo(2);
        }
    }

    @Test
    void aShoppersQueuedOrderIsPushedToThemAloneAsItIsWrittenAndPaid() {
        String saleId = sale("queued-push", 5, "QUEUED");
        String alice = http.login("push-alice");
        String bob = http.login("push-bob");
        try (SseClient alices = SseClient.open(base(), "/api/me/stream", alice);
                SseClient bobs = SseClient.open(base(), "/api/me/stream", bob);
                SseClient nobody = SseClient.open(base(), "/api/me/stream", null)) {
            assertThat(alices.status()).isEqualTo(200);
            assertThat(nobody.status())
                    .as("the stream of one's orders needs a shopper token")
                    .isEqualTo(401);
            Http.Response accepted = http.post(
                    "/api/sales/" + saleId + "/purchases", alice, "{\"quantity\":1}", "Idempotency-Key", "q-1");
            assertThat(accepted.status()).isEqualTo(202);
            String orderId = accepted.json().path("orderId").asString();

            alices.await(
                    "the order pushed once written",
                    e -> e.name().equals("order")
                            && e.data().path("id").asString().equals(orderId)
                            && !e.data().path("status").asString().equals("QUEUED"));

            Http.Response paid = http.post(
                    "/api/demo/payments", alice, "{\"orderId\":\"" + orderId + "\",\"outcome\":\"SUCCEEDED\"}");
            assertThat(paid.status()).as(paid.body()).isEqualTo(200);
            assertThat(paid.json().path("status").asString()).isEqualTo("PAID");
            alices.await(
                    "the payment pushed",
                    e -> e.data().path("id").asString().equals(orderId)
                            && e.data().path("status").asString().equals("PAID"));
            assertThat(bobs.events())
                    .as("Bob hears nothing of Alice's order")
                    .noneMatch(e -> e.data().path("id").asString().equals(orderId));
        }
    }

    @Test
    void demoPaymentsAreTheSignedCallbackForOnesOwnOrder() {
        String saleId = sale("demo-pay", 5, "DIRECT");
        String carol = http.login("pay-carol");
        Http.Response order =
                http.post("/api/sales/" + saleId + "/purchases", carol, "{\"quantity\":1}", "Idempotency-Key", "p-1");
        String orderId = order.json().path("id").asString();

        assertThat(http.post("/api/demo/payments", null, "{\"orderId\":\"" + orderId + "\",\"outcome\":\"SUCCEEDED\"}")
                        .status())
                .isEqualTo(401);
        Http.Response someoneElses = http.post(
                "/api/demo/payments",
                http.login("pay-mallory"),
                "{\"orderId\":\"" + orderId + "\",\"outcome\":\"SUCCEEDED\"}");
        assertThat(someoneElses.status()).isEqualTo(404);
        assertThat(someoneElses.code()).isEqualTo("NOT_FOUND");
        Http.Response wrongOutcome =
                http.post("/api/demo/payments", carol, "{\"orderId\":\"" + orderId + "\",\"outcome\":\"MAYBE\"}");
        assertThat(wrongOutcome.status()).isEqualTo(400);
        assertThat(wrongOutcome.code()).isEqualTo("VALIDATION");
        assertThat(http.post("/api/demo/payments", carol, "{\"orderId\":\"nope\",\"outcome\":\"FAILED\"}")
                        .status())
                .isEqualTo(404);

        Http.Response declined =
                http.post("/api/demo/payments", carol, "{\"orderId\":\"" + orderId + "\",\"outcome\":\"FAILED\"}");
        assertThat(declined.status()).as(declined.body()).isEqualTo(200);
        assertThat(declined.json().path("status").asString()).isEqualTo("PENDING_PAYMENT");
        Http.Response paid =
                http.post("/api/demo/payments", carol, "{\"orderId\":\"" + orderId + "\",\"outcome\":\"SUCCEEDED\"}");
        assertThat(paid.json().path("status").asString()).isEqualTo("PAID");
        assertThat(http.get("/api/orders/" + orderId, carol)
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("PAID");
        assertThat(http.get("/api/admin/events", ADMIN).body())
                .as("it went through the payment service: the event names the provider's payment")
                .contains("\"paymentId\":\"demo-");
    }

    @Test
    void theDashboardCountsEveryAttemptOnceSummedOverInstances() throws Exception {
        try (SseClient anonymous = SseClient.open(base(), "/api/admin/stream", null);
                SseClient shopper = SseClient.open(base(), "/api/admin/stream", http.login("dash-x"))) {
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(shopper.status()).isEqualTo(401);
        }
        String saleId = sale("dashboard", 5, "DIRECT");
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tokens.add(http.login("dash-" + i));
        }
        try (SseClient dashboard = SseClient.open(base(), "/api/admin/stream", ADMIN)) {
            assertThat(dashboard.status()).isEqualTo(200);
            CountDownLatch go = new CountDownLatch(1);
            Map<String, Integer> statuses = new ConcurrentHashMap<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
                List<Future<?>> all = new ArrayList<>();
                for (String token : tokens) {
                    all.add(pool.submit(() -> {
                        go.await();
                        statuses.put(
                                token,
                                http.post(
                                                "/api/sales/" + saleId + "/purchases",
                                                token,
                                                "{\"quantity\":1}",
                                                "Idempotency-Key",
                                                "d-1")
                                        .status());
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : all) {
                    f.get();
                }
            }
            assertThat(statuses.values()).filteredOn(s -> s == 201).hasSize(5);
            String winner = statuses.entrySet().stream()
                    .filter(e -> e.getValue() == 201)
                    .findFirst()
                    .orElseThrow()
                    .getKey();
            // a replay is the same attempt again, not a new one
            assertThat(http.post(
                                    "/api/sales/" + saleId + "/purchases",
                                    winner,
                                    "{\"quantity\":1}",
                                    "Idempotency-Key",
                                    "d-1")
                            .status())
                    .isEqualTo(201);

            // the frames carry one second each: their sum over distinct seconds is every attempt, once
            Map<Long, JsonNode> perSecond = new ConcurrentHashMap<>();
            dashboard.await("frames with every attempt of the burst", e -> {
                for (SseClient.Event f : dashboard.events()) {
                    for (JsonNode line : f.data().path("sales")) {
                        if (line.path("id").asString().equals(saleId)) {
                            perSecond.put(f.data().path("second").asLong(), line.path("attempts"));
                        }
                    }
                }
                long placed = perSecond.values().stream()
                        .mapToLong(a -> a.path("placed").asLong())
                        .sum();
                long soldOut = perSecond.values().stream()
                        .mapToLong(a -> a.path("sold_out").asLong())
                        .sum();
                return placed == 5 && soldOut == 15;
            });
            JsonNode last = dashboard.events().getLast().data();
            assertThat(last.path("sales").toString()).contains(saleId);
            assertThat(last.path("intakeQueueDepth").isNumber())
                    .as("the intake queue tells its depth: " + last)
                    .isTrue();
            assertThat(dashboard.events())
                    .as("latencies are given for a second with attempts")
                    .anySatisfy(
                            f -> assertThat(f.data().path("sales").toString()).contains("\"p99\""));
        }

        // a second instance adds its counts of the same second to the same sums
        long second = Instant.now().getEpochSecond() + 100; // a second nobody else writes
        Map<Outcome, Long> one = new EnumMap<>(Outcome.class);
        one.put(Outcome.PLACED, 3L);
        one.put(Outcome.SOLD_OUT, 40L);
        Map<Outcome, Long> other = new EnumMap<>(Outcome.class);
        other.put(Outcome.SOLD_OUT, 2L);
        other.put(Outcome.RATE_LIMITED, 7L);
        List<Long> fast = new ArrayList<>(Collections.nCopies(97, 0L));
        fast.set(10, 43L);
        List<Long> slow = new ArrayList<>(Collections.nCopies(97, 0L));
        slow.set(60, 9L);
        totals.add(List.of(new AttemptCounts.Second(saleId, second, one, fast)));
        totals.add(List.of(new AttemptCounts.Second(saleId, second, other, slow)));
        AttemptCounts.Second sum = totals.read(List.of(saleId), second).get(saleId);
        assertThat(sum.count(Outcome.PLACED)).isEqualTo(3);
        assertThat(sum.count(Outcome.SOLD_OUT)).isEqualTo(42);
        assertThat(sum.count(Outcome.RATE_LIMITED)).isEqualTo(7);
        assertThat(sum.latencyBuckets().get(10)).isEqualTo(43);
        assertThat(sum.latencyBuckets().get(60)).isEqualTo(9);
    }

    @Test
    void campaignsAreListedNewestFirstToAnyone() {
        Instant now = Instant.now();
        List<String> ids = new ArrayList<>();
        for (String name : List.of("first-campaign", "second-campaign")) {
            Http.Response created = http.post(
                    "/api/admin/coupon-campaigns",
                    ADMIN,
                    "{\"name\":\"" + name + "\",\"quantity\":10,\"perUserLimit\":1,\"startsAt\":\""
                            + now.minusSeconds(5) + "\",\"endsAt\":\"" + now.plusSeconds(3600)
                            + "\",\"discountCents\":100}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            ids.add(created.json().path("id").asString());
        }
        Http.Response list = http.get("/api/coupon-campaigns", null);
        assertThat(list.status()).isEqualTo(200);
        List<String> listed = new ArrayList<>();
        list.json().path("items").forEach(c -> listed.add(c.path("id").asString()));
        assertThat(listed).containsSubsequence(ids.get(1), ids.get(0));
        assertThat(list.json().path("items").get(0).path("remaining").asLong()).isEqualTo(10);
    }

    @Test
    void thePagesAndTheirLibraryAreServedByTheJar() {
        for (String page : List.of("/", "/admin", "/demo/pay")) {
            Http.Response r = http.get(page, null);
            assertThat(r.status()).as(page).isEqualTo(200);
            assertThat(r.header("Content-Type")).as(page).startsWith("text/html");
            assertThat(r.body()).as(page).contains("<html").doesNotContain("https://cdn");
        }
        Http.Response uplot = http.get("/webjars/uplot/dist/uPlot.esm.js", null);
        assertThat(uplot.status()).isEqualTo(200);
        assertThat(uplot.body()).contains("uPlot");
    }
}
