package io.stampede.order.application;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.stampede.coupon.domain.Coupon;
import io.stampede.inventory.application.GateRebuilder;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.QueuedReservations;
import io.stampede.order.domain.Order;
import io.stampede.order.port.IntakeQueue;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.shared.ApiException;
import io.stampede.shared.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The purchase path of strategy REDIS_LUA with intake QUEUED: the gate reserves and keeps a record of the accepted
 * order in the same atomic step, the order request is published to the intake queue, and the answer is 202 only
 * once the broker confirmed it. The database is not on this path at all, so purchases go on while it is down.
 */
@Service
public class QueuedPurchases implements PurchasePath {
    private static final Logger log = LoggerFactory.getLogger(QueuedPurchases.class);
    private static final Duration GATE_BUILD_WAIT = Duration.ofSeconds(5);

    private final QueuedReservations gate;
    private final GateRebuilder rebuilder;
    private final IntakeQueue intake;
    private final OrderRepository orders;
    private final QueuedOrderCodec codec;
    private final CircuitBreaker breaker;
    private final Clock clock;
    private final Duration confirmTimeout;

    public QueuedPurchases(QueuedReservations gate, GateRebuilder rebuilder, IntakeQueue intake,
                           OrderRepository orders, QueuedOrderCodec codec, CircuitBreaker gateCircuitBreaker,
                           Clock clock, IntakeSettings settings) {
        this.gate = gate;
        this.rebuilder = rebuilder;
        this.intake = intake;
        this.orders = orders;
        this.codec = codec;
        this.breaker = gateCircuitBreaker;
        this.clock = clock;
        this.confirmTimeout = settings.confirmTimeout();
    }

    @Override
    public boolean serves(Sale sale) {
        return sale.strategy() == StockStrategy.REDIS_LUA && sale.intake() == Intake.QUEUED;
    }

    @Override
    public PurchaseOutcome purchase(Sale sale, String userId, String key, int quantity, Coupon coupon) {
        if (coupon != null) {
            // a coupon is redeemed in the order's transaction; for an order written later that could fail after
            // the 202, so QUEUED sales do not take coupons rather than accept an order they may not honour
            throw ApiException.validation("couponCode is not accepted by sales with intake QUEUED");
        }
        long deadline = System.nanoTime() + GATE_BUILD_WAIT.toNanos();
        while (true) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            QueuedOrder order = new QueuedOrder(Ids.newId(), sale.id(), userId, key, quantity,
                    sale.amountFor(quantity), now, now.plus(sale.paymentTimeout()), null, 0);
            Reservation reservation = reserve(order);
            switch (reservation) {
                case Reservation.Reserved r -> {
                    return enqueue(order.withEpoch(r.gateEpoch()));
                }
                case Reservation.Duplicate d -> {
                    return replay(sale, d.orderId(), userId);
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
            }
        }
    }

    /** An accepted order that is not written yet, for its owner's poll; empty once written (or never accepted). */
    public Optional<Order> unwritten(String orderId) {
        return gate.saleOf(orderId).flatMap(sale -> gate.record(sale, orderId)).map(codec::read)
                .map(QueuedOrder::asQueued);
    }

    /** The gate call; an answer lost on the way back is undone (the record says no copy can be in the queue). */
    private Reservation reserve(QueuedOrder o) {
        String record = codec.write(o);
        try {
            return breaker.executeSupplier(() -> gate.reserve(o.saleId(), o.userId(), o.idempotencyKey(),
                    o.quantity(), o.id(), o.createdAt(), record, false));
        } catch (CallNotPermittedException e) {
            throw e;
        } catch (RuntimeException e) {
            undo(o, "its gate answer was lost");
            throw e;
        }
    }

    private PurchaseOutcome enqueue(QueuedOrder o) {
        try {
            gate.index(o.id(), o.saleId());
        } catch (RuntimeException e) {
            undo(o, "it could not be indexed");
            return new PurchaseOutcome.Unavailable("the order could not be queued; retry");
        }
        IntakeQueue.Publication first = publish(o);
        IntakeQueue.Publication result = first;
        if (first == IntakeQueue.Publication.UNKNOWN) {
            result = publish(o); // a second copy is harmless: the consumer writes an order once
        }
        switch (result) {
            case CONFIRMED -> {
                try {
                    gate.confirm(o.saleId(), o.id());
                } catch (RuntimeException e) {
                    // the copy is queued all the same; only a replay before it is written answers 503 meanwhile
                    log.warn("Queued order {} confirmed by the broker but not marked so: {}", o.id(), e.getMessage());
                }
                return new PurchaseOutcome.Queued(o.asQueued(), false);
            }
            case REJECTED -> {
                if (first == IntakeQueue.Publication.REJECTED) {
                    undo(o, "the broker refused it");
                } else {
                    log.warn("Queued order {} of sale {} may or may not be in the queue; the repair pass republishes it",
                            o.id(), o.saleId());
                }
                return new PurchaseOutcome.Unavailable("the order queue did not take the order; retry with the same key");
            }
            default -> {
                log.warn("Queued order {} of sale {} not confirmed in time; the repair pass republishes it", o.id(),
                        o.saleId());
                return new PurchaseOutcome.Unavailable("the order was not confirmed in time; retry with the same key");
            }
        }
    }

    private IntakeQueue.Publication publish(QueuedOrder o) {
        try {
            return intake.publish(o, confirmTimeout);
        } catch (RuntimeException e) {
            log.warn("Publishing queued order {} failed: {}", o.id(), e.getMessage());
            return IntakeQueue.Publication.UNKNOWN;
        }
    }

    /** Returns the units of an order that is surely not queued; refused by the gate once a copy may be queued. */
    private void undo(QueuedOrder o, String why) {
        try {
            gate.compensate(o.saleId(), o.userId(), o.idempotencyKey(), o.id(), o.quantity(), false);
            log.info("Queued order {} of sale {} not accepted ({}); its units went back", o.id(), o.saleId(), why);
        } catch (RuntimeException e) {
            log.warn("Queued order {} of sale {} not accepted ({}) and its units not returned yet: {}", o.id(),
                    o.saleId(), why, e.getMessage());
        }
    }

    /** The order an earlier attempt with this key made: written by now, or still waiting in the queue. */
    private PurchaseOutcome replay(Sale sale, String orderId, String userId) {
        Optional<String> record = gate.record(sale.id(), orderId);
        if (record.isPresent()) {
            QueuedOrder o = codec.read(record.get());
            if (!o.userId().equals(userId)) {
                throw new IllegalStateException("gate key of " + userId + " points at an order of " + o.userId());
            }
            if (gate.isConfirmed(sale.id(), orderId)) {
                return new PurchaseOutcome.Queued(o.asQueued(), true);
            }
            // the first attempt is still waiting for its confirmation, or never got one (the repair pass republishes)
        }
        try {
            Optional<Order> written = orders.find(orderId).filter(o -> o.userId().equals(userId));
            if (written.isPresent()) {
                return new PurchaseOutcome.Queued(written.get(), true);
            }
        } catch (RuntimeException e) {
            log.debug("Replay of order {} could not read the database: {}", orderId, e.getMessage());
        }
        return new PurchaseOutcome.Unavailable("the earlier attempt with this key is not settled yet; retry");
    }
}
