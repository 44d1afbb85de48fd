package io.stampede.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.inventory.application.Reconciliation;
import io.stampede.order.application.OrderExpirySweeper;
import io.stampede.order.application.OrderLifecycle;
import io.stampede.order.application.PaymentService;
import io.stampede.order.application.Purchases;
import io.stampede.order.domain.Order;
import io.stampede.order.domain.OrderStatus;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockFigures;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.shared.Ids;
import io.stampede.testsupport.Gen;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.MutableClock;
import io.stampede.testsupport.MutableClockConfig;
import io.stampede.testsupport.Offers;
import io.stampede.testsupport.Property;
import io.stampede.testsupport.Shrink;
import io.stampede.testsupport.Together;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The stock ledger is the database's own record of a sale's units: whatever interleaving of purchases (one by one
 * and several at once), cancellations, expiries, payments, refunds, fulfilments and restocks a sale goes through, on
 * any strategy of intake DIRECT, after every step the ledger says what the orders say (available, sold, every
 * buyer's units), the figures add up, nobody holds more than the limit, and the sale's Redis counter agrees with both.
 */
@IntegrationTest
@Import(MutableClockConfig.class)
@TestPropertySource(
        properties = {
            // the test decides when orders expire and when anything is compared: nothing scheduled mends behind it
            "stampede.expiry.interval=1h",
            "stampede.gate.repair-interval=1h",
            "stampede.reconciliation.interval=1h",
            "stampede.sold-out-flag-ttl=0s"
        })
class StockLedgerPropertyIT {
    private static final Duration PAYMENT_TIMEOUT = Duration.ofMinutes(10);

    @Autowired
    SaleService sales;

    @Autowired
    Purchases purchases;

    @Autowired
    OrderLifecycle lifecycle;

    @Autowired
    PaymentService payments;

    @Autowired
    OrderExpirySweeper sweeper;

    @Autowired
    Reconciliation reconciliation;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    @Test
    void theLedgerSaysWhatTheOrdersSayAfterEveryStep() {
        Property.forAll(CASES).tries(40).shrinkWith(Case::shorter).check(this::run);
    }

    private void run(Case c) throws Exception {
        Sale sale = Offers.sale()
                .name("ledger " + c.strategy())
                .stock(c.stock())
                .price(700)
                .limit(c.limit())
                .paymentTimeout(PAYMENT_TIMEOUT)
                .strategy(c.strategy())
                .on(clock)
                .endsIn(Duration.ofDays(2))
                .openWith(sales);
        int step = 0;
        for (Op op : c.ops()) {
            step++;
            apply(sale, op);
            check(sale, "after step " + step + " " + op);
        }
    }

    private void apply(Sale sale, Op op) throws Exception {
        switch (op) {
            case Buy b -> purchases.purchase(sale, b.user(), b.key(), b.quantity());
            case Cancel x ->
                pick(sale, x.pick(), OrderStatus.PENDING_PAYMENT).ifPresent(o -> lifecycle.cancel(o.id(), o.userId()));
            case Pay p ->
                pick(sale, p.pick(), OrderStatus.PENDING_PAYMENT)
                        .ifPresent(o -> payments.handle(
                                new PaymentService.Callback(Ids.newId(), o.id(), o.amountCents(), true)));
            case Refund r -> pick(sale, r.pick(), OrderStatus.PAID).ifPresent(o -> lifecycle.refund(o.id()));
            case Fulfil f -> pick(sale, f.pick(), OrderStatus.PAID).ifPresent(o -> lifecycle.fulfil(o.id()));
            case Wait w -> {
                clock.advance(Duration.ofMinutes(w.minutes()));
                sweeper.sweep();
            }
            case Restock r -> sales.restock(sale.id(), (long) r.quantity());
            case AtOnce t -> {
                List<Callable<Object>> tasks = new ArrayList<>();
                for (Op each : t.ops()) {
                    tasks.add(() -> {
                        apply(sale, each);
                        return null;
                    });
                }
                Together.run(tasks);
            }
        }
    }

    /** The n-th order of the sale in the given state (modulo how many there are), oldest first. */
    private Optional<Order> pick(Sale sale, int n, OrderStatus status) {
        List<String> ids = jdbc.sql("SELECT id FROM orders WHERE sale_id = ? AND status = ? ORDER BY created_at, id")
                .params(sale.id(), status.name())
                .query(String.class)
                .list();
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        String id = ids.get(Math.floorMod(n, ids.size()));
        return jdbc.sql("SELECT user_id, amount_cents FROM orders WHERE id = ?")
                .param(id)
                .query((rs, i) -> new Order(
                        id,
                        sale.id(),
                        rs.getString(1),
                        "k",
                        1,
                        rs.getLong(2),
                        status,
                        clock.instant(),
                        clock.instant(),
                        List.of(),
                        null,
                        null))
                .optional();
    }

    private void check(Sale sale, String where) {
        Reconciliation.Report report = reconciliation.report(sale);
        StockFigures ledger = report.ledger();
        assertThat(report.ledgerDisagreeing())
                .as("ledger against the orders %s: %s", where, report)
                .isZero();
        assertThat(ledger).as("ledger figures against the orders' %s", where).isEqualTo(report.database());
        assertThat(ledger.available() + ledger.reserved() + ledger.sold())
                .as(where)
                .isEqualTo(ledger.total());
        assertThat(ledger.available()).as(where).isNotNegative();
        assertThat(ledger.reserved()).as(where).isNotNegative();
        assertThat(jdbc.sql(
                                "SELECT user_id FROM orders WHERE sale_id = ? AND status IN "
                                        + "('QUEUED','PENDING_PAYMENT','PAID','FULFILLED') GROUP BY user_id HAVING SUM(quantity) > ?")
                        .params(sale.id(), sale.perUserLimit())
                        .query(String.class)
                        .list())
                .as("over the limit " + where)
                .isEmpty();
        assertThat(report.consistent())
                .as("the sale's counter against the database %s: %s", where, report)
                .isTrue();
        assertThat(sales.get(sale.id()).orElseThrow().stock())
                .as("the sale's figures %s", where)
                .isEqualTo(ledger);
    }

    // ---- the operations and their generators ----

    sealed interface Op {}

    record Buy(String user, String key, int quantity) implements Op {}

    record Cancel(int pick) implements Op {}

    record Pay(int pick) implements Op {}

    record Refund(int pick) implements Op {}

    record Fulfil(int pick) implements Op {}

    /** Time passes (sometimes past the payment deadline) and the expiry sweep runs. */
    record Wait(int minutes) implements Op {}

    record Restock(int quantity) implements Op {}

    /** Several operations at once, on threads released together. */
    record AtOnce(List<Op> ops) implements Op {}

    /** The input of one try: a sale and what happens to it. */
    record Case(StockStrategy strategy, int stock, int limit, List<Op> ops) {
        Stream<Case> shorter() {
            return Shrink.list(ops, 1).map(fewer -> new Case(strategy, stock, limit, fewer));
        }

        @Override
        public String toString() {
            return strategy + " stock=" + stock + " limit=" + limit + ", " + ops.size() + " steps:\n"
                    + IntStream.range(0, ops.size())
                            .mapToObj(i -> "  step " + (i + 1) + " " + ops.get(i))
                            .collect(Collectors.joining("\n"));
        }
    }

    // few users and keys, so that keys repeat (replays) and users reach their limit
    private static final Gen<String> USER = Gen.oneOf("u0", "u1", "u2", "u3");
    private static final Gen<String> KEY = Gen.oneOf("k0", "k1", "k2");
    private static final Gen<Op> BUY =
            r -> new Buy(USER.next(r), KEY.next(r), Gen.ints(1, 3).next(r));
    private static final Gen<Op> CANCEL = r -> new Cancel(Gen.ints(0, 9).next(r));
    private static final Gen<Op> ALONE = Gen.frequencyOf(
            Gen.weight(8, BUY),
            Gen.weight(3, CANCEL),
            Gen.weight(3, r -> new Pay(Gen.ints(0, 9).next(r))),
            Gen.weight(2, r -> new Refund(Gen.ints(0, 9).next(r))),
            Gen.weight(1, r -> new Fulfil(Gen.ints(0, 9).next(r))),
            Gen.weight(
                    2,
                    r -> new Wait(
                            Gen.frequency(Gen.weight(2, 1), Gen.weight(1, 11)).next(r))),
            Gen.weight(1, r -> new Restock(Gen.ints(1, 3).next(r))));
    private static final Gen<Op> OP = Gen.frequencyOf(
            Gen.weight(6, ALONE),
            Gen.weight(
                    1,
                    r -> new AtOnce(Gen.frequencyOf(Gen.weight(3, BUY), Gen.weight(1, CANCEL))
                            .list(2, 5)
                            .next(r))));
    private static final Gen<Case> CASES = r -> new Case(
            Gen.oneOf(
                            StockStrategy.REDIS_LUA,
                            StockStrategy.DB_PESSIMISTIC,
                            StockStrategy.DB_OPTIMISTIC,
                            StockStrategy.DB_CONDITIONAL,
                            StockStrategy.REDIS_LOCK,
                            StockStrategy.SEGMENTED,
                            StockStrategy.TOKEN_QUEUE)
                    .next(r),
            Gen.ints(1, 8).next(r),
            Gen.ints(1, 3).next(r),
            OP.list(5, 25).next(r));
}
