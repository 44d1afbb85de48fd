package io.stampede.inventory.adapter.web;

import io.stampede.inventory.application.Reconciliation;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockFigures;
import io.stampede.shared.web.ApiException;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/admin/sales/{id}/reconciliation}: compare the gate, the stock ledger and the orders, or rebuild. */
@RestController
class ReconciliationController {
    private final SaleService sales;
    private final Reconciliation reconciliation;

    ReconciliationController(SaleService sales, Reconciliation reconciliation) {
        this.sales = sales;
        this.reconciliation = reconciliation;
    }

    record Figures(long total, long available, long reserved, long sold) {
        static Figures of(StockFigures f) {
            return new Figures(f.total(), f.available(), f.reserved(), f.sold());
        }
    }

    record Cache(@Nullable Long available) {}

    /**
     * The contract's answer ({@code database}: the figures the orders add up to), and beside it the stock ledger's
     * figures (what the database enforces, and what the sale shows) and how many figures or users disagree: the gate
     * with the ledger ({@code usersDisagreeing}) and the ledger with the orders ({@code ledgerDisagreeing}).
     */
    record View(
            boolean consistent,
            Figures database,
            Figures ledger,
            Cache cache,
            long drift,
            int usersDisagreeing,
            int ledgerDisagreeing) {
        static View of(Reconciliation.Report r) {
            return new View(
                    r.consistent(),
                    Figures.of(r.database()),
                    Figures.of(r.ledger()),
                    new Cache(r.cacheAvailable()),
                    r.drift(),
                    r.usersDisagreeing(),
                    r.ledgerDisagreeing());
        }
    }

    @GetMapping("/api/admin/sales/{id}/reconciliation")
    View report(@PathVariable String id) {
        return View.of(reconciliation.report(sale(id)));
    }

    @PostMapping("/api/admin/sales/{id}/reconciliation")
    View rebuild(@PathVariable String id) {
        return View.of(reconciliation.rebuild(sale(id)));
    }

    private Sale sale(String id) {
        return sales.definition(id).orElseThrow(() -> ApiException.notFound("sale"));
    }
}
