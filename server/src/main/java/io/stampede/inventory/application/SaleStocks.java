package io.stampede.inventory.application;

import io.stampede.inventory.port.StockLedger;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockFigures;
import io.stampede.sale.port.SaleStock;
import java.util.Collection;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The sales' stock as the sale module sees it (see {@link SaleStock}): kept by inventory. */
@Component
class SaleStocks implements SaleStock {
    private final StockCounters counters;
    private final GateRebuilder rebuilder;
    private final StockLedger ledger;
    private final SoldOutFlags soldOut;

    SaleStocks(StockCounters counters, GateRebuilder rebuilder, StockLedger ledger, SoldOutFlags soldOut) {
        this.counters = counters;
        this.rebuilder = rebuilder;
        this.ledger = ledger;
        this.soldOut = soldOut;
    }

    @Override
    public void open(Sale sale) {
        counters.open(sale);
    }

    @Override
    public void opened(Sale sale) {
        if (sale.strategy().usesGate()) {
            rebuilder.rebuild(sale);
        } else {
            counters.afterOpen(sale);
        }
    }

    @Override
    public boolean restock(Sale sale, long quantity, Runnable change) {
        if (!counters.restock(sale, quantity, change)) {
            return false;
        }
        soldOut.clear(sale.id()); // the units are there for everybody now, this instance's flag included
        return true;
    }

    @Override
    public StockFigures figures(String saleId) {
        return ledger.figures(saleId);
    }

    @Override
    public Map<String, StockFigures> figures(Collection<String> saleIds) {
        return ledger.figures(saleIds);
    }
}
