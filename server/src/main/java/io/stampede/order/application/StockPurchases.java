package io.stampede.order.application;

import io.stampede.coupon.application.CouponRedemptions;
import io.stampede.coupon.domain.Coupon;
import io.stampede.event.port.Outbox;
import io.stampede.inventory.application.GateAdmission;
import io.stampede.inventory.application.StockCounters;
import io.stampede.inventory.application.WrongGates;
import io.stampede.inventory.application.strategy.StockTaking;
import io.stampede.inventory.application.strategy.StockTaking.Ending;
import io.stampede.inventory.application.strategy.StockTaking.Verdict;
import io.stampede.inventory.port.StockLedger;
import io.stampede.order.domain.Order;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.shared.Ids;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The purchase path of every strategy that decides in the database or takes tokens (all but REDIS_LUA): the strategy
 * takes the units in the same transaction that locks the buyer's row of the stock ledger, checks the idempotency key
 * and the per-user limit and inserts the order, so a 201 means committed and a rollback undoes everything. The window
 * is checked first, from the sale's definition.
 */
@Service
public class StockPurchases implements PurchasePath {
    private static final Logger log = LoggerFactory.getLogger(StockPurchases.class);
    private static final int MAX_REBUILDS = 3;

    private final Map<StockStrategy, StockTaking> strategies = new EnumMap<>(StockStrategy.class);
    private final StockCounters counters;
    private final StockLedger ledger;
    private final WrongGates wrongGates;
    private final OrderRepository orders;
    private final CouponRedemptions coupons;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final Clock clock;

    public StockPurchases(
            List<StockTaking> strategies,
            StockCounters counters,
            StockLedger ledger,
            WrongGates wrongGates,
            OrderRepository orders,
            CouponRedemptions coupons,
            Outbox outbox,
            TransactionTemplate tx,
            Clock clock) {
        strategies.forEach(s -> this.strategies.put(s.strategy(), s));
        this.counters = counters;
        this.ledger = ledger;
        this.wrongGates = wrongGates;
        this.orders = orders;
        this.coupons = coupons;
        this.outbox = outbox;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public boolean serves(Sale sale) {
        return strategies.containsKey(sale.strategy()) && sale.intake() == Intake.DIRECT;
    }

    @Override
    public PurchaseOutcome purchase(Sale sale, String userId, String key, int quantity, @Nullable Coupon coupon) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (!sale.isOpenAt(now)) {
            return new PurchaseOutcome.NotActive();
        }
        try {
            return decide(sale, userId, key, quantity, coupon, now);
        } catch (CannotGetJdbcConnectionException
                | CannotCreateTransactionException
                | TransientDataAccessResourceException e) {
            // a pre-check or a replay lookup outside the transaction found no connection: nothing was written
            log.warn("Purchase for sale {} refused, database busy or unreachable: {}", sale.id(), e.getMessage());
            return new PurchaseOutcome.Unavailable("the database is busy; retry with the same key");
        }
    }

    private PurchaseOutcome decide(
            Sale sale, String userId, String key, int quantity, @Nullable Coupon coupon, Instant now) {
        StockTaking strategy =
                Objects.requireNonNull(strategies.get(sale.strategy()), "no stock taking for the strategy");
        int rebuilds = 0;
        String lastReason = "";
        for (int round = 0; round < strategy.maxRounds() + MAX_REBUILDS; round++) {
            if (round > 0) {
                backOff(round);
            }
            StockTaking.Attempt attempt = strategy.begin(sale, userId, quantity);
            switch (complete(sale, userId, key, quantity, coupon, attempt, now)) {
                case Step.Done done -> {
                    return done.outcome();
                }
                case Step.Again again -> {
                    switch (again.verdict()) {
                        case Verdict.SoldOut s -> {
                            return soldOutOrReplay(sale, userId, key);
                        }
                        case Verdict.Contradicted c -> {
                            wrongGates.markWrong(
                                    sale.id(),
                                    "sale " + sale.id() + ": the ledger refused units of its " + sale.strategy()
                                            + " counter",
                                    () -> counters.rebuild(sale));
                            return soldOutOrReplay(sale, userId, key);
                        }
                        case Verdict.Unavailable u -> {
                            return new PurchaseOutcome.Unavailable(u.reason());
                        }
                        case Verdict.Missing m -> {
                            if (++rebuilds > MAX_REBUILDS) {
                                return new PurchaseOutcome.Unavailable("the sale's stock is being rebuilt");
                            }
                            GateAdmission.rebuildOrWait(() -> counters.rebuild(sale), "sale " + sale.id());
                        }
                        case Verdict.Retry r -> {
                            lastReason = r.reason();
                            if (round + 1 - rebuilds >= strategy.maxRounds()) {
                                // bounded: stock remains (else the answer would be sold out), so 503, not 409
                                return new PurchaseOutcome.Unavailable("gave up after " + strategy.maxRounds()
                                        + " tries (" + lastReason + "); retry with the same key");
                            }
                        }
                        case Verdict.Go g -> throw new IllegalStateException("a step that went on is done");
                    }
                }
            }
        }
        return new PurchaseOutcome.Unavailable("gave up (" + lastReason + "); retry with the same key");
    }

    /** What one attempt came to: an outcome, or a verdict that stopped it before one. */
    sealed interface Step {
        record Done(PurchaseOutcome outcome) implements Step {}

        record Again(Verdict verdict) implements Step {}
    }

    /** Runs a begun attempt to its end: the transaction, then the strategy's clean-up. */
    Step complete(
            Sale sale,
            String userId,
            String key,
            int quantity,
            @Nullable Coupon coupon,
            StockTaking.Attempt attempt,
            Instant now) {
        if (!(attempt.early() instanceof Verdict.Go)) {
            attempt.end(Ending.NOT_WRITTEN);
            return new Step.Again(attempt.early());
        }
        Order order = Order.placed(Ids.newId(), sale, userId, key, quantity, coupon, now);
        Ending ending = Ending.UNKNOWN;
        try {
            Step step = tx.execute(status -> {
                Step s = write(sale, order, attempt);
                if (!(s instanceof Step.Done d && d.outcome() instanceof PurchaseOutcome.Placed p && !p.replay())) {
                    status.setRollbackOnly();
                }
                return s;
            });
            ending = step instanceof Step.Done d && d.outcome() instanceof PurchaseOutcome.Placed p && !p.replay()
                    ? Ending.COMMITTED
                    : Ending.NOT_WRITTEN;
            return step;
        } catch (DuplicateKeyException e) {
            ending = Ending.NOT_WRITTEN; // the same key won in a concurrent attempt
            return orders.findByKey(sale.id(), userId, key)
                    .<Step>map(o -> new Step.Done(new PurchaseOutcome.Placed(o, true)))
                    .orElse(new Step.Again(Verdict.retry("a concurrent attempt with this key")));
        } catch (PessimisticLockingFailureException e) {
            ending = Ending.NOT_WRITTEN; // a deadlock or lock timeout rolled it back
            return new Step.Again(Verdict.retry("lock conflict: " + e.getClass().getSimpleName()));
        } catch (DataIntegrityViolationException
                | CannotCreateTransactionException
                | CannotGetJdbcConnectionException
                | TransientDataAccessResourceException e) {
            ending = Ending.NOT_WRITTEN; // rolled back by a constraint, or no transaction could start
            log.warn("Purchase for sale {} not written: {}", sale.id(), e.getMessage());
            return new Step.Again(Verdict.unavailable("the database did not take the order"));
        } catch (DataAccessException e) {
            // the commit's fate is unknown: its units stay taken until reconciliation (undersell, never oversell)
            log.warn("Purchase for sale {} in doubt: {}", sale.id(), e.getMessage());
            return new Step.Again(Verdict.unavailable("the order was not confirmed; retry with the same key"));
        } finally {
            attempt.end(ending);
        }
    }

    /** Inside the transaction: the buyer's row, the strategy's guard, the key and limit checks, the take, the insert. */
    private Step write(Sale sale, Order order, StockTaking.Attempt attempt) {
        // the buyer's row first (buyers before buckets, as every writer locks them): it serializes the buyer's attempts
        long held = ledger.lockBuyer(sale.id(), order.userId());
        Verdict guard = attempt.guard();
        if (!(guard instanceof Verdict.Go)) {
            return new Step.Again(guard);
        }
        Optional<Order> earlier = orders.findByKey(sale.id(), order.userId(), order.idempotencyKey());
        if (earlier.isPresent()) {
            return new Step.Done(new PurchaseOutcome.Placed(earlier.get(), true));
        }
        if (held + order.quantity() > sale.perUserLimit()) {
            return new Step.Done(new PurchaseOutcome.LimitExceeded());
        }
        Verdict take = attempt.take();
        if (!(take instanceof Verdict.Go)) {
            return new Step.Again(take);
        }
        if (order.couponId() != null
                && !coupons.redeem(order.couponId(), order.userId(), order.id(), order.createdAt())) {
            return new Step.Done(new PurchaseOutcome.CouponUsed());
        }
        ledger.addToBuyer(sale.id(), order.userId(), order.quantity());
        orders.insertAll(List.of(order));
        outbox.append(OrderEvents.of(order, order.status(), order.createdAt(), null));
        return new Step.Done(new PurchaseOutcome.Placed(order, false));
    }

    /** Sold out, unless this key already bought: a replay still finds its order. */
    private PurchaseOutcome soldOutOrReplay(Sale sale, String userId, String key) {
        return orders.findByKey(sale.id(), userId, key)
                .<PurchaseOutcome>map(o -> new PurchaseOutcome.Placed(o, true))
                .orElse(new PurchaseOutcome.SoldOut());
    }

    private static void backOff(int round) {
        try {
            // jittered and growing, so that the losers of one round do not collide again in the next
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 2L << Math.min(round, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
