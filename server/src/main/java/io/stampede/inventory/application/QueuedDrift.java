package io.stampede.inventory.application;

import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.inventory.port.QueuedReservations;
import io.stampede.inventory.port.StockLedger;
import io.stampede.inventory.port.UnitHolders;
import io.stampede.sale.domain.Sale;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Takes accepted-but-unwritten QUEUED orders into a reconciliation report: the gate holds their units and the
 * database does not have them yet, which is not drift. Without this a backlog that stays put (database down, consumer
 * stopped) would read as drift and be rebuilt needlessly; the rebuild keeps their units anyway (see
 * {@link GateRebuilder}), but it makes every queued order re-check its gate.
 */
@Component
public class QueuedDrift {
    private final QueuedReservations queued;
    private final PurchaseGate gate;
    private final UnitHolders orders;
    private final StockLedger ledger;

    public QueuedDrift(QueuedReservations queued, PurchaseGate gate, UnitHolders orders, StockLedger ledger) {
        this.queued = queued;
        this.gate = gate;
        this.orders = orders;
        this.ledger = ledger;
    }

    /** The report as if every recorded order were written already; unchanged when there is none. */
    public Reconciliation.Report discount(Sale sale, Reconciliation.Report report) {
        if (report.cacheAvailable() == null) {
            return report;
        }
        List<QueuedReservations.QueuedUnits> unwritten = queued.units(sale.id());
        if (unwritten.isEmpty()) {
            return report;
        }
        Optional<GateState> cache = gate.read(sale.id());
        if (cache.isEmpty()) {
            return report;
        }
        Map<String, String> keys = orders.orderIdsByKey(sale.id());
        Set<String> written = new HashSet<>(keys.values());
        Map<String, Long> truth = new HashMap<>(ledger.unitsByBuyer(sale.id()));
        long pending = 0;
        for (QueuedReservations.QueuedUnits q : unwritten) {
            if (!written.contains(q.orderId())
                    && !keys.containsKey(GateState.keyField(q.userId(), q.idempotencyKey()))) {
                truth.merge(q.userId(), (long) q.quantity(), Long::sum);
                pending += q.quantity();
            }
        }
        long drift = cache.get().available() - (report.database().available() - pending);
        return report.withCache(
                cache.get().available(),
                drift,
                Reconciliation.disagreeing(truth, cache.get().unitsByUser()));
    }
}
