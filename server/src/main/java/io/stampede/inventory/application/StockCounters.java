package io.stampede.inventory.application;

import io.stampede.inventory.port.GateFences;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.inventory.port.StockLedger;
import io.stampede.inventory.port.TokenQueue;
import io.stampede.inventory.port.UnitHolders;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.SaleEnded;
import io.stampede.sale.domain.StockFigures;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.sale.port.SaleRepository;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
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
 * A sale's stock outside the gate: the stock ledger in the database (every strategy's guarded record, see
 * {@link StockLedger}) and the Redis token list of TOKEN_QUEUE. Opens them with a sale, adds restocked units to
 * them and to the gate, gives back the units of ended TOKEN_QUEUE orders, and compares and rebuilds them from the
 * orders.
 */
@Component
public class StockCounters {
    private static final Logger log = LoggerFactory.getLogger(StockCounters.class);
    private static final Duration LEASE_WAIT = Duration.ofSeconds(10);

    private final StockLedger ledger;
    private final TokenQueue tokens;
    private final PurchaseGate gate;
    private final SaleRepository sales;
    private final GateFences gateFences;
    private final UnitHolders orders;
    private final InventorySettings.Strategies settings;
    private final TransactionTemplate tx;
    private final TransactionTemplate snapshot;
    private final ConcurrentHashMap<String, ReentrantLock> rebuilding = new ConcurrentHashMap<>();

    public StockCounters(
            StockLedger ledger,
            TokenQueue tokens,
            PurchaseGate gate,
            SaleRepository sales,
            GateFences gateFences,
            UnitHolders orders,
            InventorySettings settings,
            PlatformTransactionManager transactions) {
        this.ledger = ledger;
        this.tokens = tokens;
        this.gate = gate;
        this.sales = sales;
        this.gateFences = gateFences;
        this.orders = orders;
        this.settings = settings.strategies();
        this.tx = new TransactionTemplate(transactions);
        this.snapshot = new TransactionTemplate(transactions);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
    }

    /**
     * In the transaction that creates the sale: its stock ledger, one row, or several for the strategies whose
     * purchases take from any row (SEGMENTED, TOKEN_QUEUE) so that they do not queue on one.
     */
    public void open(Sale sale) {
        boolean spread = sale.strategy() == StockStrategy.SEGMENTED || sale.strategy() == StockStrategy.TOKEN_QUEUE;
        ledger.open(sale.id(), sale.totalStock(), spread ? settings.segmentsFor(sale.totalStock()) : 1);
    }

    /** After the sale's creation committed: the token list of a TOKEN_QUEUE sale. */
    public void afterOpen(Sale sale) {
        if (sale.strategy().countsInTokens()) {
            rebuild(sale);
        }
    }

    /**
     * A restock: the database change commits with the ledger's increment in one transaction. A Redis counter gets the
     * units after that commit, both under its rebuild lease, so that a rebuild neither misses the units nor counts them
     * twice (a failure in between undersells, never oversells). False when that lease could not be had.
     */
    public boolean restock(Sale sale, long quantity, Runnable databaseChange) {
        Runnable recorded = () -> tx.executeWithoutResult(s -> {
            databaseChange.run();
            ledger.addStock(sale.id(), quantity);
        });
        if (sale.strategy().usesGate()) {
            return gate.underLease(sale.id(), LEASE_WAIT, () -> {
                recorded.run();
                gate.addStock(sale.id(), quantity); // a missing gate picks the units up when it is rebuilt
            });
        }
        if (sale.strategy().countsInTokens()) {
            return tokens.underLease(sale.id(), LEASE_WAIT, () -> {
                recorded.run();
                tokens.add(sale.id(), quantity); // a list not built picks the units up when it is
            });
        }
        recorded.run();
        return true;
    }

    /** After the commit: gives the units of an ended TOKEN_QUEUE order back to its list, once. */
    public PurchaseGate.Release release(UnitHolders.Release units) {
        return tokens.release(units.saleId(), units.orderId(), units.quantity());
    }

    /** What the sale's own counter holds: the token list's length (empty when not built), else the ledger's. */
    public OptionalLong counted(Sale sale) {
        return sale.strategy().countsInTokens()
                ? tokens.available(sale.id())
                : OptionalLong.of(ledger.figures(sale.id()).available());
    }

    /** The ledger's figures and buyers beside a recount of the orders, read in one snapshot. */
    public record LedgerCheck(StockFigures ledger, Map<String, Long> buyers, StockLedger.Recount recount) {}

    /** The stock ledger and the orders it must agree with, as one snapshot of the database sees them. */
    public LedgerCheck checkLedger(Sale sale) {
        return snapshot.execute(
                s -> new LedgerCheck(ledger.figures(sale.id()), ledger.unitsByBuyer(sale.id()), recountNow(sale)));
    }

    private StockLedger.Recount recountNow(Sale sale) {
        UnitHolders.HeldUnits held = orders.heldUnits(sale.id());
        long total = sales.find(sale.id()).orElseThrow().totalStock();
        return new StockLedger.Recount(
                total - held.reserved() - held.sold(), held.sold(), orders.liveUnitsByUser(sale.id()));
    }

    /** Rewrites the stock ledger from the orders (every buyer row and bucket locked meanwhile). */
    public void rewriteLedger(Sale sale) {
        tx.executeWithoutResult(s -> ledger.rewrite(sale.id(), () -> recountNow(sale)));
        log.warn("Rewrote the stock ledger of sale {} from its orders", sale.id());
    }

    /**
     * Rebuilds the sale's own Redis counter from the ledger: the token list of TOKEN_QUEUE (the database strategies
     * have none: their counter is the ledger). True when this call did it.
     */
    public boolean rebuild(Sale sale) {
        if (!sale.strategy().countsInTokens()) {
            return true;
        }
        ReentrantLock lock = rebuilding.computeIfAbsent(sale.id(), k -> new ReentrantLock());
        if (!lock.tryLock()) {
            return false;
        }
        try {
            boolean done = tokens.rebuild(sale.id(), () -> {
                // the bump waits for purchases holding the build number in share mode, and from its commit on, tokens
                // of the old build are refused: the ledger read after it counts every order those tokens became
                long epoch = tx.execute(s -> gateFences.bump(sale.id()));
                return snapshot.execute(s -> {
                    StockFigures figures = ledger.figures(sale.id());
                    return new TokenQueue.State(
                            Math.max(0, figures.available()), orders.releasedOrderIds(sale.id()), epoch);
                });
            });
            if (done) {
                log.info("Rebuilt the token list of sale {} from the database", sale.id());
            }
            return done;
        } finally {
            lock.unlock();
        }
    }

    /** Builds a missing token list; for start-up. */
    public void ensureBuilt(Sale sale) {
        if (sale.strategy().countsInTokens() && tokens.available(sale.id()).isEmpty()) {
            rebuild(sale);
        }
    }

    @EventListener
    void on(SaleEnded ended) {
        rebuilding.remove(ended.saleId());
    }

    /** How many sales this instance keeps a rebuild lock for. */
    int tracked() {
        return rebuilding.size();
    }
}
