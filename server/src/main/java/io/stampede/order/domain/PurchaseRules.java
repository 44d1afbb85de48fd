package io.stampede.order.domain;

import java.util.regex.Pattern;

/** Rules on a purchase request that need no stock to decide. */
public final class PurchaseRules {
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    public static final int MAX_QUANTITY = 1_000;

    private PurchaseRules() {
    }

    public static boolean isValidIdempotencyKey(String key) {
        return key != null && IDEMPOTENCY_KEY.matcher(key).matches();
    }

    public static boolean isValidQuantity(Integer quantity) {
        return quantity != null && quantity >= 1 && quantity <= MAX_QUANTITY;
    }
}
