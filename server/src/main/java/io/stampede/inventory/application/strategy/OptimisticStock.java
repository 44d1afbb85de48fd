package io.stampede.inventory.application.strategy;

import io.stampede.inventory.port.StockBuckets;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import org.springframework.stereotype.Component;

/**
 * DB_OPTIMISTIC: read the count and its version without a lock, then {@code UPDATE … WHERE version = ?}. A
 * concurrent change makes the update miss and the purchase start over, a bounded number of times; when the rounds
 * run out while stock remains, the answer is 503 (retry), never sold out.
 */
@Component
class OptimisticStock implements StockTaking {
    static final int MAX_ROUNDS = 12;

    private final StockBuckets buckets;

    OptimisticStock(StockBuckets buckets) {
        this.buckets = buckets;
    }

    @Override
    public StockStrategy strategy() {
        return StockStrategy.DB_OPTIMISTIC;
    }

    @Override
    public int maxRounds() {
        return MAX_ROUNDS;
    }

    @Override
    public Attempt begin(Sale sale, String userId, int quantity) {
        StockBuckets.Versioned read = buckets.read(sale.id())
                .orElseThrow(() -> new IllegalStateException("sale " + sale.id() + " has no stock row"));
        return new Attempt() {
            @Override
            public Verdict early() {
                return read.available() < quantity ? Verdict.SOLD_OUT : Verdict.GO;
            }

            @Override
            public Verdict guard() {
                // the winning update also holds the row to the commit, so the checks after it are serialized
                return buckets.compareAndSet(sale.id(), read.version(), read.available() - quantity)
                        ? Verdict.GO
                        : Verdict.retry("the stock changed since it was read");
            }

            @Override
            public Verdict take() {
                return Verdict.GO; // taken by the guard already
            }
        };
    }
}
