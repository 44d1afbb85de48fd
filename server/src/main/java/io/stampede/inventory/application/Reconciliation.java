package io.stampede.inventory.application;

import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockFigures;
import io.stampede.sale.port.SaleRepository;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** Compares a sale's gate with the database (the truth), and rebuilds the gate from it on request. */
@Service
public class Reconciliation {
    private final SaleRepository sales;
    private final OrderRepository orders;
    private final PurchaseGate gate;
    private final GateRebuilder rebuilder;
    private final StockCounters counters;
    private final QueuedDrift queuedDrift;
    private final SoldOutFlags soldOut;

    public Reconciliation(SaleRepository sales, OrderRepository orders, PurchaseGate gate, GateRebuilder rebuilder,
                          StockCounters counters, QueuedDrift queuedDrift, SoldOutFlags soldOut) {
        this.soldOut = soldOut;
        this.counters = counters;
        this.queuedDrift = queuedDrift;
        this.sales = sales;
        this.orders = orders;
        this.gate = gate;
        this.rebuilder = rebuilder;
    }

    /**
     * What the database and the gate hold for a sale. {@code drift} is gate available minus database available
     * (positive: the gate could sell units the database does not have); the report is consistent when the gate
     * exists, has no drift and holds the same units per user as the database.
     */
    public record Report(boolean consistent, StockFigures database, Long cacheAvailable, long drift,
                         int usersDisagreeing) {
    }

    public Report report(Sale sale) {
        Report report = compare(sale);
        // accepted QUEUED orders not written yet hold gate units the database does not show yet: not drift
        return sale.strategy().usesGate() ? queuedDrift.discount(sale, report) : report;
    }

    private Report compare(Sale sale) {
        if (!sale.strategy().usesGate()) {
            // the other strategies keep no per-user state outside the database: only the unit count can drift
            StockFigures db = sales.figures(sale.id());
            java.util.OptionalLong counted = counters.counted(sale);
            if (counted.isEmpty()) {
                return new Report(false, db, null, -db.available(), 0);
            }
            long drift = counted.getAsLong() - db.available();
            return new Report(drift == 0, db, counted.getAsLong(), drift, 0);
        }
        Optional<GateState> cache = gate.read(sale.id());
        StockFigures db = sales.figures(sale.id());
        if (cache.isEmpty()) {
            return new Report(false, db, null, -db.available(), 0);
        }
        Map<String, Long> truth = orders.liveUnitsByUser(sale.id());
        Map<String, Long> held = cache.get().unitsByUser();
        int disagreeing = 0;
        for (String user : union(truth, held)) {
            if (truth.getOrDefault(user, 0L).longValue() != held.getOrDefault(user, 0L).longValue()) {
                disagreeing++;
            }
        }
        long drift = cache.get().available() - db.available();
        return new Report(drift == 0 && disagreeing == 0, db, cache.get().available(), drift, disagreeing);
    }

    /** Rebuilds the gate from the database, then reports; false in the report only if another rebuild interfered. */
    public Report rebuild(Sale sale) {
        if (sale.strategy().usesGate()) {
            rebuilder.rebuild(sale);
        } else {
            counters.rebuild(sale);
        }
        soldOut.clear(sale.id()); // a rebuild may have found units the counter had lost
        return report(sale);
    }

    private static java.util.Set<String> union(Map<String, Long> a, Map<String, Long> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a.keySet());
        all.addAll(b.keySet());
        return all;
    }
}
