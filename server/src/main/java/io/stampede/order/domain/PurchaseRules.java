package io.stampede.order.domain;

/** Rules on a purchase request that need no stock to decide (its key's: {@link io.stampede.shared.IdempotencyKeys}). */
public final class PurchaseRules {
    public static final int MAX_QUANTITY = 1_000;

    private PurchaseRules() {}

    public static boolean isValidQuantity(Integer quantity) {
        return quantity != null && quantity >= 1 && quantity <= MAX_QUANTITY;
    }
}
