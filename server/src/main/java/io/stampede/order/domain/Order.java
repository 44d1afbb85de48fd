package io.stampede.order.domain;

import java.time.Instant;
import java.util.List;

/** An order for units of one sale, with every state it entered and the coupon it redeemed (or null). */
public record Order(
        String id,
        String saleId,
        String userId,
        String idempotencyKey,
        int quantity,
        long amountCents,
        OrderStatus status,
        Instant createdAt,
        Instant expiresAt,
        List<StatusChange> history,
        String couponId) {

    public Order {
        history = List.copyOf(history);
    }

    /** One entry of an order's history. */
    public record StatusChange(OrderStatus status, Instant at) {
    }

    /** A new order whose units the gate has just reserved, awaiting payment until {@code expiresAt}. */
    public static Order placed(String id, String saleId, String userId, String key, int quantity, long amountCents,
                               Instant now, Instant expiresAt, String couponId) {
        return new Order(id, saleId, userId, key, quantity, amountCents, OrderStatus.PENDING_PAYMENT, now, expiresAt,
                List.of(new StatusChange(OrderStatus.PENDING_PAYMENT, now)), couponId);
    }
}
