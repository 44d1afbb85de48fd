package io.stampede.sale.port;

import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockFigures;
import java.util.Collection;
import java.util.Map;

/**
 * A sale's stock, as the sale module needs it: opened with the sale, added to by a restock, read as figures. The
 * sale module owns this port; the inventory module, which keeps the stock, implements it.
 */
public interface SaleStock {
    /** In the transaction that creates the sale: its record of units. */
    void open(Sale sale);

    /** After the sale's creation committed: its counter in Redis (gate or token list), when its strategy has one. */
    void opened(Sale sale);

    /**
     * Adds units: {@code change} (the sale's own record of the restock) commits with the stock's increment in one
     * transaction, and a Redis counter gets them after; false when that cannot be done now (its rebuild is running).
     */
    boolean restock(Sale sale, long quantity, Runnable change);

    /** The sale's stock figures, read from a few rows however many orders it has. */
    StockFigures figures(String saleId);

    /** The figures of many sales at once; a sale with no stock record is left out. */
    Map<String, StockFigures> figures(Collection<String> saleIds);
}
