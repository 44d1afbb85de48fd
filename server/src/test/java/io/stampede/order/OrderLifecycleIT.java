package io.stampede.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.inventory.port.UnitHolders;
import io.stampede.order.application.OrderExpirySweeper;
import io.stampede.order.port.OrderRepository;
import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.MutableClock;
import io.stampede.testsupport.MutableClockConfig;
import io.stampede.testsupport.Together;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The order state machine through HTTP: payment, cancellation, expiry, fulfilment, refunds, events, and races. */
@IntegrationTest
@Import(MutableClockConfig.class)
class OrderLifecycleIT {
    private static final String ADMIN = IntegrationTest.ADMIN_TOKEN;

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    OrderExpirySweeper sweeper;

    @Autowired
    PurchaseGate gate;

    @Autowired
    OrderRepository orders;

    @Autowired
    UnitHolders holders;

    @Autowired
    JdbcClient jdbc;

    Http http;

    @BeforeEach
    void client() {
        http = new Http("http://127.0.0.1:" + port);
    }

    // ---- helpers

    private String sale(long stock, int limit) {
        Instant now = clock.instant();
        Http.Response r = http.post(
                "/api/admin/sales",
                ADMIN,
                "{\"name\":\"life\",\"sku\":\"L\",\"stock\":" + stock
                        + ",\"priceCents\":2500,\"startsAt\":\"" + now.minusSeconds(5) + "\",\"endsAt\":\""
                        + now.plus(Duration.ofDays(2))
                        + "\",\"perUserLimit\":" + limit + ",\"paymentTimeout\":\"PT10M\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asString();
    }

    private JsonNode buy(String sale, String token, String key) {
        Http.Response r =
                http.post("/api/sales/" + sale + "/purchases", token, "{\"quantity\":1}", "Idempotency-Key", key);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private Http.Response pay(String paymentId, String orderId, long amount, String outcome) {
        String body = "{\"paymentId\":\"" + paymentId + "\",\"orderId\":\"" + orderId + "\",\"amountCents\":" + amount
                + ",\"outcome\":\"" + outcome + "\"}";
        return http.post("/api/payments/callback", null, body, "X-Signature", sign(body));
    }

    private static String sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(IntegrationTest.PAYMENT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode stock(String sale) {
        return http.get("/api/sales/" + sale, null).json().path("stock");
    }

    private String status(String orderId) {
        return jdbc.sql("SELECT status FROM orders WHERE id = ?")
                .param(orderId)
                .query(String.class)
                .single();
    }

    private long events(String type, String orderId) {
        return jdbc.sql("SELECT COUNT(*) FROM events WHERE type = ? AND data LIKE ?")
                .params(type, "%" + orderId + "%")
                .query(Long.class)
                .single();
    }

    /** total = available + reserved + sold in the database, and the gate holds exactly what the database says. */
    private void assertConsistent(String sale) {
        JsonNode s = stock(sale);
        assertThat(s.path("total").asLong())
                .isEqualTo(s.path("available").asLong()
                        + s.path("reserved").asLong()
                        + s.path("sold").asLong());
        // releases run right after their commit; let any in flight land
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            GateState g = gate.read(sale).orElseThrow();
            assertThat(g.available())
                    .as("gate available")
                    .isEqualTo(stock(sale).path("available").asLong());
            assertThat(g.unitsByUser()).as("gate per-user units").isEqualTo(holders.liveUnitsByUser(sale));
        });
    }

    // ---- payment

    @Test
    void aSignedPaymentPaysTheOrderOnceAndMovesTheUnitToSold() {
        String sale = sale(5, 1);
        JsonNode order = buy(sale, http.login("payer"), "k1");
        String id = order.path("orderId").asString();

        Http.Response paid = pay("pay-1", id, 2500, "SUCCEEDED");
        assertThat(paid.status()).as(paid.body()).isEqualTo(200);
        assertThat(paid.json().path("status").asString()).isEqualTo("PAID");
        assertThat(paid.json()
                        .path("history")
                        .valueStream()
                        .map(h -> h.path("status").asString())
                        .toList())
                .containsExactly("PENDING_PAYMENT", "PAID");
        assertThat(stock(sale).path("sold").asLong()).isEqualTo(1);
        assertThat(stock(sale).path("reserved").asLong()).isZero();

        Http.Response again = pay("pay-1", id, 2500, "SUCCEEDED");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("status").asString()).isEqualTo("PAID");
        assertThat(events("order.paid", id)).isEqualTo(1);

        // a second, different payment for a paid order is owed back
        Http.Response second = pay("pay-2", id, 2500, "SUCCEEDED");
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.code()).isEqualTo("INVALID_STATE");
        assertThat(refundsFor(id)).contains("DUPLICATE_PAYMENT");
        assertConsistent(sale);
    }

    @Test
    void forgedUnsignedOrMismatchedPaymentsChangeNothing() {
        String sale = sale(5, 1);
        String id = buy(sale, http.login("forger"), "k1").path("orderId").asString();
        String body =
                "{\"paymentId\":\"f-1\",\"orderId\":\"" + id + "\",\"amountCents\":2500,\"outcome\":\"SUCCEEDED\"}";

        Http.Response unsigned = http.post("/api/payments/callback", null, body);
        Http.Response forged = http.post("/api/payments/callback", null, body, "X-Signature", "0".repeat(64));
        Http.Response notHex = http.post("/api/payments/callback", null, body, "X-Signature", "zz");
        Http.Response otherBody =
                http.post("/api/payments/callback", null, body.replace("2500", "1"), "X-Signature", sign(body));
        for (Http.Response r : List.of(unsigned, forged, notHex, otherBody)) {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.code()).isEqualTo("UNAUTHENTICATED");
        }
        Http.Response mismatch = pay("f-2", id, 2499, "SUCCEEDED");
        assertThat(mismatch.status()).isEqualTo(422);
        assertThat(mismatch.code()).isEqualTo("AMOUNT_MISMATCH");
        assertThat(pay("f-2", id, 2499, "SUCCEEDED").code())
                .as("same paymentId, same answer")
                .isEqualTo("AMOUNT_MISMATCH");
        assertThat(pay("f-3", id, 2500, "FAILED").json().path("status").asString())
                .isEqualTo("PENDING_PAYMENT");
        assertThat(pay("f-4", "00000000-0000-0000-0000-000000000000", 2500, "SUCCEEDED")
                        .status())
                .isEqualTo(404);
        for (String bad : List.of(
                "{}",
                "{\"paymentId\":\"p\",\"orderId\":\"o\",\"amountCents\":1,\"outcome\":\"MAYBE\"}",
                "{\"paymentId\":\"p\",\"orderId\":\"o\",\"amountCents\":-1,\"outcome\":\"FAILED\"}",
                "{\"paymentId\":\"p\",\"orderId\":\"o\",\"amountCents\":1,\"outcome\":\"FAILED\",\"x\":1}",
                "{\"paymentId\":\"p\",\"orderId\":\"o\\u0000\",\"amountCents\":1,\"outcome\":\"FAILED\"}",
                "nope")) {
            Http.Response r = http.post("/api/payments/callback", null, bad, "X-Signature", sign(bad));
            assertThat(r.status()).as(bad).isEqualTo(400);
        }
        assertThat(status(id)).isEqualTo("PENDING_PAYMENT");
        assertConsistent(sale);
    }

    // ---- cancellation and expiry

    @Test
    void theOwnerCancelsAnUnpaidOrderAndTheUnitAndTheLimitComeBackOnce() {
        String sale = sale(1, 1);
        String token = http.login("canceller");
        String id = buy(sale, token, "k1").path("orderId").asString();
        assertThat(http.post(
                                "/api/sales/" + sale + "/purchases",
                                http.login("other"),
                                "{\"quantity\":1}",
                                "Idempotency-Key",
                                "x")
                        .code())
                .isEqualTo("SOLD_OUT");

        assertThat(http.post("/api/orders/" + id + "/cancel", http.login("intruder"), "")
                        .status())
                .isEqualTo(404);
        Http.Response cancelled = http.post("/api/orders/" + id + "/cancel", token, "");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().path("status").asString()).isEqualTo("CANCELLED");
        Http.Response twice = http.post("/api/orders/" + id + "/cancel", token, "");
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.code()).isEqualTo("INVALID_STATE");
        assertThat(stock(sale).path("available").asLong()).isEqualTo(1);
        assertConsistent(sale);

        // the replayed key still answers the cancelled order; a new key may buy again
        Http.Response replay =
                http.post("/api/sales/" + sale + "/purchases", token, "{\"quantity\":1}", "Idempotency-Key", "k1");
        assertThat(replay.json().path("orderId").asString()).isEqualTo(id);
        assertThat(replay.json().path("status").asString()).isEqualTo("CANCELLED");
        buy(sale, token, "k2");
        assertThat(stock(sale).path("available").asLong()).isZero();
        assertThat(pay("late-1", id, 2500, "SUCCEEDED").code()).isEqualTo("INVALID_STATE");
        assertThat(refundsFor(id)).contains("LATE_PAYMENT");
        assertConsistent(sale);
    }

    @Test
    void unpaidOrdersExpireAtTheirDeadlineAndALatePaymentNeverResurrectsThem() {
        String sale = sale(3, 1);
        String id = buy(sale, http.login("sleeper"), "k1").path("orderId").asString();
        clock.advance(Duration.ofMinutes(9));
        sweeper.sweep();
        assertThat(status(id)).isEqualTo("PENDING_PAYMENT");
        clock.advance(Duration.ofMinutes(2));
        sweeper.sweep();
        assertThat(status(id)).isEqualTo("EXPIRED");
        assertThat(stock(sale).path("available").asLong()).isEqualTo(3);

        Http.Response late = pay("late-2", id, 2500, "SUCCEEDED");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.code()).isEqualTo("INVALID_STATE");
        assertThat(status(id)).isEqualTo("EXPIRED");
        assertThat(refundsFor(id)).contains("LATE_PAYMENT");
        assertThat(events("order.expired", id)).isEqualTo(1);
        assertConsistent(sale);
    }

    @Test
    void aPaymentArrivingAfterTheDeadlineButBeforeTheSweepIsRefusedToo() {
        String sale = sale(3, 1);
        String id = buy(sale, http.login("tardy"), "k1").path("orderId").asString();
        clock.advance(Duration.ofMinutes(11));
        assertThat(pay("late-3", id, 2500, "SUCCEEDED").code()).isEqualTo("INVALID_STATE");
        sweeper.sweep();
        assertThat(status(id)).isEqualTo("EXPIRED");
        assertConsistent(sale);
    }

    // ---- fulfilment and refund

    @Test
    void fulfilShipsAPaidOrderAndRefundReturnsAPaidUnit() {
        String sale = sale(4, 2);
        String token = http.login("shopper");
        String shipped = buy(sale, token, "k1").path("orderId").asString();
        String refunded = buy(sale, token, "k2").path("orderId").asString();
        assertThat(http.post("/api/admin/orders/" + shipped + "/fulfil", ADMIN, "")
                        .code())
                .isEqualTo("INVALID_STATE");
        pay("p-ship", shipped, 2500, "SUCCEEDED");
        pay("p-refund", refunded, 2500, "SUCCEEDED");
        long onHand = jdbc.sql("SELECT on_hand FROM sales WHERE id = ?")
                .param(sale)
                .query(Long.class)
                .single();

        Http.Response f = http.post("/api/admin/orders/" + shipped + "/fulfil", ADMIN, "");
        assertThat(f.status()).isEqualTo(200);
        assertThat(f.json().path("status").asString()).isEqualTo("FULFILLED");
        assertThat(jdbc.sql("SELECT on_hand FROM sales WHERE id = ?")
                        .param(sale)
                        .query(Long.class)
                        .single())
                .isEqualTo(onHand - 1);
        assertThat(http.post("/api/admin/orders/" + shipped + "/fulfil", ADMIN, "")
                        .code())
                .isEqualTo("INVALID_STATE");
        assertThat(http.post("/api/admin/orders/" + shipped + "/refund", ADMIN, "")
                        .code())
                .isEqualTo("INVALID_STATE");

        Http.Response r = http.post("/api/admin/orders/" + refunded + "/refund", ADMIN, "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("status").asString()).isEqualTo("REFUNDED");
        assertThat(refundsFor(refunded)).contains("ADMIN_REFUND");
        assertThat(http.post("/api/admin/orders/" + refunded + "/refund", ADMIN, "")
                        .code())
                .isEqualTo("INVALID_STATE");
        JsonNode s = stock(sale);
        assertThat(s.path("sold").asLong()).isEqualTo(1);
        assertThat(s.path("available").asLong()).isEqualTo(3);
        assertThat(http.post("/api/admin/orders/" + refunded + "/refund", null, "")
                        .status())
                .isEqualTo(401);
        assertThat(http.post("/api/admin/orders/nope/fulfil", ADMIN, "").status())
                .isEqualTo(404);
        assertConsistent(sale);
    }

    // ---- events

    @Test
    void theEventFeedListsEveryChangeInCommitOrderWithACursor() {
        JsonNode first = http.get("/api/admin/events", ADMIN).json();
        String cursor = first.path("next").asString();
        String sale = sale(2, 1);
        String id = buy(sale, http.login("evented"), "k1").path("orderId").asString();
        pay("ev-1", id, 2500, "SUCCEEDED");
        http.post("/api/admin/sales/" + sale + "/restock", ADMIN, "{\"quantity\":1}");

        JsonNode page = http.get("/api/admin/events?after=" + cursor, ADMIN).json();
        List<String> types = page.path("items")
                .valueStream()
                .map(e -> e.path("type").asString())
                .toList();
        assertThat(types).containsSubsequence("sale.created", "order.placed", "order.paid", "sale.restocked");
        JsonNode paid = page.path("items")
                .valueStream()
                .filter(e -> e.path("type").asString().equals("order.paid"))
                .findFirst()
                .orElseThrow();
        assertThat(paid.path("id").asString()).isNotBlank();
        assertThat(paid.path("version").asInt()).isEqualTo(1);
        assertThat(paid.path("occurredAt").asString()).isNotBlank();
        assertThat(paid.path("data").path("orderId").asString()).isEqualTo(id);
        assertThat(paid.path("data").path("paymentId").asString()).isEqualTo("ev-1");

        JsonNode rest = http.get("/api/admin/events?after=" + page.path("next").asString(), ADMIN)
                .json();
        assertThat(rest.path("items").size()).isZero();
        assertThat(http.get("/api/admin/events?after=banana", ADMIN).status()).isEqualTo(400);
        assertThat(http.get("/api/admin/events", null).status()).isEqualTo(401);
    }

    // ---- races

    @Test
    void payRacingExpiryHasExactlyOneWinnerPerOrder() throws Exception {
        String sale = sale(40, 1);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(buy(sale, http.login("racer-" + i), "k").path("orderId").asString());
        }
        clock.advance(Duration.ofMinutes(10).minusMillis(1)); // deadline right at the edge; payments and sweeps race
        List<Callable<Object>> tasks = new ArrayList<>();
        for (String id : ids) {
            tasks.add(() -> pay("race-" + id, id, 2500, "SUCCEEDED"));
        }
        tasks.add(() -> {
            clock.advance(Duration.ofMillis(1));
            return sweeper.sweep();
        });
        tasks.add(sweeper::sweep);
        Together.run(tasks);
        sweeper.sweep();

        for (String id : ids) {
            String s = status(id);
            assertThat(s).isIn("PAID", "EXPIRED");
            long paidEvents = events("order.paid", id);
            long expiredEvents = events("order.expired", id);
            assertThat(paidEvents + expiredEvents)
                    .as("exactly one winner for " + id)
                    .isEqualTo(1);
            if (s.equals("EXPIRED")) {
                assertThat(refundsFor(id)).as("the losing payment is owed back").contains("LATE_PAYMENT");
            }
        }
        assertConsistent(sale);
    }

    @Test
    void cancelRacingPaymentHasExactlyOneWinner() throws Exception {
        String sale = sale(30, 1);
        List<String[]> bought = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String token = http.login("cp-" + i);
            bought.add(new String[] {buy(sale, token, "k").path("orderId").asString(), token});
        }
        List<Callable<Object>> tasks = new ArrayList<>();
        for (String[] b : bought) {
            tasks.add(() -> pay("cp-" + b[0], b[0], 2500, "SUCCEEDED"));
            tasks.add(() -> http.post("/api/orders/" + b[0] + "/cancel", b[1], ""));
        }
        Together.run(tasks);
        for (String[] b : bought) {
            assertThat(events("order.paid", b[0]) + events("order.cancelled", b[0]))
                    .isEqualTo(1);
        }
        assertConsistent(sale);
    }

    @Test
    void duplicateCallbacksInParallelPayOnceAndAllGetTheSameAnswer() throws Exception {
        String sale = sale(2, 1);
        String id = buy(sale, http.login("dup"), "k").path("orderId").asString();
        List<Callable<Object>> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tasks.add(() -> pay("dup-pay", id, 2500, "SUCCEEDED"));
        }
        List<Object> answers = Together.run(tasks);
        assertThat(answers)
                .allSatisfy(a -> assertThat(((Http.Response) a).status()).isEqualTo(200));
        assertThat(events("order.paid", id)).isEqualTo(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM order_history WHERE order_id = ? AND status = 'PAID'")
                        .param(id)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertConsistent(sale);
    }

    @Test
    void twoSweepersOnTheSameOrdersExpireEachOnce() throws Exception {
        String sale = sale(60, 1);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ids.add(buy(sale, http.login("sw-" + i), "k").path("orderId").asString());
        }
        clock.advance(Duration.ofMinutes(11));
        // three sweepers at once (and the scheduled one): each order must still expire exactly once
        Together.run(List.of(sweeper::sweep, sweeper::sweep, sweeper::sweep));
        for (String id : ids) {
            assertThat(status(id)).isEqualTo("EXPIRED");
            assertThat(events("order.expired", id)).isEqualTo(1);
        }
        assertThat(stock(sale).path("available").asLong()).isEqualTo(60);
        assertConsistent(sale);
    }

    private List<String> refundsFor(String orderId) {
        return http.get("/api/admin/refunds", ADMIN)
                .json()
                .path("items")
                .valueStream()
                .filter(r -> r.path("orderId").asString().equals(orderId))
                .map(r -> r.path("reason").asString())
                .toList();
    }
}
