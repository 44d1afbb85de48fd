package io.stampede.order.application;

import io.stampede.coupon.application.CouponRedemptions;
import io.stampede.event.port.Outbox;
import io.stampede.inventory.application.GateReleases;
import io.stampede.inventory.application.SoldOutFlags;
import io.stampede.inventory.port.StockLedger;
import io.stampede.inventory.port.UnitHolders;
import io.stampede.order.domain.Order;
import io.stampede.order.domain.OrderStatus;
import io.stampede.order.domain.Transition;
import io.stampede.order.port.OrderRepository;
import io.stampede.order.port.PaymentRepository;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.port.SaleRepository;
import io.stampede.shared.Ids;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The order state machine after placement: cancel, expire, fulfil, refund. Every change is one conditional update
 * that only one caller wins, committed with its history entry and its event; units that go back are returned to
 * the gate after the commit (see {@link GateReleases}).
 */
@Service
public class OrderLifecycle {
    private static final Logger log = LoggerFactory.getLogger(OrderLifecycle.class);
    private static final EnumSet<OrderStatus> UNPAID = EnumSet.of(OrderStatus.QUEUED, OrderStatus.PENDING_PAYMENT);

    private final OrderRepository orders;
    private final PaymentRepository payments;
    private final SaleRepository sales;
    private final Outbox outbox;
    private final GateReleases releases;
    private final CouponRedemptions coupons;
    private final StockLedger ledger;
    private final SaleService saleDefinitions;
    private final SoldOutFlags soldOut;
    private final TransactionTemplate tx;
    private final Clock clock;

    public OrderLifecycle(
            OrderRepository orders,
            PaymentRepository payments,
            SaleRepository sales,
            Outbox outbox,
            GateReleases releases,
            CouponRedemptions coupons,
            StockLedger ledger,
            SaleService saleDefinitions,
            SoldOutFlags soldOut,
            TransactionTemplate tx,
            Clock clock) {
        this.soldOut = soldOut;
        this.ledger = ledger;
        this.saleDefinitions = saleDefinitions;
        this.coupons = coupons;
        this.orders = orders;
        this.payments = payments;
        this.sales = sales;
        this.outbox = outbox;
        this.releases = releases;
        this.tx = tx;
        this.clock = clock;
    }

    /** The owner cancels an unpaid order. */
    public Transition cancel(String orderId, String userId) {
        if (!Ids.isWellFormed(orderId)) {
            return new Transition.NotFound();
        }
        // an alias (an accepted retry of a key that had an order already) cancels the order it stands for
        String id = orders.find(orderId).map(Order::id).orElse(orderId);
        Transition t = tx.execute(s -> {
            Optional<Order> order = orders.lock(id).filter(o -> o.userId().equals(userId));
            if (order.isEmpty()) {
                return new Transition.NotFound();
            }
            return change(order.get(), UNPAID, OrderStatus.CANCELLED, now(), null);
        });
        afterCommit(t);
        return t;
    }

    /** The warehouse ships a paid order: its units leave the on-hand stock. */
    public Transition fulfil(String orderId) {
        if (!Ids.isWellFormed(orderId)) {
            return new Transition.NotFound();
        }
        return tx.execute(s -> {
            Optional<Order> order = orders.lock(orderId);
            if (order.isEmpty()) {
                return new Transition.NotFound();
            }
            Transition t = change(order.get(), EnumSet.of(OrderStatus.PAID), OrderStatus.FULFILLED, now(), null);
            if (t instanceof Transition.Done
                    && !sales.shipUnits(order.get().saleId(), order.get().quantity())) {
                throw new IllegalStateException(
                        "fewer units on hand than sold for sale " + order.get().saleId());
            }
            return t;
        });
    }

    /** An admin refunds a paid order: the money is owed back and the units return to stock. */
    public Transition refund(String orderId) {
        if (!Ids.isWellFormed(orderId)) {
            return new Transition.NotFound();
        }
        Transition t = tx.execute(s -> {
            Optional<Order> order = orders.lock(orderId);
            if (order.isEmpty()) {
                return new Transition.NotFound();
            }
            Instant at = now();
            Transition done = change(order.get(), EnumSet.of(OrderStatus.PAID), OrderStatus.REFUNDED, at, null);
            if (done instanceof Transition.Done) {
                payments.insertRefund(new PaymentRepository.Refund(
                        Ids.newId(),
                        payments.paidBy(orderId).orElse(null),
                        orderId,
                        order.get().amountCents(),
                        "ADMIN_REFUND",
                        at));
            }
            return done;
        });
        afterCommit(t);
        return t;
    }

    /**
     * Claims up to {@code limit} unpaid orders past their deadline ({@code FOR UPDATE SKIP LOCKED}, so concurrent
     * sweepers take disjoint batches) and expires them in the same transaction. Returns how many it expired.
     */
    int expireDue(Instant at, int limit) {
        List<Transition> done = tx.execute(s -> {
            List<Transition> out = new ArrayList<>();
            List<StockLedger.Change> changes = new ArrayList<>();
            for (String id : orders.lockDueForExpiry(at, limit)) {
                orders.find(id).ifPresent(o -> out.add(transition(o, UNPAID, OrderStatus.EXPIRED, at, null, changes)));
            }
            // the units of the whole batch at the end, in the ledger's lock order, not order by order
            ledger.apply(changes);
            return out;
        });
        done.forEach(this::afterCommit);
        return (int) done.stream().filter(t -> t instanceof Transition.Done).count();
    }

    /**
     * Inside the caller's transaction, with the order row locked: the conditional update, its history entry, its
     * event and its units in the stock ledger, or InvalidState when the order is elsewhere.
     */
    Transition change(Order order, EnumSet<OrderStatus> from, OrderStatus to, Instant at, @Nullable String paymentId) {
        List<StockLedger.Change> changes = new ArrayList<>(1);
        Transition t = transition(order, from, to, at, paymentId, changes);
        ledger.apply(changes);
        return t;
    }

    /** As {@link #change}, collecting the units' change instead of applying it. */
    private Transition transition(
            Order order,
            EnumSet<OrderStatus> from,
            OrderStatus to,
            Instant at,
            @Nullable String paymentId,
            List<StockLedger.Change> changes) {
        boolean releases = !to.isLive();
        // a Redis counter (the gate, a token list) gets the units back right after the commit; mark it pending
        boolean redisRelease = releases && !sale(order).strategy().countsInDatabase();
        if (!from.contains(order.status()) || !orders.transition(order.id(), from, to, at, redisRelease)) {
            return new Transition.InvalidState(order.status());
        }
        StockLedger.Change.Kind kind = switch (to) {
            case PAID -> StockLedger.Change.Kind.SELL;
            case CANCELLED, EXPIRED -> StockLedger.Change.Kind.RETURN;
            case REFUNDED -> StockLedger.Change.Kind.RETURN_SOLD;
            default -> null;
        };
        if (kind != null) {
            changes.add(new StockLedger.Change(order.saleId(), order.userId(), order.id(), order.quantity(), kind));
        }
        outbox.append(OrderEvents.of(order, to, at, paymentId));
        if (order.couponId() != null && (to == OrderStatus.CANCELLED || to == OrderStatus.EXPIRED)) {
            coupons.release(order.couponId(), order.id(), at);
        }
        return new Transition.Done(orders.find(order.id()).orElseThrow());
    }

    private Sale sale(Order order) {
        return saleDefinitions
                .definition(order.saleId())
                .orElseThrow(() -> new IllegalStateException("order " + order.id() + " of a missing sale"));
    }

    void afterCommit(Transition t) {
        if (t instanceof Transition.Done d && !d.order().status().isLive()) {
            soldOut.clear(d.order().saleId());
            if (!sale(d.order()).strategy().countsInDatabase()) {
                Order o = d.order();
                releases.release(new UnitHolders.Release(o.id(), o.saleId(), o.userId(), o.quantity()));
            }
            log.info(
                    "Order {} {}: {} unit(s) of sale {} returned",
                    d.order().id(),
                    d.order().status().name().toLowerCase(Locale.ROOT),
                    d.order().quantity(),
                    d.order().saleId());
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
