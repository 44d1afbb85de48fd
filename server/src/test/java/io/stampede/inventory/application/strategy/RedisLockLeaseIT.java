package io.stampede.inventory.application.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stampede.inventory.application.Reconciliation;
import io.stampede.inventory.port.StockLock;
import io.stampede.order.application.PurchaseOutcome;
import io.stampede.order.application.Purchases;
import io.stampede.order.application.StockPurchases;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.SaleRules;
import io.stampede.sale.domain.StockFigures;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.testsupport.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * REDIS_LOCK's fence: a holder paused past its lease (a GC pause, a stalled VM) must not write, whether or not a
 * later holder has written meanwhile; and a fencing counter Redis lost is raised, not left to block every sale.
 */
@IntegrationTest
@TestPropertySource(properties = "stampede.strategies.lock-lease=300ms")
class RedisLockLeaseIT {
    @Autowired
    LockedStock locked;
    @Autowired
    StockLock lock;
    @Autowired
    StockPurchases path;
    @Autowired
    Purchases purchases;
    @Autowired
    SaleService sales;
    @Autowired
    Reconciliation reconciliation;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    StringRedisTemplate redis;

    @Test
    void aHolderPausedPastItsLeaseCannotWriteAfterTheNextHolderWrote() {
        Sale sale = openSale(5);
        StockLock.Lease slow = locked.acquire(sale.id()).orElseThrow();
        StockTaking.Attempt paused = locked.held(sale, 1, slow);
        await().atMost(Duration.ofSeconds(5)).until(() -> !lock.holds(slow)); // the pause outlives the lease

        assertThat(purchases.purchase(sale, "fast", "k", 1)).isInstanceOf(PurchaseOutcome.Placed.class);
        StockPurchases.Result late = path.complete(sale, "slow", "k", 1, null, paused, now());

        assertThat(late.verdict().kind()).isEqualTo(StockTaking.Verdict.Kind.UNAVAILABLE);
        assertThat(ordersOf(sale, "slow")).isZero();
        assertConsistent(sale, new StockFigures(5, 4, 1, 0));
    }

    @Test
    void aHolderWhoseLeaseLapsedCannotWriteEvenWhenNobodyTookTheLockSince() {
        Sale sale = openSale(5);
        StockLock.Lease slow = locked.acquire(sale.id()).orElseThrow();
        StockTaking.Attempt paused = locked.held(sale, 1, slow);
        await().atMost(Duration.ofSeconds(5)).until(() -> !lock.holds(slow));

        StockPurchases.Result late = path.complete(sale, "slow", "k", 1, null, paused, now());

        assertThat(late.verdict().kind()).isEqualTo(StockTaking.Verdict.Kind.UNAVAILABLE);
        assertThat(ordersOf(sale, "slow")).isZero();
        assertConsistent(sale, new StockFigures(5, 5, 0, 0));
        // and the lock is free for the next buyer
        assertThat(purchases.purchase(sale, "next", "k", 1)).isInstanceOf(PurchaseOutcome.Placed.class);
    }

    @Test
    void aHolderWithinItsLeaseWritesAndReleasesTheLock() {
        Sale sale = openSale(5);
        StockLock.Lease holder = locked.acquire(sale.id()).orElseThrow();

        StockPurchases.Result result = path.complete(sale, "prompt", "k", 1, null,
                locked.held(sale, 1, holder), now());

        assertThat(result.outcome()).isInstanceOf(PurchaseOutcome.Placed.class);
        assertThat(lock.holds(holder)).as("released after the commit").isFalse();
        assertConsistent(sale, new StockFigures(5, 4, 1, 0));
    }

    @Test
    void aFencingCounterLostWithRedisIsRaisedPastTheDatabaseAndSalesGoOn() {
        Sale sale = openSale(5);
        assertThat(purchases.purchase(sale, "first", "k", 1)).isInstanceOf(PurchaseOutcome.Placed.class);
        assertThat(purchases.purchase(sale, "second", "k", 1)).isInstanceOf(PurchaseOutcome.Placed.class);

        redis.delete(redis.keys("*{sale:" + sale.id() + "}:lock:fence")); // Redis restarted without its data

        assertThat(purchases.purchase(sale, "third", "k", 1)).isInstanceOf(PurchaseOutcome.Placed.class);
        assertConsistent(sale, new StockFigures(5, 2, 3, 0));
    }

    private Sale openSale(long stock) {
        Instant now = Instant.now();
        return sales.create(new SaleRules.Draft("lock lease", "SKU-LOCK", stock, 1000L, now.minusSeconds(5),
                now.plus(Duration.ofHours(1)), 1, Duration.ofMinutes(15), StockStrategy.REDIS_LOCK,
                Intake.DIRECT)).sale();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private long ordersOf(Sale sale, String userId) {
        return jdbc.sql("SELECT COUNT(*) FROM orders WHERE sale_id = ? AND user_id = ?").params(sale.id(), userId)
                .query(Long.class).single();
    }

    private void assertConsistent(Sale sale, StockFigures expected) {
        assertThat(sales.get(sale.id()).stock()).isEqualTo(expected);
        assertThat(reconciliation.report(sale).consistent()).isTrue();
    }
}
