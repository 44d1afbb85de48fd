package io.stampede.sale.port;

import io.stampede.sale.domain.Sale;
import java.util.List;
import java.util.Optional;

/** Where sales are kept; the database is the truth of stock. */
public interface SaleRepository {
    void insert(Sale sale);

    Optional<Sale> find(String id);

    /** Newest first. */
    List<Sale> list(int limit);

    /** Sales whose window has not ended at the given instant. */
    List<Sale> openOrUpcoming(java.time.Instant now);

    /** Adds units to the total and the warehouse's on-hand count; false when the sale does not exist. */
    boolean addStock(String id, long quantity);

    /** Starts a new gate epoch for the sale and returns it; waits for order batches holding the sale's row. */
    long bumpGateEpoch(String id);

    /**
     * Takes the sale row exclusively until the transaction ends: waits for every transaction that holds it shared,
     * such as an order batch whose commit is in doubt.
     */
    void lockExclusively(String id);

    /** What a writer of orders checks of a sale under its row's share lock: its gate epoch and its per-user limit. */
    record Fence(long gateEpoch, int perUserLimit) {
    }

    /** The fence of each sale, with the sale rows held FOR SHARE until the caller's commit (a missing sale is left out). */
    java.util.Map<String, Fence> lockGateEpochs(java.util.Collection<String> ids);

    /** Takes units out of the warehouse at fulfilment; false when fewer are on hand. */
    boolean shipUnits(String id, long quantity);
}
