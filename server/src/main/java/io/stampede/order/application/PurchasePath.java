package io.stampede.order.application;

import io.stampede.coupon.domain.Coupon;
import io.stampede.sale.domain.Sale;
import org.jspecify.annotations.Nullable;

/** One way of taking stock for a purchase; a sale's strategy and intake choose which one serves it. */
public interface PurchasePath {
    /** Whether this path serves purchases of the sale. */
    boolean serves(Sale sale);

    /**
     * One purchase attempt by a user with an idempotency key (quantity and key already validated), redeeming the
     * coupon when one is given (already checked usable by this user).
     */
    PurchaseOutcome purchase(Sale sale, String userId, String idempotencyKey, int quantity, @Nullable Coupon coupon);
}
