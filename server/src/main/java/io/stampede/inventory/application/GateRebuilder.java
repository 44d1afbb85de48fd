package io.stampede.inventory.application;

import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.port.GateFences;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.inventory.port.QueuedReservations;
import io.stampede.inventory.port.StockLedger;
import io.stampede.inventory.port.UnitHolders;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.SaleEnded;
import io.stampede.sale.domain.StockFigures;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Builds a sale's gate from the database, the truth: the units available and the units each user holds, as the stock
 * ledger records them (the record the database enforces, see {@link StockLedger}), and the idempotency key of every
 * order. Used when a sale is created, at start-up, and whenever the gate
 * is found missing (Redis restarted or flushed). Orders of intake QUEUED that are accepted but not yet written count
 * as live too: their records sit beside the gate (see {@link QueuedReservations}) and survive its rebuild.
 */
@Component
public class GateRebuilder {
    private static final Logger log = LoggerFactory.getLogger(GateRebuilder.class);
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(15);

    private final PurchaseGate gate;
    private final GateFences gateFences;
    private final UnitHolders orders;
    private final InFlightReservations inFlight;
    private final QueuedReservations queued;
    private final StockLedger ledger;
    private final TransactionTemplate snapshot;
    private final TransactionTemplate tx;
    // a ReentrantLock, not synchronized: on Java 21 a virtual thread blocked in synchronized pins its carrier
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public GateRebuilder(
            PurchaseGate gate,
            GateFences gateFences,
            UnitHolders orders,
            InFlightReservations inFlight,
            QueuedReservations queued,
            StockLedger ledger,
            PlatformTransactionManager transactions) {
        this.ledger = ledger;
        this.gate = gate;
        this.queued = queued;
        this.gateFences = gateFences;
        this.orders = orders;
        this.inFlight = inFlight;
        // the truth is read in one snapshot, so an order that changes meanwhile is either all in it or all out
        this.tx = new TransactionTemplate(transactions);
        this.snapshot = new TransactionTemplate(transactions);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
    }

    /** Rebuilds the gate; true when this call did it, false when another instance holds the rebuild lease. */
    public boolean rebuild(Sale sale) {
        ReentrantLock lock = locks.computeIfAbsent(sale.id(), k -> new ReentrantLock());
        if (!lock.tryLock()) {
            return false; // this instance is rebuilding it already; the caller re-checks the gate
        }
        try {
            boolean done = gate.rebuild(sale.id(), () -> truth(sale));
            if (done) {
                log.info("Rebuilt the gate of sale {} from the database", sale.id());
            }
            return done;
        } finally {
            lock.unlock();
        }
    }

    /** Builds the gate only when it is missing; for start-up and for a purchase that found it missing. */
    public void ensureBuilt(Sale sale) {
        if (!gate.exists(sale.id())) {
            rebuild(sale);
        }
    }

    private GateState truth(Sale sale) {
        if (!inFlight.awaitEarlier(sale.id(), DRAIN_WAIT)) {
            // never build from a database that misses units the gate handed out: give up, the lease expires
            throw new IllegalStateException("reservations of sale " + sale.id() + " still in flight; rebuild later");
        }
        // fence every instance: from this commit on, orders reserved under the old gate are refused by the writer,
        // and this update waits for the batches that are writing such orders right now, so the truth below has them
        Long epoch = tx.execute(s -> gateFences.bump(sale.id()));
        // read after the bump and before the snapshot: a queued order leaves its record only after its commit, and no
        // commit under the old epoch follows the bump, so every accepted order is in the records or in the snapshot
        // (or both, counted once below)
        List<QueuedReservations.QueuedUnits> unwritten = queued.units(sale.id());
        return snapshot.execute(s -> {
            StockFigures figures = ledger.figures(sale.id());
            Map<String, Long> units = new HashMap<>(ledger.unitsByBuyer(sale.id()));
            Map<String, String> keys = new HashMap<>(orders.orderIdsByKey(sale.id()));
            Set<String> written = new HashSet<>(keys.values());
            long available = figures.available();
            for (QueuedReservations.QueuedUnits q : unwritten) {
                String field = GateState.keyField(q.userId(), q.idempotencyKey());
                if (written.contains(q.orderId()) || keys.containsKey(field)) {
                    continue; // written already, or its key belongs to a written order (this one will be dropped)
                }
                keys.put(field, q.orderId());
                units.merge(q.userId(), (long) q.quantity(), Long::sum);
                available -= q.quantity();
            }
            return new GateState(
                    sale.startsAt().toEpochMilli(),
                    sale.endsAt().toEpochMilli(),
                    sale.perUserLimit(),
                    Math.max(0, available),
                    units,
                    keys,
                    orders.releasedOrderIds(sale.id()),
                    epoch);
        });
    }

    @EventListener
    void on(SaleEnded ended) {
        locks.remove(ended.saleId());
    }

    /** How many sales this instance keeps a rebuild lock for. */
    int tracked() {
        return locks.size();
    }
}
