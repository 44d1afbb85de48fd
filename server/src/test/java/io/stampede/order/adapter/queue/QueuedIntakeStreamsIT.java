package io.stampede.order.adapter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.coupon.domain.Coupon;
import io.stampede.coupon.domain.CouponStatus;
import io.stampede.inventory.application.GateRebuilder;
import io.stampede.inventory.application.Reconciliation;
import io.stampede.inventory.application.ScheduledReconciliation;
import io.stampede.order.application.PurchaseOutcome;
import io.stampede.order.application.QueuedOrder;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockFigures;
import io.stampede.shared.SharedSettings;
import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.test.context.TestPropertySource;

/** Intake QUEUED on a Redis Stream (no RabbitMQ configured), including the takeover of a dead consumer's entries. */
@IntegrationTest
@TestPropertySource(properties = {"stampede.intake.reclaim-idle=1s"})
class QueuedIntakeStreamsIT extends QueuedIntakeContract {
    @Autowired
    StringRedisTemplate redis;

    @Autowired
    SharedSettings properties;

    String stream() {
        return properties.redis().keyPrefix() + "intake:orders";
    }

    @Override
    void publishRaw(String body) {
        redis.opsForStream().add(MapRecord.create(stream(), Map.of("order", body)));
    }

    @Override
    List<String> deadLetters() {
        return redis.opsForStream().range(stream() + ":dead", Range.unbounded()).stream()
                .map(r -> String.valueOf(r.getValue().get("order")))
                .toList();
    }

    @Autowired
    GateRebuilder rebuilder;

    @LocalServerPort
    int port;

    @Autowired
    ScheduledReconciliation scheduled;

    @Test
    void anAcceptedOrderNotWrittenYetIsNotDriftAndTheScheduleLeavesItsUnitHeld() {
        Sale sale = openSale(2, 1);
        accept(sale, "waiting"); // reserved and recorded; its message has not reached the consumer yet

        Reconciliation.Report report = reconciliation.report(sale);
        assertThat(report.database().available()).isEqualTo(2);
        assertThat(report.cacheAvailable()).isEqualTo(1);
        assertThat(report.consistent())
                .as("a queued order is not drift: " + report)
                .isTrue();
        assertThat(scheduled.check(sale)).isFalse();
        assertThat(scheduled.check(sale))
                .as("no rebuild on the second pass either")
                .isFalse();

        assertThat(purchases.purchase(sale, "second", "k", 1)).isInstanceOf(PurchaseOutcome.Queued.class);
        assertThat(purchases.purchase(sale, "third", "k", 1)).isInstanceOf(PurchaseOutcome.SoldOut.class);
    }

    @Test
    void aQueuedSaleRefusesACouponRatherThanAcceptAnOrderItMightNotHonour() {
        Sale sale = openSale(2, 1);
        Coupon coupon =
                new Coupon("c-1", "camp-1", "buyer", "k", "CODE", CouponStatus.CLAIMED, null, 100, Instant.now());

        // an answer of the purchase, which the web layer turns into 400 VALIDATION
        assertThat(purchases.purchase(sale, "buyer", "k", 1, coupon)).isInstanceOf(PurchaseOutcome.Invalid.class);
        assertThat(reconciliation.report(sale).database().available())
                .as("nothing reserved")
                .isEqualTo(2);
        assertThat(reconciliation.report(sale).cacheAvailable()).isEqualTo(2);
    }

    @Test
    void aGateRebuiltBetweenAcceptanceAndWriteKeepsTheAcceptedOrderAndItsUnit() {
        Sale sale = openSale(1, 1);
        QueuedOrder accepted = accept(sale, "first");
        // the gate is lost and rebuilt from the database, which does not have the order yet
        redis.delete(redis.keys("*{sale:" + sale.id() + "}:gate"));
        assertThat(rebuilder.rebuild(sale)).isTrue();
        // the rebuilt gate still holds the accepted order's unit: nobody else gets it
        assertThat(purchases.purchase(sale, "second", "k", 1)).isInstanceOf(PurchaseOutcome.SoldOut.class);
        // and the order, reserved under the old gate, is written all the same
        intake.publish(accepted, Duration.ofSeconds(5));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> orders.find(accepted.id()).isPresent());
        assertThat(orders.find(accepted.id()).orElseThrow().status().name()).isEqualTo("PENDING_PAYMENT");
        assertThat(sales.get(sale.id()).orElseThrow().stock()).isEqualTo(new StockFigures(1, 0, 1, 0));
        assertThat(reconciliation.report(sale).consistent()).isTrue();
    }

    @Test
    void anAcceptedOrderWhoseRecordRedisLostIsReadmittedOrRejectedButNeverOversold() {
        Sale sale = openSale(1, 1);
        QueuedOrder lost = accept(sale, "lost");
        // Redis loses everything of the sale (record included) and the gate is rebuilt without the order
        redis.delete(redis.keys("*{sale:" + sale.id() + "}:*"));
        assertThat(rebuilder.rebuild(sale)).isTrue();
        assertThat(purchases.purchase(sale, "newcomer", "k", 1)).isInstanceOf(PurchaseOutcome.Queued.class);
        // the first order's message arrives: the unit is gone, so it is written REJECTED, visible to its owner
        intake.publish(lost, Duration.ofSeconds(5));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> orders.find(lost.id()).isPresent());
        var order = orders.find(lost.id()).orElseThrow();
        assertThat(order.status().name()).isEqualTo("REJECTED");
        assertThat(order.refusal()).isEqualTo("SOLD_OUT");
        assertThat(order.history()).extracting(h -> h.status().name()).containsExactly("QUEUED", "REJECTED");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> sales.get(sale.id()).orElseThrow().stock().equals(new StockFigures(1, 0, 1, 0)));
        assertThat(reconciliation.report(sale).consistent()).isTrue();
    }

    @Test
    void anUnwrittenOrderIsShownQueuedToItsOwnerOnlyAndCannotBeCancelledYet() {
        Http http = new Http("http://127.0.0.1:" + port);
        Sale sale = openSale(3, 1);
        QueuedOrder held = accept(sale, "poller"); // accepted, not published: stays unwritten
        var mine = http.get("/api/orders/" + held.id(), http.login("poller"));
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.json().path("status").asString()).isEqualTo("QUEUED");
        assertThat(mine.json().path("history").get(0).path("status").asString()).isEqualTo("QUEUED");
        assertThat(http.get("/api/orders/" + held.id(), http.login("someone-else"))
                        .status())
                .isEqualTo(404);
        var cancel = http.post("/api/orders/" + held.id() + "/cancel", http.login("poller"), "");
        assertThat(cancel.status()).isEqualTo(409);
        assertThat(cancel.code()).isEqualTo("INVALID_STATE");
        queued.forget(sale.id(), List.of(held.id()));
    }

    @Test
    void anEntryLeftPendingByADeadConsumerIsTakenOverAndWritten() {
        assertThat(intake.describe()).startsWith("Redis Stream");
        Sale sale = openSale(5, 1);
        QueuedOrder order = accept(sale, "orphan");
        // a consumer that read the entry and died before acknowledging it: add and read in one atomic step, so the
        // live consumer cannot take it first
        List<?> read = redis.execute(RedisScript.of("""
                redis.call('XADD', KEYS[1], '*', 'order', ARGV[1])
                return redis.call('XREADGROUP', 'GROUP', 'stampede-intake', 'dead-consumer', 'COUNT', '100',
                  'STREAMS', KEYS[1], '>')""", List.class), List.of(stream()), codec.write(order));
        assertThat(read).isNotEmpty();
        assertThat(redis.opsForStream().pending(stream(), "stampede-intake").getTotalPendingMessages())
                .isPositive();

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> orders.find(order.id()).isPresent());
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> redis.opsForStream()
                                .pending(stream(), "stampede-intake")
                                .getTotalPendingMessages()
                        == 0);
        assertThat(reconciliation.report(sale).consistent()).isTrue();
    }
}
