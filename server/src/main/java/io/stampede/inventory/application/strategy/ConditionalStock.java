package io.stampede.inventory.application.strategy;

import io.stampede.inventory.port.StockBuckets;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import org.springframework.stereotype.Component;

/**
 * DB_CONDITIONAL: one {@code UPDATE … SET available = available - q WHERE available >= q}. It takes the units
 * first and holds the row from then on, so the checks after it are serialized; a failed check rolls it back.
 */
@Component
class ConditionalStock implements StockTaking {
    private final StockBuckets buckets;

    ConditionalStock(StockBuckets buckets) {
        this.buckets = buckets;
    }

    @Override
    public StockStrategy strategy() {
        return StockStrategy.DB_CONDITIONAL;
    }

    @Override
    public Attempt begin(Sale sale, String userId, int quantity) {
        return new Attempt() {
            @Override
            public Verdict guard() {
                return buckets.takeIfAvailable(sale.id(), 0, quantity) ? Verdict.GO : Verdict.SOLD_OUT;
            }

            @Override
            public Verdict take() {
                return Verdict.GO; // taken by the guard already
            }
        };
    }
}
