package io.stampede.inventory.adapter.web;

import io.stampede.inventory.application.Reconciliation;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Sale;
import io.stampede.shared.ApiException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/admin/sales/{id}/reconciliation}: compare the gate with the database, or rebuild it from there. */
@RestController
class ReconciliationController {
    private final SaleService sales;
    private final Reconciliation reconciliation;

    ReconciliationController(SaleService sales, Reconciliation reconciliation) {
        this.sales = sales;
        this.reconciliation = reconciliation;
    }

    record Figures(long total, long available, long reserved, long sold) {
    }

    record Cache(Long available) {
    }

    record View(boolean consistent, Figures database, Cache cache, long drift) {
        static View of(Reconciliation.Report r) {
            return new View(r.consistent(), new Figures(r.database().total(), r.database().available(),
                    r.database().reserved(), r.database().sold()), new Cache(r.cacheAvailable()), r.drift());
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
