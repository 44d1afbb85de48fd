package io.stampede.inventory.application;

import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.inventory.port.StockLedger;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockFigures;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * Checks a sale three ways: the stock ledger (the record the database enforces), a recount of the orders (the facts
 * the ledger must agree with), and the sale's Redis counter (the gate, or TOKEN_QUEUE's token list); and rebuilds
 * what disagrees: the ledger from the orders, then the Redis counter from the ledger.
 */
@Service
public class Reconciliation {
    private final PurchaseGate gate;
    private final GateRebuilder rebuilder;
    private final StockCounters counters;
    private final QueuedDrift queuedDrift;
    private final SoldOutFlags soldOut;

    public Reconciliation(
            PurchaseGate gate,
            GateRebuilder rebuilder,
            StockCounters counters,
            QueuedDrift queuedDrift,
            SoldOutFlags soldOut) {
        this.soldOut = soldOut;
        this.counters = counters;
        this.queuedDrift = queuedDrift;
        this.gate = gate;
        this.rebuilder = rebuilder;
    }

    /**
     * What the three hold for a sale. {@code database} is the recount of the orders (the truth), {@code ledger} the
     * stock ledger's figures (what the database enforces and the stock figures show); {@code cacheAvailable} is what
     * the counter that sells holds (the gate, the token list, or for the database strategies the ledger's rows), and
     * {@code drift} that minus the truth's available units (positive: it could sell units that are not there);
     * {@code usersDisagreeing} counts the users whose units the gate and the ledger see differently, and
     * {@code ledgerDisagreeing} the figures and users on which the ledger and the orders differ. The report is
     * consistent when the counter exists and all three agree.
     */
    public record Report(
            boolean consistent,
            StockFigures database,
            StockFigures ledger,
            @Nullable Long cacheAvailable,
            long drift,
            int usersDisagreeing,
            int ledgerDisagreeing) {
        /** The same report, with the counter's side compared again. */
        Report withCache(@Nullable Long cacheAvailable, long drift, int usersDisagreeing) {
            return new Report(
                    cacheAvailable != null && drift == 0 && usersDisagreeing == 0 && ledgerDisagreeing == 0,
                    database,
                    ledger,
                    cacheAvailable,
                    drift,
                    usersDisagreeing,
                    ledgerDisagreeing);
        }
    }

    public Report report(Sale sale) {
        Report report = compare(sale);
        // accepted QUEUED orders not written yet hold gate units the database does not show yet: not drift
        return sale.strategy().usesGate() ? queuedDrift.discount(sale, report) : report;
    }

    private Report compare(Sale sale) {
        StockCounters.LedgerCheck check = counters.checkLedger(sale);
        StockLedger.Recount recount = check.recount();
        StockFigures ledger = check.ledger();
        Map<String, Long> buyers = check.buyers();
        StockFigures truth = new StockFigures(
                ledger.total(),
                recount.available(),
                ledger.total() - recount.available() - recount.sold(),
                recount.sold());
        int ledgerDisagreeing = (truth.available() == ledger.available() ? 0 : 1)
                + (truth.sold() == ledger.sold() ? 0 : 1)
                + disagreeing(buyers, recount.unitsByBuyer());
        Report report = new Report(false, truth, ledger, null, -truth.available(), 0, ledgerDisagreeing);
        if (!sale.strategy().usesGate()) {
            // the other strategies keep no per-user state outside the database: only the unit count can drift
            OptionalLong cache = counters.counted(sale);
            if (cache.isEmpty()) {
                return report;
            }
            return report.withCache(cache.getAsLong(), cache.getAsLong() - truth.available(), 0);
        }
        Optional<GateState> cache = gate.read(sale.id());
        if (cache.isEmpty()) {
            return report;
        }
        return report.withCache(
                cache.get().available(),
                cache.get().available() - truth.available(),
                disagreeing(buyers, cache.get().unitsByUser()));
    }

    /**
     * Rebuilds what disagrees from the database, then reports: the ledger from the orders when they differ, then the
     * Redis counter from the ledger. False in the report only if another rebuild interfered.
     */
    public Report rebuild(Sale sale) {
        if (compare(sale).ledgerDisagreeing() > 0) {
            counters.rewriteLedger(sale);
        }
        if (sale.strategy().usesGate()) {
            rebuilder.rebuild(sale);
        } else {
            counters.rebuild(sale);
        }
        soldOut.clear(sale.id()); // a rebuild may have found units the counter had lost
        return report(sale);
    }

    /** How many users hold different units in the two. */
    static int disagreeing(Map<String, Long> a, Map<String, Long> b) {
        Set<String> users = new HashSet<>(a.keySet());
        users.addAll(b.keySet());
        int n = 0;
        for (String user : users) {
            if (a.getOrDefault(user, 0L).longValue() != b.getOrDefault(user, 0L).longValue()) {
                n++;
            }
        }
        return n;
    }
}
