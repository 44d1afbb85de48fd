package io.stampede.inventory.application.strategy;

import io.stampede.inventory.port.StockBuckets;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import org.springframework.stereotype.Component;

/** DB_PESSIMISTIC: {@code SELECT … FOR UPDATE} on the sale's stock row, checks, decrement, one transaction. */
@Component
class PessimisticStock implements StockTaking {
    private final StockBuckets buckets;

    PessimisticStock(StockBuckets buckets) {
        this.buckets = buckets;
    }

    @Override
    public StockStrategy strategy() {
        return StockStrategy.DB_PESSIMISTIC;
    }

    @Override
    public Attempt begin(Sale sale, String userId, int quantity) {
        return new Attempt() {
            private long available;

            @Override
            public Verdict guard() {
                // every purchase of the sale queues here: the checks after it see every earlier winner committed
                available = buckets.lock(sale.id(), 0);
                return Verdict.GO;
            }

            @Override
            public Verdict take() {
                return takeLocked(buckets, sale.id(), available, quantity);
            }
        };
    }

    /** With bucket 0 locked and its count read: takes the units if there are enough. */
    static Verdict takeLocked(StockBuckets buckets, String saleId, long available, int quantity) {
        if (available < quantity) {
            return Verdict.SOLD_OUT;
        }
        buckets.take(saleId, 0, quantity);
        return Verdict.GO;
    }
}
