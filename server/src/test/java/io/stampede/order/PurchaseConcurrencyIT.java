package io.stampede.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.inventory.application.GateRebuilder;
import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.inventory.port.UnitHolders;
import io.stampede.order.application.OrderWriter;
import io.stampede.order.application.PurchaseOutcome;
import io.stampede.order.application.Purchases;
import io.stampede.order.domain.Order;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockFigures;
import io.stampede.shared.Ids;
import io.stampede.testsupport.IntegrationTest;
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
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Thousands of attempts released at once on one sale: exactly the stock is sold, nobody twice, gate = database. */
@IntegrationTest
class PurchaseConcurrencyIT {
    @Autowired
    SaleService sales;

    @Autowired
    Purchases purchases;

    @Autowired
    PurchaseGate gate;

    @Autowired
    OrderRepository orders;

    @Autowired
    UnitHolders holders;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StringRedisTemplate redis;

    record Attempt(String userId, String key) {}

    record Answer(Attempt attempt, PurchaseOutcome outcome) {}

    @Test
    void burstOf2000AttemptsFrom500UsersSellsExactly100() throws Exception {
        Sale sale = openSale(100, 1);
        List<Attempt> plan = new ArrayList<>();
        for (int u = 0; u < 500; u++) {
            for (int k = 0; k < 3; k++) {
                plan.add(new Attempt("user-" + u, "key-" + k));
            }
            plan.add(new Attempt("user-" + u, "key-0")); // a replay racing its original
        }
        assertThat(plan).hasSize(2000);

        List<Answer> answers = releaseTogether(sale, plan);

        List<Answer> placed = answers.stream()
                .filter(a -> a.outcome() instanceof PurchaseOutcome.Placed)
                .toList();
        assertThat(answers).allSatisfy(a -> assertThat(a.outcome()).isNotInstanceOf(PurchaseOutcome.Unavailable.class));

        // exactly the stock, in the database
        long stored = jdbc.sql("SELECT COUNT(*) FROM orders WHERE sale_id = ?")
                .param(sale.id())
                .query(Long.class)
                .single();
        assertThat(stored).isEqualTo(100);
        List<String> twice = jdbc.sql(
                        "SELECT user_id FROM orders WHERE sale_id = ? GROUP BY user_id HAVING COUNT(*) > 1")
                .param(sale.id())
                .query(String.class)
                .list();
        assertThat(twice).as("users with two orders").isEmpty();

        // every acknowledged order is stored, and a key always answers with the same order
        Set<String> storedIds = new HashSet<>(jdbc.sql("SELECT id FROM orders WHERE sale_id = ?")
                .param(sale.id())
                .query(String.class)
                .list());
        Map<Attempt, String> orderByKey = new HashMap<>();
        for (Answer a : placed) {
            String id = ((PurchaseOutcome.Placed) a.outcome()).order().id();
            assertThat(storedIds).contains(id);
            String earlier = orderByKey.putIfAbsent(a.attempt(), id);
            assertThat(earlier == null || earlier.equals(id))
                    .as("same key, same order: " + a.attempt())
                    .isTrue();
        }
        assertThat(new HashSet<>(orderByKey.values())).hasSize(100);

        assertFiguresAndGateAgree(sale, 100, 100);
    }

    @Test
    void limitOfTwoWithMixedQuantitiesNeverPassesLimitOrStock() throws Exception {
        Sale sale = openSale(150, 2);
        List<Attempt> plan = new ArrayList<>();
        for (int u = 0; u < 200; u++) {
            for (int k = 0; k < 4; k++) {
                plan.add(new Attempt("user-" + u, "q" + (1 + (u + k) % 2) + "-" + k));
            }
        }
        List<Answer> answers = releaseTogether(sale, plan);
        assertThat(answers).allSatisfy(a -> assertThat(a.outcome()).isNotInstanceOf(PurchaseOutcome.Unavailable.class));

        long units = jdbc.sql("SELECT COALESCE(SUM(quantity),0) FROM orders WHERE sale_id = ?")
                .param(sale.id())
                .query(Long.class)
                .single();
        assertThat(units).isEqualTo(150);
        List<String> over = jdbc.sql(
                        "SELECT user_id FROM orders WHERE sale_id = ? GROUP BY user_id HAVING SUM(quantity) > 2")
                .param(sale.id())
                .query(String.class)
                .list();
        assertThat(over).as("users over their limit").isEmpty();
        assertFiguresAndGateAgree(sale, 150, 150);
    }

    @Test
    void gateLostInTheMiddleOfABurstIsRebuiltWithoutOversellAndReplaysStillFindTheirOrders() throws Exception {
        Sale sale = openSale(60, 1);
        List<Attempt> first = new ArrayList<>();
        for (int u = 0; u < 40; u++) {
            first.add(new Attempt("user-" + u, "a"));
        }
        List<Answer> before = releaseTogether(sale, first);
        assertThat(before).allSatisfy(a -> assertThat(a.outcome()).isInstanceOf(PurchaseOutcome.Placed.class));

        // Redis loses the sale (restart, flush): the next purchases must rebuild from the database
        redis.delete(redis.keys("*" + sale.id() + "*"));
        assertThat(gate.read(sale.id())).isEmpty();

        List<Attempt> second = new ArrayList<>();
        for (int u = 0; u < 100; u++) {
            second.add(new Attempt("user-" + u, "a")); // the first 40 are replays of orders made before the loss
        }
        List<Answer> after = releaseTogether(sale, second);
        for (Answer a : after) {
            int u = Integer.parseInt(a.attempt().userId().substring(5));
            if (u < 40) {
                String original = before.stream()
                        .filter(b -> b.attempt().equals(a.attempt()))
                        .findFirst()
                        .map(b -> ((PurchaseOutcome.Placed) b.outcome()).order().id())
                        .orElseThrow();
                assertThat(a.outcome())
                        .isInstanceOfSatisfying(
                                PurchaseOutcome.Placed.class,
                                p -> assertThat(p.order().id()).isEqualTo(original));
            }
        }
        assertFiguresAndGateAgree(sale, 60, 60);
    }

    @Test
    void aReservationWhoseOrderCannotBeWrittenIsReturnedToTheGate() {
        Sale sale = openSale(10, 1);
        PurchaseOutcome first = purchases.purchase(sale, "alice", "k1", 1);
        assertThat(first).isInstanceOf(PurchaseOutcome.Placed.class);
        // the gate forgets the key (as after a partial loss) while the database keeps the order: the second insert
        // hits the unique constraint, the reservation is compensated, and the answer is the existing order
        String prefix = redis.keys("*{sale:" + sale.id() + "}:keys").iterator().next();
        redis.opsForHash().delete(prefix, GateState.keyField("alice", "k1"));
        redis.opsForHash().delete(prefix.replace(":keys", ":users"), "alice");

        PurchaseOutcome replay = purchases.purchase(sale, "alice", "k1", 1);
        assertThat(replay).isInstanceOfSatisfying(PurchaseOutcome.Placed.class, p -> {
            assertThat(p.replay()).isTrue();
            assertThat(p.order().id())
                    .isEqualTo(((PurchaseOutcome.Placed) first).order().id());
        });
        // the gate that lost the key is rebuilt from the database at once, in the background
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> gate.read(sale.id())
                        .map(g -> g.unitsByUser().getOrDefault("alice", 0L) == 1)
                        .orElse(false));
        GateState state = gate.read(sale.id()).orElseThrow();
        assertThat(state.available())
                .as("the unit of the failed write came back")
                .isEqualTo(9);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM orders WHERE sale_id = ?")
                        .param(sale.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Autowired
    GateRebuilder rebuilder;

    @Autowired
    OrderWriter writer;

    @Test
    void anOrderReservedByAGateThatWasRebuiltSinceIsNeverWritten() {
        Sale sale = openSale(5, 1);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String late = Ids.newId();
        var granted = (Reservation.Reserved) gate.reserve(sale.id(), "slow-instance", "k", 1, late, now);

        // meanwhile another instance finds the gate lost and rebuilds it from the database, which lacks this order
        redis.delete(redis.keys("*{sale:" + sale.id() + "}:*"));
        assertThat(rebuilder.rebuild(sale)).isTrue();

        var write = writer.write(Order.placed(late, sale, "slow-instance", "k", 1, null, now), granted.gateEpoch());
        assertThat(write.join()).isInstanceOf(OrderWriter.WriteResult.StaleGate.class);
        assertThat(orders.find(late)).isEmpty();
        assertFiguresAndGateAgree(sale, 5, 0);

        // an order of the current gate is written as usual
        String fresh = Ids.newId();
        var current = (Reservation.Reserved) gate.reserve(sale.id(), "fast", "k", 1, fresh, now);
        assertThat(writer.write(Order.placed(fresh, sale, "fast", "k", 1, null, now), current.gateEpoch())
                        .join())
                .isInstanceOf(OrderWriter.WriteResult.Committed.class);
        assertFiguresAndGateAgree(sale, 5, 1);
    }

    private Sale openSale(long stock, int limit) {
        return Offers.sale().name("burst").stock(stock).limit(limit).openWith(sales);
    }

    private List<Answer> releaseTogether(Sale sale, List<Attempt> plan) throws Exception {
        return Together.run(plan.stream()
                .<Callable<Answer>>map(a -> () -> new Answer(
                        a, purchases.purchase(sale, a.userId(), a.key(), a.key().startsWith("q2") ? 2 : 1)))
                .toList());
    }

    private void assertFiguresAndGateAgree(Sale sale, long total, long reserved) {
        StockFigures figures = sales.get(sale.id()).orElseThrow().stock();
        assertThat(figures).isEqualTo(new StockFigures(total, total - reserved, reserved, 0));
        GateState state = gate.read(sale.id()).orElseThrow();
        assertThat(state.available()).as("gate available = database available").isEqualTo(figures.available());
        assertThat(state.unitsByUser())
                .as("gate per-user units = database")
                .isEqualTo(holders.liveUnitsByUser(sale.id()));
        assertThat(state.orderByKey()).as("gate keys = database keys").isEqualTo(holders.orderIdsByKey(sale.id()));
    }
}
