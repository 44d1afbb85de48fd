package io.stampede.inventory.application;

import io.stampede.inventory.port.PurchaseGate;
import io.stampede.inventory.port.UnitHolders;
import io.stampede.sale.port.SaleRepository;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Gives the gate back the units of orders the database has already returned. The database change commits first
 * with a pending mark; the release runs right after, and a repair pass re-runs it for any order a crash or a
 * Redis outage left pending. The release is idempotent per order (the gate remembers released orders, and a
 * rebuild counts every dead order as released), so running it twice never returns a unit twice.
 */
@Component
public class GateReleases {
    private static final Logger log = LoggerFactory.getLogger(GateReleases.class);
    private static final Duration REPAIR_AFTER = Duration.ofSeconds(2);

    private final PurchaseGate gate;
    private final UnitHolders orders;
    private final SaleRepository sales;
    private final GateRebuilder rebuilder;
    private final StockCounters counters;
    private final Clock clock;

    public GateReleases(
            PurchaseGate gate,
            UnitHolders orders,
            SaleRepository sales,
            GateRebuilder rebuilder,
            StockCounters counters,
            Clock clock) {
        this.counters = counters;
        this.gate = gate;
        this.orders = orders;
        this.sales = sales;
        this.rebuilder = rebuilder;
        this.clock = clock;
    }

    /** Releases after the commit; whatever is not settled now is left pending for the repair pass. */
    public void release(UnitHolders.Release order) {
        try {
            settle(order, releaseOnce(order));
        } catch (RuntimeException e) {
            log.warn("Gate release of order {} deferred to the repair pass: {}", order.orderId(), e.getMessage());
        }
    }

    /** Re-runs releases left pending; a missing gate is rebuilt first (its rebuild counts the order as released). */
    @Scheduled(fixedDelayString = "${stampede.gate.repair-interval:5s}")
    public void repair() {
        try {
            for (UnitHolders.Release order :
                    orders.pendingReleases(clock.instant().minus(REPAIR_AFTER), 500)) {
                PurchaseGate.Release result = releaseOnce(order);
                if (result == PurchaseGate.Release.GATE_MISSING) {
                    sales.find(order.saleId()).ifPresent(s -> {
                        if (s.strategy().usesGate()) {
                            rebuilder.ensureBuilt(s);
                        } else {
                            counters.ensureBuilt(s);
                        }
                    });
                    result = releaseOnce(order);
                }
                settle(order, result);
            }
        } catch (RuntimeException e) {
            log.warn("Gate release repair pass failed (retrying): {}", e.getMessage());
        }
    }

    /** Gives the units back to the Redis counter of the order's sale: the gate, or a TOKEN_QUEUE list. */
    private PurchaseGate.Release releaseOnce(UnitHolders.Release order) {
        boolean tokens = sales.find(order.saleId())
                .map(s -> s.strategy().countsInTokens())
                .orElse(false);
        return tokens
                ? counters.release(order)
                : gate.release(order.saleId(), order.userId(), order.orderId(), order.quantity());
    }

    private void settle(UnitHolders.Release order, PurchaseGate.Release result) {
        // a missing gate may be mid-rebuild with this order still counted live: only a present gate settles it
        if (result != PurchaseGate.Release.GATE_MISSING) {
            orders.markReleased(order.orderId());
        }
    }
}
