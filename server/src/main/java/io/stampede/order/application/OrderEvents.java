package io.stampede.order.application;

import io.stampede.event.application.Events;
import io.stampede.event.domain.DomainEvent;
import io.stampede.order.domain.Order;
import io.stampede.order.domain.OrderStatus;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** The events of the order lifecycle: {@code order.placed}, {@code order.paid}, {@code order.cancelled}... */
public final class OrderEvents {
    private OrderEvents() {}

    public static DomainEvent of(Order order, OrderStatus status, Instant at, @Nullable String paymentId) {
        String type = switch (status) {
            case QUEUED, PENDING_PAYMENT -> "order.placed";
            case PAID -> "order.paid";
            case FULFILLED -> "order.fulfilled";
            case CANCELLED -> "order.cancelled";
            case EXPIRED -> "order.expired";
            case REFUNDED -> "order.refunded";
            case REJECTED -> "order.rejected";
        };
        return Events.of(
                type,
                at,
                "orderId",
                order.id(),
                "saleId",
                order.saleId(),
                "userId",
                order.userId(),
                "quantity",
                order.quantity(),
                "amountCents",
                order.amountCents(),
                "status",
                status.name(),
                "paymentId",
                paymentId,
                "refusal",
                order.refusal());
    }
}
