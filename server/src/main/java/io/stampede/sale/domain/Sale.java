package io.stampede.sale.domain;

import java.time.Duration;
import java.time.Instant;

/** A flash sale: one SKU, a window, a per-user limit and a payment deadline. */
public record Sale(
        String id,
        String name,
        String sku,
        long priceCents,
        Instant startsAt,
        Instant endsAt,
        int perUserLimit,
        Duration paymentTimeout,
        StockStrategy strategy,
        Intake intake,
        int gateSegments,
        long totalStock,
        Instant createdAt,
        Turns turns) {

    /** A sale open to all at its start: first come, first served. */
    public Sale(
            String id,
            String name,
            String sku,
            long priceCents,
            Instant startsAt,
            Instant endsAt,
            int perUserLimit,
            Duration paymentTimeout,
            StockStrategy strategy,
            Intake intake,
            int gateSegments,
            long totalStock,
            Instant createdAt) {
        this(
                id,
                name,
                sku,
                priceCents,
                startsAt,
                endsAt,
                perUserLimit,
                paymentTimeout,
                strategy,
                intake,
                gateSegments,
                totalStock,
                createdAt,
                Turns.OPEN);
    }

    /** Purchases are taken from {@code startsAt} inclusive to {@code endsAt} exclusive. */
    public boolean isOpenAt(Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt);
    }

    public SaleState stateAt(Instant now, StockFigures stock) {
        if (now.isBefore(startsAt)) {
            return SaleState.SCHEDULED;
        }
        if (!now.isBefore(endsAt)) {
            return SaleState.ENDED;
        }
        return stock.available() <= 0 ? SaleState.SOLD_OUT : SaleState.ACTIVE;
    }

    public Access access() {
        return turns.access();
    }

    public long amountFor(int quantity) {
        return Math.multiplyExact(priceCents, quantity);
    }
}
