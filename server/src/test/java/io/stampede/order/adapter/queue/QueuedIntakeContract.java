package io.stampede.order.adapter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.inventory.application.Reconciliation;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.QueuedReservations;
import io.stampede.order.application.PurchaseOutcome;
import io.stampede.order.application.Purchases;
import io.stampede.order.application.QueuedOrder;
import io.stampede.order.application.QueuedOrderCodec;
import io.stampede.order.port.IntakeQueue;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockFigures;
import io.stampede.shared.Ids;
import io.stampede.testsupport.Offers;
import io.stampede.testsupport.Together;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What intake QUEUED promises on any broker: a burst takes exactly the stock, every 202 becomes an order in the
 * database, a key always answers with the same order, a message delivered twice is one order, and a poison message
 * goes to the dead letters without holding up the rest. Invariants only, never timings.
 */
abstract class QueuedIntakeContract {
    @Autowired
    SaleService sales;

    @Autowired
    Purchases purchases;

    @Autowired
    OrderRepository orders;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Reconciliation reconciliation;

    @Autowired
    QueuedReservations queued;

    @Autowired
    IntakeQueue intake;

    @Autowired
    QueuedOrderCodec codec;

    record Attempt(String userId, String key) {}

    record Answer(Attempt attempt, PurchaseOutcome outcome) {}

    /** Puts a raw body on the intake queue, bypassing the publisher. */
    abstract void publishRaw(String body);

    /** The bodies in the dead letters. */
    abstract List<String> deadLetters();

    @Test
    void burstOf400AttemptsFrom200UsersTakesExactlyTheStockAndEveryAcceptedOrderIsWritten() throws Exception {
        Sale sale = openSale(50, 1);
        List<Attempt> plan = new ArrayList<>();
        for (int u = 0; u < 200; u++) {
            plan.add(new Attempt("user-" + u, "a"));
            plan.add(new Attempt("user-" + u, "b"));
        }
        List<Answer> answers = releaseTogether(sale, plan);

        assertThat(answers).allSatisfy(a -> assertThat(a.outcome()).isNotInstanceOf(PurchaseOutcome.Unavailable.class));
        Map<Attempt, String> accepted = new HashMap<>();
        for (Answer a : answers) {
            if (a.outcome() instanceof PurchaseOutcome.Queued q) {
                assertThat(q.replay()).isFalse();
                assertThat(q.order().status().name()).isEqualTo("QUEUED");
                accepted.put(a.attempt(), q.order().id());
            } else {
                assertThat(a.outcome())
                        .isInstanceOfAny(PurchaseOutcome.SoldOut.class, PurchaseOutcome.LimitExceeded.class);
            }
        }
        assertThat(accepted).as("accepted orders").hasSize(50);
        assertThat(accepted.keySet().stream().map(Attempt::userId).distinct().count())
                .as("distinct buyers")
                .isEqualTo(50);

        // a replay answers with the same order, whether it is written yet or not
        for (Map.Entry<Attempt, String> e : accepted.entrySet()) {
            PurchaseOutcome again =
                    purchases.purchase(sale, e.getKey().userId(), e.getKey().key(), 1);
            assertThat(again).isInstanceOfSatisfying(PurchaseOutcome.Queued.class, q -> {
                assertThat(q.replay()).isTrue();
                assertThat(q.order().id()).isEqualTo(e.getValue());
            });
        }

        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> storedIds(sale).containsAll(accepted.values()));
        assertThat(storedIds(sale)).as("only accepted orders are written").hasSize(50);
        assertThat(jdbc.sql("SELECT user_id FROM orders WHERE sale_id = ? GROUP BY user_id HAVING COUNT(*) > 1")
                        .param(sale.id())
                        .query(String.class)
                        .list())
                .as("users with two orders")
                .isEmpty();
        for (String id : accepted.values()) {
            var order = orders.find(id).orElseThrow();
            assertThat(order.status().name()).isEqualTo("PENDING_PAYMENT");
            assertThat(order.history()).extracting(h -> h.status().name()).containsExactly("QUEUED", "PENDING_PAYMENT");
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> queued.records(sale.id()).isEmpty());
        StockFigures figures = sales.get(sale.id()).orElseThrow().stock();
        assertThat(figures).isEqualTo(new StockFigures(50, 0, 50, 0));
        assertThat(reconciliation.report(sale).consistent())
                .as(reconciliation.report(sale).toString())
                .isTrue();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM events WHERE type = 'order.placed' AND data LIKE ?")
                        .param("%" + sale.id() + "%")
                        .query(Long.class)
                        .single())
                .as("one event per order")
                .isEqualTo(50);
    }

    @Test
    void aMessageDeliveredTwiceWritesOneOrder() {
        Sale sale = openSale(5, 1);
        QueuedOrder order = accept(sale, "twice");
        assertThat(intake.publish(order, Duration.ofSeconds(5))).isEqualTo(IntakeQueue.Publication.CONFIRMED);
        assertThat(intake.publish(order, Duration.ofSeconds(5))).isEqualTo(IntakeQueue.Publication.CONFIRMED);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> orders.find(order.id()).isPresent());
        // once written, a third copy is a no-op too
        publishRaw(codec.write(order));
        QueuedOrder marker = accept(sale, "after");
        intake.publish(marker, Duration.ofSeconds(5));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> orders.find(marker.id()).isPresent());
        assertThat(jdbc.sql("SELECT COUNT(*) FROM orders WHERE sale_id = ?")
                        .param(sale.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
        assertThat(sales.get(sale.id()).orElseThrow().stock()).isEqualTo(new StockFigures(5, 3, 2, 0));
        assertThat(reconciliation.report(sale).consistent()).isTrue();
    }

    @Test
    void aPoisonMessageGoesToTheDeadLettersAndDoesNotBlockTheRest() {
        Sale sale = openSale(5, 1);
        String poison = "{\"not\":\"an order\",\"marker\":\"" + Ids.newId() + "\"}";
        publishRaw(poison);
        QueuedOrder good = accept(sale, "good");
        intake.publish(good, Duration.ofSeconds(5));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> orders.find(good.id()).isPresent());
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> deadLetters().contains(poison));
    }

    /** Reserves at the gate as a purchase would (record kept), without publishing. */
    QueuedOrder accept(Sale sale, String user) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        QueuedOrder o = new QueuedOrder(Ids.newId(), sale.id(), user, "k", 1, 1000, now, now.plusSeconds(900), null, 0);
        Reservation r = queued.reserve(sale.id(), user, "k", 1, o.id(), now, codec.write(o), false);
        assertThat(r).isInstanceOf(Reservation.Reserved.class);
        queued.index(o.id(), sale.id());
        return o.withEpoch(((Reservation.Reserved) r).gateEpoch());
    }

    Set<String> storedIds(Sale sale) {
        return new HashSet<>(jdbc.sql("SELECT id FROM orders WHERE sale_id = ?")
                .param(sale.id())
                .query(String.class)
                .list());
    }

    Sale openSale(long stock, int limit) {
        return Offers.sale()
                .name("queued")
                .stock(stock)
                .limit(limit)
                .intake(Intake.QUEUED)
                .openWith(sales);
    }

    List<Answer> releaseTogether(Sale sale, List<Attempt> plan) throws Exception {
        return Together.run(plan.stream()
                .<Callable<Answer>>map(a -> () -> new Answer(a, purchases.purchase(sale, a.userId(), a.key(), 1)))
                .toList());
    }
}
