package io.stampede.order.application;

import io.stampede.order.domain.Order;
import io.stampede.order.domain.OrderStatus;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An order request of intake QUEUED, as it travels through the intake queue and as its record waits beside the
 * gate: everything needed to write the order, and the epoch of the gate that reserved it (0 when unknown, which
 * makes the consumer check it against the current gate).
 */
public record QueuedOrder(
        String id,
        String saleId,
        String userId,
        String idempotencyKey,
        int quantity,
        long amountCents,
        Instant createdAt,
        Instant expiresAt,
        @Nullable String couponId,
        long gateEpoch) {

    public QueuedOrder withEpoch(long epoch) {
        return new QueuedOrder(
                id, saleId, userId, idempotencyKey, quantity, amountCents, createdAt, expiresAt, couponId, epoch);
    }

    /** The order as the shopper sees it before it is written. */
    public Order asQueued() {
        return new Order(
                id,
                saleId,
                userId,
                idempotencyKey,
                quantity,
                amountCents,
                OrderStatus.QUEUED,
                createdAt,
                expiresAt,
                List.of(new Order.StatusChange(OrderStatus.QUEUED, createdAt)),
                couponId,
                null);
    }

    /** The order as the consumer writes it: QUEUED at acceptance, then PENDING_PAYMENT at {@code at}. */
    public Order written(Instant at) {
        return written(OrderStatus.PENDING_PAYMENT, at, null);
    }

    /** The order as the consumer writes it when the sale cannot honour it: REJECTED at {@code at}, and why. */
    public Order rejected(Instant at, String refusal) {
        return written(OrderStatus.REJECTED, at, refusal);
    }

    private Order written(OrderStatus status, Instant at, @Nullable String refusal) {
        Instant when = at.isBefore(createdAt) ? createdAt : at;
        return new Order(
                id,
                saleId,
                userId,
                idempotencyKey,
                quantity,
                amountCents,
                status,
                createdAt,
                expiresAt,
                List.of(new Order.StatusChange(OrderStatus.QUEUED, createdAt), new Order.StatusChange(status, when)),
                couponId,
                refusal);
    }
}
