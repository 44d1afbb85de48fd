package io.stampede.inventory.application.strategy;

import io.stampede.inventory.port.StockBuckets;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/**
 * SEGMENTED: the stock is spread over several rows, so purchases lock different rows and run side by side. A
 * purchase locks only its buyer's row (for the per-user check), then takes from a random bucket with one
 * conditional update, falling through to the next buckets; a quantity no single bucket has is gathered from
 * several, locking them in bucket order. Only when every bucket has been tried is the answer sold out, so no unit
 * is stranded in a bucket.
 */
@Component
class SegmentedStock implements StockTaking {
    private final StockBuckets buckets;
    private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

    SegmentedStock(StockBuckets buckets) {
        this.buckets = buckets;
    }

    @Override
    public StockStrategy strategy() {
        return StockStrategy.SEGMENTED;
    }

    @Override
    public Attempt begin(Sale sale, String userId, int quantity) {
        // all buckets empty: sold out without a transaction (an unlocked sum is stale only towards "more")
        boolean empty = buckets.available(sale.id()) < quantity;
        return new Attempt() {
            @Override
            public Verdict early() {
                return empty ? Verdict.SOLD_OUT : Verdict.GO;
            }

            @Override
            public Verdict guard() {
                buckets.lockBuyer(sale.id(), userId);
                return Verdict.GO;
            }

            @Override
            public Verdict take() {
                int n = counts.computeIfAbsent(sale.id(), buckets::bucketCount);
                int first = ThreadLocalRandom.current().nextInt(n);
                for (int i = 0; i < n; i++) {
                    // a miss locks nothing, so a purchase holds at most the one bucket it took from
                    if (buckets.takeIfAvailable(sale.id(), (first + i) % n, quantity)) {
                        return Verdict.GO;
                    }
                }
                return quantity > 1 ? gather(sale.id(), quantity) : Verdict.SOLD_OUT;
            }
        };
    }

    private Verdict gather(String saleId, int quantity) {
        List<Long> available = buckets.lockAll(saleId);
        if (available.stream().mapToLong(Long::longValue).sum() < quantity) {
            return Verdict.SOLD_OUT;
        }
        long left = quantity;
        for (int b = 0; b < available.size() && left > 0; b++) {
            long part = Math.min(left, available.get(b));
            if (part > 0) {
                buckets.take(saleId, b, part);
                left -= part;
            }
        }
        return Verdict.GO;
    }

    /** The bucket an ended order gives its units back to: any bucket serves, fall-through finds them. */
    static int bucketFor(String orderId, int buckets) {
        return Math.floorMod(orderId.hashCode(), buckets);
    }
}
