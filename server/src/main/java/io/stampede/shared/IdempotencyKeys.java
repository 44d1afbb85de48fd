package io.stampede.shared;

/** The contract's rule for an {@code Idempotency-Key}, shared by purchases and coupon claims: 1..64 of [A-Za-z0-9_-]. */
public final class IdempotencyKeys {
    private IdempotencyKeys() {}

    public static boolean isValid(String key) {
        return InputRules.isAsciiWord(key, 1, 64, "_-");
    }
}
