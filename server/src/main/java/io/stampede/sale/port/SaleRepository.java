package io.stampede.sale.port;

import io.stampede.sale.domain.Sale;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where sales are kept; the database is the truth of stock. */
public interface SaleRepository {
    void insert(Sale sale);

    Optional<Sale> find(String id);

    /** Newest first. */
    List<Sale> list(int limit);

    /** Sales whose window has not ended at the given instant. */
    List<Sale> openOrUpcoming(Instant now);

    /** Adds units to the total and the warehouse's on-hand count; false when the sale does not exist. */
    boolean addStock(String id, long quantity);

    /** Keeps the rate a waiting room lets shoppers through; false when the sale has no room. */
    boolean setAdmitPerSecond(String id, int admitPerSecond);

    /** Takes units out of the warehouse at fulfilment; false when fewer are on hand. */
    boolean shipUnits(String id, long quantity);
}
