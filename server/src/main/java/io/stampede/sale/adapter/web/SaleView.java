package io.stampede.sale.adapter.web;

import io.stampede.sale.application.SaleService.SaleWithStock;
import io.stampede.sale.domain.Sale;
import java.time.Instant;

/** A sale as the contract shows it. */
record SaleView(
        String id,
        String name,
        String sku,
        long priceCents,
        Instant startsAt,
        Instant endsAt,
        int perUserLimit,
        String paymentTimeout,
        String strategy,
        String intake,
        int gateSegments,
        String state,
        Stock stock) {

    record Stock(long total, long available, long reserved, long sold) {}

    static SaleView of(SaleWithStock s, Instant now) {
        Sale sale = s.sale();
        return new SaleView(
                sale.id(),
                sale.name(),
                sale.sku(),
                sale.priceCents(),
                sale.startsAt(),
                sale.endsAt(),
                sale.perUserLimit(),
                sale.paymentTimeout().toString(),
                sale.strategy().name(),
                sale.intake().name(),
                sale.gateSegments(),
                sale.stateAt(now, s.stock()).name(),
                new Stock(
                        s.stock().total(),
                        s.stock().available(),
                        s.stock().reserved(),
                        s.stock().sold()));
    }
}
