package io.stampede.order.domain;

import io.stampede.coupon.domain.Coupon;
import io.stampede.sale.domain.Sale;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An order for units of one sale, with every state it entered, the coupon it redeemed (or null), and for a REJECTED
 * order the error code of the refusal (else null).
 */
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
        @Nullable String couponId,
        @Nullable String refusal) {

    public Order {
        history = List.copyOf(history);
    }

    /** One entry of an order's history. */
    public record StatusChange(OrderStatus status, Instant at) {}

    /**
     * A new order of the sale, awaiting payment until the sale's payment timeout has passed: the price of the units,
     * less the coupon's discount (never below zero) when a coupon is redeemed.
     */
    public static Order placed(
            String id, Sale sale, String userId, String key, int quantity, @Nullable Coupon coupon, Instant now) {
        long amount = sale.amountFor(quantity);
        if (coupon != null) {
            amount = Math.max(0, amount - coupon.discountCents());
        }
        return new Order(
                id,
                sale.id(),
                userId,
                key,
                quantity,
                amount,
                OrderStatus.PENDING_PAYMENT,
                now,
                now.plus(sale.paymentTimeout()),
                List.of(new StatusChange(OrderStatus.PENDING_PAYMENT, now)),
                coupon == null ? null : coupon.id(),
                null);
    }
}
