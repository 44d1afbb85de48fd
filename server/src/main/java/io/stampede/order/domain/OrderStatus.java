package io.stampede.order.domain;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of an order and the transitions the contract allows between them. REJECTED is the end of an accepted
 * QUEUED order that the database refused when its consumer wrote it (the gate had admitted more than the stock or the
 * buyer's limit): it never held units in the database, and its owner sees it with the reason.
 */
public enum OrderStatus {
    QUEUED,
    PENDING_PAYMENT,
    PAID,
    FULFILLED,
    CANCELLED,
    EXPIRED,
    REFUNDED,
    REJECTED;

    /** States whose units are reserved. */
    public static final Set<OrderStatus> RESERVING = EnumSet.of(QUEUED, PENDING_PAYMENT);
    /** States whose units are sold. */
    public static final Set<OrderStatus> SELLING = EnumSet.of(PAID, FULFILLED);

    public boolean canBecome(OrderStatus next) {
        return switch (this) {
            case QUEUED -> next == PENDING_PAYMENT || next == CANCELLED || next == EXPIRED || next == REJECTED;
            case PENDING_PAYMENT -> next == PAID || next == CANCELLED || next == EXPIRED;
            case PAID -> next == FULFILLED || next == REFUNDED;
            case FULFILLED, CANCELLED, EXPIRED, REFUNDED, REJECTED -> false;
        };
    }

    /** True while the order holds units (reserved or sold) and counts against the per-user limit. */
    public boolean isLive() {
        return RESERVING.contains(this) || SELLING.contains(this);
    }
}
