package io.stampede.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.inventory.application.Reconciliation;
import io.stampede.order.application.OrderLifecycle;
import io.stampede.order.application.PurchaseOutcome;
import io.stampede.order.application.Purchases;
import io.stampede.order.domain.Transition;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockFigures;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.Offers;
import io.stampede.testsupport.Together;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Every stock strategy under the same burst: stock 50, 400 attempts from 200 users (two keys each) released
 * together, limit 1 - exactly 50 orders, nobody twice, the figures add up and the strategy's counter agrees with
 * the orders. CI runs this class on PostgreSQL and on MariaDB. A client retries a 503 with the same key, as the
 * contract asks, so that a strategy that gives up under contention (DB_OPTIMISTIC, REDIS_LOCK) still sells out.
 */
@IntegrationTest
class StrategyConcurrencyIT {
    private static final int RETRIES = 50;

    @Autowired
    SaleService sales;

    @Autowired
    Purchases purchases;

    @Autowired
    OrderLifecycle lifecycle;

    @Autowired
    OrderRepository orders;

    @Autowired
    Reconciliation reconciliation;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StringRedisTemplate redis;

    record Attempt(String userId, String key, int quantity) {}

    record Answer(Attempt attempt, PurchaseOutcome outcome) {}

    @ParameterizedTest
    @EnumSource(StockStrategy.class)
    void burstOf400AttemptsFrom200UsersSellsExactlyTheStockOf50(StockStrategy strategy) throws Exception {
        Sale sale = openSale(strategy, 50, 1);
        List<Attempt> plan = new ArrayList<>();
        for (int u = 0; u < 200; u++) {
            plan.add(new Attempt("user-" + u, "a", 1));
            plan.add(new Attempt("user-" + u, u % 4 == 0 ? "a" : "b", 1)); // a quarter replay their first key
        }

        List<Answer> answers = releaseTogether(sale, plan);

        assertThat(answers)
                .allSatisfy(a -> assertThat(a.outcome())
                        .isInstanceOfAny(
                                PurchaseOutcome.Placed.class,
                                PurchaseOutcome.SoldOut.class,
                                PurchaseOutcome.LimitExceeded.class));
        assertThat(count("SELECT COUNT(*) FROM orders WHERE sale_id = ?", sale)).isEqualTo(50);
        assertThat(jdbc.sql("SELECT user_id FROM orders WHERE sale_id = ? GROUP BY user_id HAVING COUNT(*) > 1")
                        .param(sale.id())
                        .query(String.class)
                        .list())
                .as("users with two orders")
                .isEmpty();
        assertEveryAnswerIsStoredAndKeysAreStable(sale, answers);
        assertConsistent(sale, new StockFigures(50, 0, 50, 0));
    }

    @ParameterizedTest
    @EnumSource(StockStrategy.class)
    void mixedQuantitiesWithALimitOfTwoSellEveryUnitAndNobodyPassesTheLimit(StockStrategy strategy) throws Exception {
        // 15 units: with SEGMENTED that is 8 buckets of 1 or 2, so a quantity of 2 must gather across buckets
        Sale sale = openSale(strategy, 15, 2);
        List<Attempt> plan = new ArrayList<>();
        for (int u = 0; u < 60; u++) {
            for (int k = 0; k < 3; k++) {
                plan.add(new Attempt("user-" + u, "k" + k, 1 + (u + k) % 2));
            }
        }

        long unavailable = releaseTogether(sale, plan).stream()
                .filter(a -> a.outcome() instanceof PurchaseOutcome.Unavailable)
                .count();

        assertThat(count("SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE sale_id = ?", sale))
                .as(
                        "%s: every unit sold, none stranded, none twice (%d attempts still unavailable after %d retries)",
                        strategy, unavailable, RETRIES)
                .isEqualTo(15);
        assertThat(jdbc.sql("SELECT user_id FROM orders WHERE sale_id = ? GROUP BY user_id HAVING SUM(quantity) > 2")
                        .param(sale.id())
                        .query(String.class)
                        .list())
                .as("users over their limit")
                .isEmpty();
        assertConsistent(sale, new StockFigures(15, 0, 15, 0));
    }

    @ParameterizedTest
    @EnumSource(StockStrategy.class)
    void cancelledUnitsComeBackOnceAndARestockSellsToo(StockStrategy strategy) throws Exception {
        Sale sale = openSale(strategy, 20, 1);
        List<Attempt> first = new ArrayList<>();
        for (int u = 0; u < 40; u++) {
            first.add(new Attempt("user-" + u, "a", 1));
        }
        List<Answer> bought = releaseTogether(sale, first).stream()
                .filter(a -> a.outcome() instanceof PurchaseOutcome.Placed)
                .toList();
        assertThat(bought).hasSize(20);

        // five buyers cancel, each twice at once: each order's unit comes back exactly once
        List<Callable<Object>> cancels = new ArrayList<>();
        for (Answer a : bought.subList(0, 5)) {
            String id = ((PurchaseOutcome.Placed) a.outcome()).order().id();
            for (int i = 0; i < 2; i++) {
                cancels.add(() -> lifecycle.cancel(id, a.attempt().userId()));
            }
        }
        List<Object> results = Together.run(cancels);
        assertThat(results.stream().filter(r -> r instanceof Transition.Done).count())
                .isEqualTo(5);
        assertConsistent(sale, new StockFigures(20, 5, 15, 0));

        sales.restock(sale.id(), 10L);
        assertConsistent(sale, new StockFigures(30, 15, 15, 0));

        List<Attempt> second = new ArrayList<>();
        for (int u = 100; u < 140; u++) {
            second.add(new Attempt("user-" + u, "a", 1));
        }
        long placed = releaseTogether(sale, second).stream()
                .filter(a -> a.outcome() instanceof PurchaseOutcome.Placed)
                .count();
        assertThat(placed)
                .as("the 5 returned and the 10 restocked units, no more")
                .isEqualTo(15);
        assertConsistent(sale, new StockFigures(30, 0, 30, 0));
    }

    @ParameterizedTest
    @EnumSource(
            value = StockStrategy.class,
            names = {"TOKEN_QUEUE", "DB_CONDITIONAL", "SEGMENTED"})
    void aCounterThatDriftedOrWasLostIsRebuiltFromTheOrdersWithoutOversell(StockStrategy strategy) throws Exception {
        Sale sale = openSale(strategy, 30, 1);
        List<Attempt> first = new ArrayList<>();
        for (int u = 0; u < 10; u++) {
            first.add(new Attempt("user-" + u, "a", 1));
        }
        releaseTogether(sale, first);

        // Redis loses the token list, or someone edits the rows: the counter now says more than the truth
        if (strategy == StockStrategy.TOKEN_QUEUE) {
            redis.delete(redis.keys("*{sale:" + sale.id() + "}:tokens*"));
        } else {
            jdbc.sql("UPDATE stock_buckets SET available = available + 7 WHERE sale_id = ? AND bucket = 0")
                    .param(sale.id())
                    .update();
            assertThat(reconciliation.report(sale).drift()).isEqualTo(7);
            reconciliation.rebuild(sale);
        }

        List<Attempt> second = new ArrayList<>();
        for (int u = 0; u < 60; u++) {
            second.add(new Attempt("user-" + u, "a", 1)); // the first ten are replays
        }
        List<Answer> answers = releaseTogether(sale, second);
        assertThat(count("SELECT COUNT(*) FROM orders WHERE sale_id = ?", sale)).isEqualTo(30);
        assertEveryAnswerIsStoredAndKeysAreStable(sale, answers);
        assertConsistent(sale, new StockFigures(30, 0, 30, 0));
    }

    private Sale openSale(StockStrategy strategy, long stock, int limit) {
        return Offers.sale()
                .name(strategy + " burst")
                .sku("SKU-" + strategy)
                .stock(stock)
                .limit(limit)
                .strategy(strategy)
                .openWith(sales);
    }

    /** Releases every attempt at once; each retries a 503 with the same key, as a client should. */
    private List<Answer> releaseTogether(Sale sale, List<Attempt> plan) throws Exception {
        List<Callable<Object>> tasks = new ArrayList<>();
        for (Attempt a : plan) {
            tasks.add(() -> {
                PurchaseOutcome outcome = purchases.purchase(sale, a.userId(), a.key(), a.quantity());
                for (int i = 0; i < RETRIES && outcome instanceof PurchaseOutcome.Unavailable; i++) {
                    Thread.sleep(20);
                    outcome = purchases.purchase(sale, a.userId(), a.key(), a.quantity());
                }
                return new Answer(a, outcome);
            });
        }
        return Together.run(tasks).stream().map(Answer.class::cast).toList();
    }

    private void assertEveryAnswerIsStoredAndKeysAreStable(Sale sale, List<Answer> answers) {
        Set<String> stored = new HashSet<>(jdbc.sql("SELECT id FROM orders WHERE sale_id = ?")
                .param(sale.id())
                .query(String.class)
                .list());
        Map<String, String> orderByKey = new HashMap<>();
        for (Answer a : answers) {
            if (a.outcome() instanceof PurchaseOutcome.Placed p) {
                assertThat(stored)
                        .as("acknowledged order is stored")
                        .contains(p.order().id());
                String key = a.attempt().userId() + "/" + a.attempt().key();
                String earlier = orderByKey.putIfAbsent(key, p.order().id());
                assertThat(earlier == null || earlier.equals(p.order().id()))
                        .as("same key, same order: " + key)
                        .isTrue();
            }
        }
    }

    private void assertConsistent(Sale sale, StockFigures expected) {
        StockFigures figures = sales.get(sale.id()).orElseThrow().stock();
        assertThat(figures).isEqualTo(expected);
        assertThat(figures.total()).isEqualTo(figures.available() + figures.reserved() + figures.sold());
        Reconciliation.Report report = reconciliation.report(sale);
        assertThat(report.cacheAvailable())
                .as("the strategy's counter = database available")
                .isEqualTo(figures.available());
        assertThat(report.consistent()).as("reconciliation finds no drift").isTrue();
    }

    private long count(String sql, Sale sale) {
        return jdbc.sql(sql).param(sale.id()).query(Long.class).single();
    }
}
