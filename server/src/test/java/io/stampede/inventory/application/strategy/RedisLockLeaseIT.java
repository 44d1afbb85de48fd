package io.stampede.inventory.application.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stampede.coupon.application.CouponRedemptions;
import io.stampede.event.port.Outbox;
import io.stampede.inventory.application.Reconciliation;
import io.stampede.inventory.application.StockCounters;
import io.stampede.inventory.application.WrongGates;
import io.stampede.inventory.port.StockLedger;
import io.stampede.inventory.port.StockLock;
import io.stampede.order.application.PurchaseOutcome;
import io.stampede.order.application.Purchases;
import io.stampede.order.application.StockPurchases;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockFigures;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.Offers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

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
    StockCounters counters;

    @Autowired
    StockLedger ledger;

    @Autowired
    WrongGates wrongGates;

    @Autowired
    OrderRepository orders;

    @Autowired
    CouponRedemptions coupons;

    @Autowired
    Outbox outbox;

    @Autowired
    TransactionTemplate tx;

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
        PurchaseOutcome late = completeAs(sale, "slow", paused);

        assertThat(late).isInstanceOf(PurchaseOutcome.Unavailable.class);
        assertThat(ordersOf(sale, "slow")).isZero();
        assertConsistent(sale, new StockFigures(5, 4, 1, 0));
    }

    @Test
    void aHolderWhoseLeaseLapsedCannotWriteEvenWhenNobodyTookTheLockSince() {
        Sale sale = openSale(5);
        StockLock.Lease slow = locked.acquire(sale.id()).orElseThrow();
        StockTaking.Attempt paused = locked.held(sale, 1, slow);
        await().atMost(Duration.ofSeconds(5)).until(() -> !lock.holds(slow));

        PurchaseOutcome late = completeAs(sale, "slow", paused);

        assertThat(late).isInstanceOf(PurchaseOutcome.Unavailable.class);
        assertThat(ordersOf(sale, "slow")).isZero();
        assertConsistent(sale, new StockFigures(5, 5, 0, 0));
        // and the lock is free for the next buyer
        assertThat(purchases.purchase(sale, "next", "k", 1)).isInstanceOf(PurchaseOutcome.Placed.class);
    }

    @Test
    void aHolderWithinItsLeaseWritesAndReleasesTheLock() {
        Sale sale = openSale(5);
        StockLock.Lease holder = locked.acquire(sale.id()).orElseThrow();

        PurchaseOutcome result = completeAs(sale, "prompt", locked.held(sale, 1, holder));

        assertThat(result).isInstanceOf(PurchaseOutcome.Placed.class);
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
        return Offers.sale()
                .name("lock lease")
                .stock(stock)
                .strategy(StockStrategy.REDIS_LOCK)
                .openWith(sales);
    }

    /** Runs one purchase whose (only) attempt is the given one: a holder of a lease taken before. */
    private PurchaseOutcome completeAs(Sale sale, String userId, StockTaking.Attempt attempt) {
        StockTaking once = new StockTaking() {
            @Override
            public StockStrategy strategy() {
                return StockStrategy.REDIS_LOCK;
            }

            @Override
            public int maxRounds() {
                return 1;
            }

            @Override
            public Attempt begin(Sale s, String u, int quantity) {
                return attempt;
            }
        };
        return new StockPurchases(
                        List.of(once), counters, ledger, wrongGates, orders, coupons, outbox, tx, Clock.systemUTC())
                .purchase(sale, userId, "k", 1, null);
    }

    private long ordersOf(Sale sale, String userId) {
        return jdbc.sql("SELECT COUNT(*) FROM orders WHERE sale_id = ? AND user_id = ?")
                .params(sale.id(), userId)
                .query(Long.class)
                .single();
    }

    private void assertConsistent(Sale sale, StockFigures expected) {
        assertThat(sales.get(sale.id()).orElseThrow().stock()).isEqualTo(expected);
        assertThat(reconciliation.report(sale).consistent()).isTrue();
    }
}
