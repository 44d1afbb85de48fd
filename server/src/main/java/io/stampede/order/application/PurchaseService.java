package io.stampede.order.application;

import io.stampede.coupon.domain.Coupon;
import io.stampede.inventory.application.GateAdmission;
import io.stampede.inventory.application.GateAdmission.Admission;
import io.stampede.inventory.application.GateRebuilder;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.GateFences;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.order.application.OrderWriter.WriteResult;
import io.stampede.order.domain.Order;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.shared.Waits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The purchase path of strategy REDIS_LUA with intake DIRECT: the gate admits (see {@link GateAdmission}), the
 * winners are written by group commit, whose transaction also takes their units in the database's stock ledger, and
 * the shopper is answered only after the commit. The gate is then settled by what became of the write.
 */
@Service
public class PurchaseService implements PurchasePath {
    private static final int SETTLE_TIMEOUT_SECONDS = 5;
    /** Admissions whose order was fenced out by a gate rebuilt meanwhile, tried again on the rebuilt gate. */
    private static final int STALE_RETRIES = 2;

    private final PurchaseGate gate;
    private final GateRebuilder rebuilder;
    private final GateAdmission admission;
    private final OrderWriter writer;
    private final OrderRepository orders;
    private final GateFences gateFences;
    private final Clock clock;
    private final Duration commitTimeout;
    private final TransactionTemplate settle;

    public PurchaseService(
            PurchaseGate gate,
            GateRebuilder rebuilder,
            GateAdmission admission,
            OrderWriter writer,
            OrderRepository orders,
            GateFences gateFences,
            PlatformTransactionManager transactions,
            Clock clock,
            OrderSettings properties) {
        this.gate = gate;
        this.rebuilder = rebuilder;
        this.admission = admission;
        this.writer = writer;
        this.orders = orders;
        this.gateFences = gateFences;
        this.clock = clock;
        this.commitTimeout = properties.groupCommit().timeout();
        // bounded: a batch whose connection died unseen can hold its lock until the database notices
        this.settle = new TransactionTemplate(transactions);
        settle.setTimeout(SETTLE_TIMEOUT_SECONDS);
    }

    @Override
    public boolean serves(Sale sale) {
        return sale.strategy() == StockStrategy.REDIS_LUA && sale.intake() == Intake.DIRECT;
    }

    @Override
    public PurchaseOutcome purchase(Sale sale, String userId, String key, int quantity, @Nullable Coupon coupon) {
        SaleGate saleGate = new SaleGate(sale);
        for (int round = 0; ; round++) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS); // as the database keeps it
            GateAdmission.Attempt attempt = new GateAdmission.Attempt(sale.id(), userId, key, quantity, now);
            PurchaseOutcome outcome = switch (admission.admit(saleGate, attempt)) {
                case Admission.Existing<Order> e -> new PurchaseOutcome.Placed(e.made(), true);
                case Admission.Refused<Order> r -> PurchaseOutcome.refused(r.rejection());
                case Admission.Unavailable<Order> u -> new PurchaseOutcome.Unavailable(u.reason());
                case Admission.Admitted<Order> a ->
                    write(saleGate, attempt, a, Order.placed(a.id(), sale, userId, key, quantity, coupon, now));
            };
            if (!STALE.equals(outcome) || round == STALE_RETRIES) {
                return outcome;
            }
        }
    }

    /** The answer when the order was fenced out by a gate rebuilt meanwhile; the purchase tries the new gate first. */
    private static final PurchaseOutcome STALE =
            new PurchaseOutcome.Unavailable("the sale's gate was rebuilt meanwhile; retry with the same key");

    /**
     * Hands the order to the group commit and waits for its commit. Whatever happens to the order, the gate is settled
     * when its write ends, whether or not the shopper still waits.
     */
    private PurchaseOutcome write(
            SaleGate saleGate, GateAdmission.Attempt attempt, Admission.Admitted<Order> admitted, Order order) {
        CompletableFuture<PurchaseOutcome> answer = writer.write(order, admitted.gateEpoch())
                .thenApply(result -> settle(saleGate, attempt, admitted, order, result));
        try {
            return Waits.get(answer, commitTimeout); // no timed park per winner: see Waits
        } catch (TimeoutException e) {
            // it may still commit; a replay of the same key finds it
            return new PurchaseOutcome.Unavailable("the order was not confirmed in time; retry with the same key");
        } catch (ExecutionException e) {
            return new PurchaseOutcome.Unavailable("the order could not be settled: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PurchaseOutcome.Unavailable("interrupted; retry with the same key");
        }
    }

    /** The gate settled by the write's result, and the shopper's answer. */
    private PurchaseOutcome settle(
            SaleGate saleGate,
            GateAdmission.Attempt attempt,
            Admission.Admitted<Order> admitted,
            Order order,
            WriteResult result) {
        GateAdmission.Settled settled = admission.settle(saleGate, attempt, admitted, result.fate());
        return switch (result) {
            case WriteResult.Committed c -> new PurchaseOutcome.Placed(order, false);
            case WriteResult.Refused r -> PurchaseOutcome.refused(GateAdmission.Rejection.of(r.reason()));
            // the database holds an order for this key that the gate had lost: that order is the answer
            case WriteResult.DuplicateKey d ->
                orders.findByKey(order.saleId(), order.userId(), order.idempotencyKey())
                        .<PurchaseOutcome>map(o -> new PurchaseOutcome.Placed(o, true))
                        .orElse(new PurchaseOutcome.Unavailable("the order could not be written; retry"));
            case WriteResult.StaleGate s -> STALE;
            case WriteResult.CouponUsed c -> new PurchaseOutcome.CouponUsed();
            case WriteResult.Overloaded o ->
                new PurchaseOutcome.Unavailable("too many orders waiting to be written; retry");
            case WriteResult.Failed f ->
                new PurchaseOutcome.Unavailable("the database did not take the order; retry with the same key");
            case WriteResult.InDoubt d ->
                settled == GateAdmission.Settled.WRITTEN
                        ? new PurchaseOutcome.Placed(order, false)
                        : new PurchaseOutcome.Unavailable("the order was not confirmed; retry with the same key");
        };
    }

    /** A sale's gate, as the admission protocol sees it. */
    private final class SaleGate implements GateAdmission.Gate<Order> {
        private final Sale sale;

        SaleGate(Sale sale) {
            this.sale = sale;
        }

        @Override
        public String name() {
            return "sale " + sale.id();
        }

        @Override
        public Reservation reserve(GateAdmission.Attempt a, String newId) {
            return gate.reserve(sale.id(), a.userId(), a.key(), a.quantity(), newId, a.now());
        }

        @Override
        public void undo(GateAdmission.Attempt a, String id) {
            gate.compensate(sale.id(), a.userId(), a.key(), id, a.quantity());
        }

        @Override
        public Optional<Order> find(String id, String userId) {
            return orders.find(id).filter(o -> o.userId().equals(userId));
        }

        @Override
        public boolean rebuild() {
            return rebuilder.rebuild(sale);
        }

        /** Taking the sale row exclusively waits for every order batch holding it shared; a read after is the truth. */
        @Override
        public boolean writtenAfterAll(String id) {
            return Boolean.TRUE.equals(settle.execute(s -> {
                gateFences.lockExclusively(sale.id());
                return orders.find(id).isPresent();
            }));
        }

        @Override
        public Duration replayWait() {
            return commitTimeout;
        }
    }
}
