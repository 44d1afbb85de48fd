package io.stampede.order.application;

import io.stampede.inventory.application.GateAdmission;
import io.stampede.order.domain.Order;

/** The answer to a purchase attempt. */
public sealed interface PurchaseOutcome {
    /** The answer to a gate's or the database's refusal. */
    static PurchaseOutcome refused(GateAdmission.Rejection rejection) {
        return switch (rejection) {
            case SOLD_OUT -> new SoldOut();
            case LIMIT_EXCEEDED -> new LimitExceeded();
            case NOT_ACTIVE -> new NotActive();
        };
    }

    /** The order exists (new, or the one this idempotency key already made). */
    record Placed(Order order, boolean replay) implements PurchaseOutcome {}

    /**
     * Intake QUEUED: the units are reserved and the order request is durably queued; the order (status QUEUED) is
     * written by a consumer and the shopper polls for it.
     */
    record Queued(Order order, boolean replay) implements PurchaseOutcome {}

    record SoldOut() implements PurchaseOutcome {}

    record LimitExceeded() implements PurchaseOutcome {}

    record NotActive() implements PurchaseOutcome {}

    /** The coupon was redeemed by another order first. */
    record CouponUsed() implements PurchaseOutcome {}

    /** The request cannot be taken by this sale as it is (a coupon on a QUEUED sale): nothing was reserved. */
    record Invalid(String reason) implements PurchaseOutcome {}

    /** A backing service could not settle the attempt; nothing was taken that the shopper cannot find later. */
    record Unavailable(String reason) implements PurchaseOutcome {}
}
