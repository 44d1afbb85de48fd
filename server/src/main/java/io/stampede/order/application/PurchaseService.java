package io.stampede.order.application;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.stampede.coupon.application.CouponRedemptions;
import io.stampede.coupon.domain.Coupon;
import io.stampede.inventory.application.GateRebuilder;
import io.stampede.inventory.application.InFlightReservations;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.order.domain.Order;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.sale.port.SaleRepository;
import io.stampede.shared.StampedeProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The purchase path of strategy REDIS_LUA with intake DIRECT: the gate decides in one atomic step, winners are
 * written by group commit and answered only after their commit, and a reservation whose order could not be
 * written is returned to the gate.
 */
@Service
public class PurchaseService implements PurchasePath {
    private static final Logger log = LoggerFactory.getLogger(PurchaseService.class);
    private static final Duration GATE_BUILD_WAIT = Duration.ofSeconds(5);
    private static final int SETTLE_TIMEOUT_SECONDS = 5;

    private final PurchaseGate gate;
    private final GateRebuilder rebuilder;
    private final InFlightReservations inFlight;
    private final OrderWriter writer;
    private final OrderRepository orders;
    private final Clock clock;
    private final Duration commitTimeout;
    private final CircuitBreaker breaker;
    private final SaleRepository sales;
    private final TransactionTemplate settle;

    public PurchaseService(PurchaseGate gate, GateRebuilder rebuilder, InFlightReservations inFlight, OrderWriter writer,
                           OrderRepository orders, SaleRepository sales, PlatformTransactionManager transactions,
                           Clock clock, StampedeProperties properties, CircuitBreaker gateCircuitBreaker) {
        this.breaker = gateCircuitBreaker;
        this.sales = sales;
        // bounded: a batch whose connection died unseen can hold its lock until the database notices
        this.settle = new TransactionTemplate(transactions);
        settle.setTimeout(SETTLE_TIMEOUT_SECONDS);
        this.gate = gate;
        this.rebuilder = rebuilder;
        this.inFlight = inFlight;
        this.writer = writer;
        this.orders = orders;
        this.clock = clock;
        this.commitTimeout = properties.groupCommit().timeout();
    }

    /** One purchase attempt by a user with an idempotency key; quantity and key are already validated. */
    public PurchaseOutcome purchase(Sale sale, String userId, String idempotencyKey, int quantity) {
        return purchase(sale, userId, idempotencyKey, quantity, null);
    }

    /** The same, redeeming a claimed coupon of the user (already checked usable) that lowers the amount. */
    @Override
    public PurchaseOutcome purchase(Sale sale, String userId, String idempotencyKey, int quantity, Coupon coupon) {
        return attempt(sale, userId, idempotencyKey, quantity, coupon);
    }

    @Override
    public boolean serves(Sale sale) {
        return sale.strategy() == StockStrategy.REDIS_LUA && sale.intake() == Intake.DIRECT;
    }

    private PurchaseOutcome attempt(Sale sale, String userId, String key, int quantity, Coupon coupon) {
        long deadline = System.nanoTime() + GATE_BUILD_WAIT.toNanos();
        while (true) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS); // as the database keeps it
            String orderId = io.stampede.shared.Ids.newId();
            long generation = inFlight.enter(sale.id());
            boolean handedOver = false;
            Reservation reservation;
            try {
                reservation = reserve(sale, userId, key, quantity, orderId, now);
                if (reservation instanceof Reservation.Reserved granted) {
                    long amount = sale.amountFor(quantity);
                    if (coupon != null) {
                        amount = Math.max(0, amount - coupon.discountCents());
                    }
                    Order order = Order.placed(orderId, sale.id(), userId, key, quantity, amount, now,
                            now.plus(sale.paymentTimeout()), coupon == null ? null : coupon.id());
                    CompletableFuture<Boolean> committed = write(order, granted.gateEpoch(), generation);
                    handedOver = true;
                    return awaitCommit(order, committed);
                }
            } finally {
                if (!handedOver) {
                    inFlight.exit(sale.id(), generation);
                }
            }
            switch (reservation) {
                case Reservation.Duplicate d -> {
                    return replay(d.orderId(), userId);
                }
                case Reservation.SoldOut s -> {
                    return new PurchaseOutcome.SoldOut();
                }
                case Reservation.LimitExceeded l -> {
                    return new PurchaseOutcome.LimitExceeded();
                }
                case Reservation.NotActive n -> {
                    return new PurchaseOutcome.NotActive();
                }
                case Reservation.GateMissing m -> {
                    if (System.nanoTime() > deadline) {
                        return new PurchaseOutcome.Unavailable("the sale's gate is being rebuilt");
                    }
                    rebuilder.rebuildOrWait(sale);
                }
                case Reservation.Reserved r -> throw new IllegalStateException("handled above");
            }
        }
    }

    /**
     * The gate call. If its answer is lost (a Redis timeout after the script ran), the reservation may exist with
     * nobody to write its order: undo it. Compensation only acts while the key still points at this new order id.
     */
    private Reservation reserve(Sale sale, String userId, String key, int quantity, String orderId, Instant now) {
        try {
            return breaker.executeSupplier(() -> gate.reserve(sale.id(), userId, key, quantity, orderId, now));
        } catch (CallNotPermittedException e) {
            throw e; // the circuit is open: Redis was not called, there is nothing to undo
        } catch (RuntimeException e) {
            try {
                gate.compensate(sale.id(), userId, key, orderId, quantity);
            } catch (RuntimeException again) {
                log.warn("Purchase {} of sale {} lost its gate answer and could not be undone yet: {}", orderId,
                        sale.id(), again.getMessage());
            }
            throw e;
        }
    }

    /**
     * Hands the order to the group commit. Whatever happens to it, the in-flight mark is cleared and the gate is
     * settled: units go back only when the order is known not to be in the database (see
     * {@link #committedDespite}); a read right after a failed commit is not enough, since that commit may still be
     * landing, and returning its units then could sell them twice.
     */
    private CompletableFuture<Boolean> write(Order order, long gateEpoch, long generation) {
        return writer.write(order, gateEpoch).handle((ok, failure) -> {
            try {
                if (failure == null || committedDespite(order, unwrap(failure))) {
                    return true;
                }
                throw unwrap(failure) instanceof RuntimeException r ? r : new IllegalStateException(unwrap(failure));
            } finally {
                inFlight.exit(order.saleId(), generation);
            }
        });
    }

    /**
     * After a failed write: true when the order is in the database after all. A batch that failed before its commit
     * rolled back, and so did one the writer never took or a constraint refused: the units go back. A batch whose
     * commit failed ({@link OrderWriter.InDoubt}) may still be landing, so the answer waits until its transaction has
     * surely ended: taking the sale row exclusively waits for every batch that holds it shared, after which a read
     * is the truth. If even that fails (the database is gone), the units stay held until reconciliation.
     */
    private boolean committedDespite(Order order, Throwable cause) {
        try {
            if (cause instanceof OrderWriter.InDoubt) {
                Boolean written = settle.execute(s -> {
                    sales.lockExclusively(order.saleId());
                    return orders.find(order.id()).isPresent();
                });
                if (Boolean.TRUE.equals(written)) {
                    return true;
                }
            }
            gate.compensate(order.saleId(), order.userId(), order.idempotencyKey(), order.id(), order.quantity());
        } catch (RuntimeException e) {
            log.warn("Order {} not confirmed and its units not returned yet; reconciliation will settle it: {}",
                    order.id(), e.getMessage());
        }
        return false;
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : t;
    }

    private PurchaseOutcome awaitCommit(Order order, CompletableFuture<Boolean> committed) {
        try {
            committed.get(commitTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return new PurchaseOutcome.Placed(order, false);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DuplicateKeyException) {
                // the database already holds an order for this key (the gate had lost it): that order is the answer
                return orders.findByKey(order.saleId(), order.userId(), order.idempotencyKey())
                        .<PurchaseOutcome>map(o -> new PurchaseOutcome.Placed(o, true))
                        .orElse(new PurchaseOutcome.Unavailable("order could not be written"));
            }
            if (cause instanceof CouponRedemptions.CouponUnavailable) {
                return new PurchaseOutcome.CouponUsed();
            }
            if (cause instanceof OrderWriter.StaleGate) {
                return new PurchaseOutcome.Unavailable("the sale's gate was rebuilt meanwhile; retry");
            }
            if (cause instanceof OrderWriter.Overloaded) {
                return new PurchaseOutcome.Unavailable("too many orders waiting to be written");
            }
            return new PurchaseOutcome.Unavailable("the database did not take the order");
        } catch (TimeoutException e) {
            // it may still commit; a replay of the same key will find it
            return new PurchaseOutcome.Unavailable("the order was not confirmed in time; retry with the same key");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PurchaseOutcome.Unavailable("interrupted");
        }
    }

    /** The order of an earlier attempt with the same key; it may still be on its way to the database. */
    private PurchaseOutcome replay(String orderId, String userId) {
        long deadline = System.nanoTime() + commitTimeout.toNanos();
        while (true) {
            Optional<Order> order = orders.find(orderId);
            if (order.isPresent() && order.get().userId().equals(userId)) {
                return new PurchaseOutcome.Placed(order.get(), true);
            }
            if (System.nanoTime() > deadline) {
                return new PurchaseOutcome.Unavailable("the earlier attempt with this key is not settled yet");
            }
            sleep(10);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
