package io.stampede.order.domain;

import java.util.EnumSet;
import java.util.Set;

/** The states of an order and the transitions the contract allows between them. */
public enum OrderStatus {
    QUEUED, PENDING_PAYMENT, PAID, FULFILLED, CANCELLED, EXPIRED, REFUNDED;

    /** States whose units are reserved. */
    public static final Set<OrderStatus> RESERVING = EnumSet.of(QUEUED, PENDING_PAYMENT);
    /** States whose units are sold. */
    public static final Set<OrderStatus> SELLING = EnumSet.of(PAID, FULFILLED);

    public boolean canBecome(OrderStatus next) {
        return switch (this) {
            case QUEUED -> next == PENDING_PAYMENT || next == CANCELLED || next == EXPIRED;
            case PENDING_PAYMENT -> next == PAID || next == CANCELLED || next == EXPIRED;
            case PAID -> next == FULFILLED || next == REFUNDED;
            case FULFILLED, CANCELLED, EXPIRED, REFUNDED -> false;
        };
    }

    /** True while the order holds units (reserved or sold) and counts against the per-user limit. */
    public boolean isLive() {
        return RESERVING.contains(this) || SELLING.contains(this);
    }
}
