package io.stampede.order.application;

import io.stampede.coupon.domain.Coupon;
import io.stampede.inventory.application.GateAdmission;
import io.stampede.inventory.application.GateAdmission.Admission;
import io.stampede.inventory.application.GateAdmission.Fate;
import io.stampede.inventory.application.GateRebuilder;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.QueuedReservations;
import io.stampede.order.domain.Order;
import io.stampede.order.port.IntakeQueue;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The purchase path of strategy REDIS_LUA with intake QUEUED: the gate admits (see {@link GateAdmission}) and keeps a
 * record of the accepted order in the same atomic step, the order request is published to the intake queue, and the
 * answer is 202 only once the broker confirmed it. The database is not on this path at all, so purchases go on while
 * it is down; the consumer's transaction checks the stock ledger when it writes the order (see
 * {@link QueuedOrderWriter}).
 */
@Service
public class QueuedPurchases implements PurchasePath {
    private static final Logger log = LoggerFactory.getLogger(QueuedPurchases.class);

    private final QueuedReservations gate;
    private final GateRebuilder rebuilder;
    private final GateAdmission admission;
    private final IntakeQueue intake;
    private final OrderRepository orders;
    private final QueuedOrderCodec codec;
    private final Clock clock;
    private final Duration confirmTimeout;

    public QueuedPurchases(
            QueuedReservations gate,
            GateRebuilder rebuilder,
            GateAdmission admission,
            IntakeQueue intake,
            OrderRepository orders,
            QueuedOrderCodec codec,
            Clock clock,
            OrderSettings orderSettings) {
        this.gate = gate;
        this.rebuilder = rebuilder;
        this.admission = admission;
        this.intake = intake;
        this.orders = orders;
        this.codec = codec;
        this.clock = clock;
        this.confirmTimeout = orderSettings.intake().confirmTimeout();
    }

    @Override
    public boolean serves(Sale sale) {
        return sale.strategy() == StockStrategy.REDIS_LUA && sale.intake() == Intake.QUEUED;
    }

    @Override
    public PurchaseOutcome purchase(Sale sale, String userId, String key, int quantity, @Nullable Coupon coupon) {
        if (coupon != null) {
            // a coupon is redeemed in the order's transaction; for an order written later that could fail after
            // the 202, so QUEUED sales do not take coupons rather than accept an order they may not honour
            return new PurchaseOutcome.Invalid("couponCode is not accepted by sales with intake QUEUED");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        GateAdmission.Attempt attempt = new GateAdmission.Attempt(sale.id(), userId, key, quantity, now);
        QueuedGate queuedGate = new QueuedGate(sale);
        return switch (admission.admit(queuedGate, attempt)) {
            case Admission.Existing<Order> e -> new PurchaseOutcome.Queued(e.made(), true);
            case Admission.Refused<Order> r -> PurchaseOutcome.refused(r.rejection());
            case Admission.Unavailable<Order> u -> new PurchaseOutcome.Unavailable(u.reason());
            case Admission.Admitted<Order> a ->
                writtenAlready(sale, userId, key)
                        .<PurchaseOutcome>map(o -> {
                            // the gate had lost this key: its order is the answer, and the gate is rebuilt
                            admission.settle(
                                    queuedGate, attempt, a, new Fate.Contradicted("lost an idempotency key", true));
                            return new PurchaseOutcome.Queued(o, true);
                        })
                        .orElseGet(() -> enqueue(
                                queuedGate,
                                attempt,
                                a,
                                queuedGate.order(attempt, a.id()).withEpoch(a.gateEpoch())));
        };
    }

    /**
     * The order the key made already, if the database can tell at once: one indexed read per accepted order (never
     * per refused attempt), so that a gate that lost the key does not accept it twice. When the database cannot
     * answer (it is down: QUEUED takes orders all the same), the consumer settles a second acceptance instead.
     */
    private Optional<Order> writtenAlready(Sale sale, String userId, String key) {
        try {
            return orders.findByKey(sale.id(), userId, key);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** An accepted order that is not written yet, for its owner's poll; empty once written (or never accepted). */
    public Optional<Order> unwritten(String orderId) {
        return gate.saleOf(orderId)
                .flatMap(sale -> gate.record(sale, orderId))
                .map(codec::read)
                .map(QueuedOrder::asQueued);
    }

    private PurchaseOutcome enqueue(
            QueuedGate queuedGate, GateAdmission.Attempt attempt, Admission.Admitted<Order> admitted, QueuedOrder o) {
        try {
            gate.index(o.id(), o.saleId());
        } catch (RuntimeException e) {
            admission.settle(queuedGate, attempt, admitted, new Fate.NotWritten());
            return new PurchaseOutcome.Unavailable("the order could not be queued; retry with the same key");
        }
        IntakeQueue.Publication first = publish(o);
        IntakeQueue.Publication result = first;
        if (first == IntakeQueue.Publication.UNKNOWN) {
            result = publish(o); // a second copy is harmless: the consumer writes an order once
        }
        return switch (result) {
            case CONFIRMED -> {
                admission.settle(queuedGate, attempt, admitted, new Fate.Written());
                try {
                    gate.confirm(o.saleId(), o.id());
                } catch (RuntimeException e) {
                    // the copy is queued all the same; only a replay before it is written answers 503 meanwhile
                    log.warn("Queued order {} confirmed by the broker but not marked so: {}", o.id(), e.getMessage());
                }
                yield new PurchaseOutcome.Queued(o.asQueued(), false);
            }
            case REJECTED -> {
                if (first == IntakeQueue.Publication.REJECTED) {
                    // surely not queued: the record (refused once confirmed) and the units go
                    admission.settle(queuedGate, attempt, admitted, new Fate.NotWritten());
                } else {
                    admission.settle(queuedGate, attempt, admitted, new Fate.LeftAsIs());
                    log.warn(
                            "Queued order {} of sale {} may or may not be in the queue; the repair pass republishes it",
                            o.id(),
                            o.saleId());
                }
                yield new PurchaseOutcome.Unavailable(
                        "the order queue did not take the order; retry with the same key");
            }
            default -> {
                admission.settle(queuedGate, attempt, admitted, new Fate.LeftAsIs());
                log.warn(
                        "Queued order {} of sale {} not confirmed in time; the repair pass republishes it",
                        o.id(),
                        o.saleId());
                yield new PurchaseOutcome.Unavailable("the order was not confirmed in time; retry with the same key");
            }
        };
    }

    private IntakeQueue.Publication publish(QueuedOrder o) {
        try {
            return intake.publish(o, confirmTimeout);
        } catch (RuntimeException e) {
            log.warn("Publishing queued order {} failed: {}", o.id(), e.getMessage());
            return IntakeQueue.Publication.UNKNOWN;
        }
    }

    /** A QUEUED sale's gate, whose reservations keep the accepted order's record beside the gate. */
    private final class QueuedGate implements GateAdmission.Gate<Order> {
        private final Sale sale;

        QueuedGate(Sale sale) {
            this.sale = sale;
        }

        QueuedOrder order(GateAdmission.Attempt a, String id) {
            return new QueuedOrder(
                    id,
                    sale.id(),
                    a.userId(),
                    a.key(),
                    a.quantity(),
                    sale.amountFor(a.quantity()),
                    a.now(),
                    a.now().plus(sale.paymentTimeout()),
                    null,
                    0);
        }

        @Override
        public String name() {
            return "sale " + sale.id();
        }

        @Override
        public Reservation reserve(GateAdmission.Attempt a, String newId) {
            return gate.reserve(
                    sale.id(), a.userId(), a.key(), a.quantity(), newId, a.now(), codec.write(order(a, newId)), false);
        }

        /** Refused by the gate once the order is marked confirmed: a copy of it may be in the queue then. */
        @Override
        public void undo(GateAdmission.Attempt a, String id) {
            if (gate.compensate(sale.id(), a.userId(), a.key(), id, a.quantity(), false)) {
                log.info("Queued order {} of sale {} not accepted; its units went back", id, sale.id());
            }
        }

        /** Waiting in the queue (confirmed), or written by now; empty while its first attempt awaits the broker. */
        @Override
        public Optional<Order> find(String id, String userId) {
            Optional<String> record = gate.record(sale.id(), id);
            if (record.isPresent()) {
                QueuedOrder o = codec.read(record.get());
                return o.userId().equals(userId) && gate.isConfirmed(sale.id(), id)
                        ? Optional.of(o.asQueued())
                        : Optional.empty();
            }
            try {
                return orders.find(id).filter(o -> o.userId().equals(userId));
            } catch (RuntimeException e) {
                log.debug("Replay of order {} could not read the database: {}", id, e.getMessage());
                return Optional.empty();
            }
        }

        @Override
        public boolean rebuild() {
            return rebuilder.rebuild(sale);
        }

        @Override
        public Duration replayWait() {
            return confirmTimeout;
        }
    }
}
