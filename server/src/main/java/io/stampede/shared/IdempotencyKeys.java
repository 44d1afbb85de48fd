package io.stampede.shared;

import java.util.regex.Pattern;

/** The contract's rule for an {@code Idempotency-Key}, shared by purchases and coupon claims: 1..64 of [A-Za-z0-9_-]. */
public final class IdempotencyKeys {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private IdempotencyKeys() {}

    public static boolean isValid(String key) {
        return key != null && KEY.matcher(key).matches();
    }
}
