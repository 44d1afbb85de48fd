package io.stampede.sale.adapter.web;

import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Access;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.SaleRules;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.shared.web.ApiException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Sales: the public catalogue and the admin's create and restock. */
@RestController
class SaleController {
    private final SaleService sales;
    private final Clock clock;

    SaleController(SaleService sales, Clock clock) {
        this.sales = sales;
        this.clock = clock;
    }

    record CreateSale(
            String name,
            String sku,
            Long stock,
            Long priceCents,
            Instant startsAt,
            Instant endsAt,
            Integer perUserLimit,
            Duration paymentTimeout,
            StockStrategy strategy,
            Intake intake,
            Integer gateSegments,
            Access access,
            SaleRules.RoomDraft waitingRoom,
            SaleRules.DrawDraft draw,
            Integer proofOfWork) {}

    record RestockRequest(Long quantity) {}

    @PostMapping("/api/admin/sales")
    ResponseEntity<SaleView> create(@RequestBody CreateSale body) {
        return switch (sales.create(new SaleRules.Draft(
                body.name(),
                body.sku(),
                body.stock(),
                body.priceCents(),
                body.startsAt(),
                body.endsAt(),
                body.perUserLimit(),
                body.paymentTimeout(),
                body.strategy(),
                body.intake(),
                body.gateSegments(),
                body.access(),
                body.waitingRoom(),
                body.draw(),
                body.proofOfWork()))) {
            case SaleService.Creation.Created c ->
                ResponseEntity.created(
                                URI.create("/api/sales/" + c.sale().sale().id()))
                        .body(SaleView.of(c.sale(), clock.instant()));
            case SaleService.Creation.Invalid i -> throw ApiException.validation(String.join("; ", i.violations()));
        };
    }

    @GetMapping("/api/sales/{id}")
    SaleView get(@PathVariable String id) {
        return SaleView.of(sales.get(id).orElseThrow(() -> ApiException.notFound("sale")), clock.instant());
    }

    @GetMapping("/api/sales")
    Map<String, List<SaleView>> list() {
        Instant now = clock.instant();
        return Map.of(
                "items", sales.list().stream().map(s -> SaleView.of(s, now)).toList());
    }

    @PostMapping("/api/admin/sales/{id}/restock")
    SaleView restock(@PathVariable String id, @RequestBody RestockRequest body) {
        return switch (sales.restock(id, body.quantity())) {
            case SaleService.Restock.Restocked r -> SaleView.of(r.sale(), clock.instant());
            case SaleService.Restock.NotFound n -> throw ApiException.notFound("sale");
            case SaleService.Restock.Invalid i -> throw ApiException.validation(i.violation());
            case SaleService.Restock.Busy b -> throw ApiException.unavailable(b.reason());
        };
    }
}
