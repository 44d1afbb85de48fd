package io.stampede.inventory.application.strategy;

import io.stampede.inventory.port.StockBuckets;
import io.stampede.inventory.port.StockLedger;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import org.springframework.stereotype.Component;

/**
 * SEGMENTED: the stock is spread over several rows, so purchases lock different rows and run side by side. A
 * purchase locks only its buyer's row (for the per-user check), then takes from a random bucket with one
 * conditional update, falling through to the next buckets; a quantity no single bucket has is gathered from
 * several, locking them in bucket order (see {@link StockLedger#take}). Only when every bucket has been tried is the
 * answer sold out, so no unit is stranded in a bucket.
 */
@Component
class SegmentedStock implements StockTaking {
    private final StockBuckets buckets;
    private final StockLedger ledger;

    SegmentedStock(StockBuckets buckets, StockLedger ledger) {
        this.buckets = buckets;
        this.ledger = ledger;
    }

    @Override
    public StockStrategy strategy() {
        return StockStrategy.SEGMENTED;
    }

    @Override
    public Attempt begin(Sale sale, String userId, int quantity) {
        // all buckets empty: sold out without a transaction (an unlocked sum is stale only towards "more")
        if (buckets.available(sale.id()) < quantity) {
            return new StockTaking.Stopped(Verdict.SOLD_OUT);
        }
        return () -> ledger.take(sale.id(), quantity) ? Verdict.GO : Verdict.SOLD_OUT;
    }
}
