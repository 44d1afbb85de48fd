package io.stampede.inventory.application;

import io.stampede.inventory.application.strategy.StrategySettings;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.inventory.port.StockBuckets;
import io.stampede.inventory.port.TokenQueue;
import io.stampede.order.domain.Order;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockFigures;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.sale.port.SaleRepository;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The stock counters of the strategies other than REDIS_LUA, beside the orders (the truth): rows of
 * {@code stock_buckets} for the database strategies, the Redis token list for TOKEN_QUEUE. Opens them with a sale,
 * adds restocked units, gives back the units of ended orders, and compares and rebuilds them from the orders.
 */
@Component
public class StockCounters {
    private static final Logger log = LoggerFactory.getLogger(StockCounters.class);
    private static final Duration LEASE_WAIT = Duration.ofSeconds(10);

    private final StockBuckets buckets;
    private final TokenQueue tokens;
    private final SaleRepository sales;
    private final OrderRepository orders;
    private final StrategySettings settings;
    private final TransactionTemplate tx;
    private final TransactionTemplate snapshot;
    private final ConcurrentHashMap<String, ReentrantLock> rebuilding = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> bucketCounts = new ConcurrentHashMap<>();

    public StockCounters(StockBuckets buckets, TokenQueue tokens, SaleRepository sales, OrderRepository orders,
                         StrategySettings settings, PlatformTransactionManager transactions) {
        this.buckets = buckets;
        this.tokens = tokens;
        this.sales = sales;
        this.orders = orders;
        this.settings = settings;
        this.tx = new TransactionTemplate(transactions);
        this.snapshot = new TransactionTemplate(transactions);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
    }

    /** In the transaction that creates the sale: its stock rows, for the database strategies. */
    public void open(Sale sale) {
        if (sale.strategy().countsInDatabase()) {
            int n = sale.strategy() == StockStrategy.SEGMENTED ? settings.segmentsFor(sale.totalStock()) : 1;
            buckets.open(sale.id(), sale.totalStock(), n);
        }
    }

    /** After the sale's creation committed: the token list of a TOKEN_QUEUE sale. */
    public void afterOpen(Sale sale) {
        if (sale.strategy().countsInTokens()) {
            rebuild(sale);
        }
    }

    /**
     * A restock: the database change runs with the counter's increment in one transaction for the database
     * strategies; for TOKEN_QUEUE the commit and the push run under the list's rebuild lease, so a rebuild neither
     * misses the units nor counts them twice. False when that lease could not be had.
     */
    public boolean restock(Sale sale, long quantity, Runnable databaseChange) {
        if (sale.strategy().countsInDatabase()) {
            tx.executeWithoutResult(s -> {
                databaseChange.run();
                int n = bucketCount(sale.id());
                for (int b = 0; b < n; b++) {
                    long part = StockBuckets.share(quantity, n, b);
                    if (part > 0) {
                        buckets.give(sale.id(), b, part);
                    }
                }
            });
            return true;
        }
        return tokens.underLease(sale.id(), LEASE_WAIT, () -> {
            tx.executeWithoutResult(s -> databaseChange.run());
            tokens.add(sale.id(), quantity); // a list not built picks the units up when it is
        });
    }

    /**
     * In the transaction that ends an order: gives its units back to a database counter and answers true, or
     * answers false when they go back after the commit (a Redis counter).
     */
    public boolean returnInTransaction(Sale sale, Order order) {
        if (!sale.strategy().countsInDatabase()) {
            return false;
        }
        int n = bucketCount(sale.id());
        buckets.give(sale.id(), n == 1 ? 0 : Math.floorMod(order.id().hashCode(), n), order.quantity());
        return true;
    }

    /** After the commit: gives the units of an ended TOKEN_QUEUE order back to its list, once. */
    public PurchaseGate.Release release(Order order) {
        return tokens.release(order.saleId(), order.id(), order.quantity());
    }

    /** What the counter holds: the rows' sum, or the list's length; empty when the list is not built. */
    public OptionalLong counted(Sale sale) {
        return sale.strategy().countsInDatabase() ? OptionalLong.of(buckets.available(sale.id()))
                : tokens.available(sale.id());
    }

    /** Rewrites the counter from the orders; true when this call did it. */
    public boolean rebuild(Sale sale) {
        ReentrantLock lock = rebuilding.computeIfAbsent(sale.id(), k -> new ReentrantLock());
        if (!lock.tryLock()) {
            return false;
        }
        try {
            boolean done = sale.strategy().countsInDatabase() ? rebuildRows(sale) : rebuildTokens(sale);
            if (done) {
                log.info("Rebuilt the {} stock of sale {} from the database", sale.strategy(), sale.id());
            }
            return done;
        } finally {
            lock.unlock();
        }
    }

    /** For a purchase that found the token list missing: rebuild it, or wait a moment for the rebuild running. */
    public void rebuildOrWait(Sale sale) {
        try {
            if (!rebuild(sale)) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Rebuild of the stock of sale {} failed: {}", sale.id(), e.getMessage());
        }
    }

    /** Builds a missing token list; for start-up. */
    public void ensureBuilt(Sale sale) {
        if (sale.strategy().countsInTokens() && tokens.available(sale.id()).isEmpty()) {
            rebuild(sale);
        }
    }

    private boolean rebuildRows(Sale sale) {
        tx.executeWithoutResult(s -> {
            // with every bucket locked no purchase can take or insert: the orders read now are the whole truth
            buckets.lockAll(sale.id());
            buckets.reset(sale.id(), Math.max(0, sales.figures(sale.id()).available()));
        });
        return true;
    }

    private boolean rebuildTokens(Sale sale) {
        return tokens.rebuild(sale.id(), () -> {
            // the bump waits for purchases holding the build number in share mode, and from its commit on, tokens
            // of the old build are refused: the orders read after it are every order those tokens became
            long epoch = tx.execute(s -> sales.bumpGateEpoch(sale.id()));
            return snapshot.execute(s -> {
                StockFigures figures = sales.figures(sale.id());
                return new TokenQueue.State(Math.max(0, figures.available()), orders.releasedOrderIds(sale.id()),
                        epoch);
            });
        });
    }

    private int bucketCount(String saleId) {
        return bucketCounts.computeIfAbsent(saleId, buckets::bucketCount);
    }
}
