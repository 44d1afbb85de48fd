package io.stampede.order.adapter.web;

import io.stampede.order.domain.Order;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An order as the contract shows it; {@code orderId} repeats {@code id} for purchase answers, and a REJECTED order
 * says why in {@code refusal} (an error code of the contract: SOLD_OUT, LIMIT_EXCEEDED, SALE_NOT_ACTIVE).
 */
record OrderView(
        String orderId,
        String id,
        String saleId,
        String userId,
        int quantity,
        long amountCents,
        String status,
        Instant createdAt,
        Instant expiresAt,
        List<Change> history,
        @Nullable String couponId,
        @Nullable String refusal) {

    record Change(String status, Instant at) {}

    static OrderView of(Order o) {
        return new OrderView(
                o.id(),
                o.id(),
                o.saleId(),
                o.userId(),
                o.quantity(),
                o.amountCents(),
                o.status().name(),
                o.createdAt(),
                o.expiresAt(),
                o.history().stream()
                        .map(c -> new Change(c.status().name(), c.at()))
                        .toList(),
                o.couponId(),
                o.refusal());
    }
}
