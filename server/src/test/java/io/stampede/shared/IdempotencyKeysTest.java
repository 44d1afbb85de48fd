package io.stampede.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The contract's rule for an Idempotency-Key, shared by purchases and claims. */
class IdempotencyKeysTest {
    @ParameterizedTest
    @ValueSource(strings = {"a", "Z", "0", "_", "-", "order-2026_11_24", "ABCxyz019_-"})
    void acceptsLettersDigitsUnderscoreAndDash(String key) {
        assertThat(IdempotencyKeys.isValid(key)).isTrue();
    }

    @Test
    void acceptsUpTo64Characters() {
        assertThat(IdempotencyKeys.isValid("k".repeat(64))).isTrue();
        assertThat(IdempotencyKeys.isValid("k".repeat(65))).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                " ", "a b", "key.1", "key/1", "key:1", "ключ", "é", "a\n", "\nb", "a\tb", "k+1", "k=1", "k%20", "*"
            })
    void refusesAnythingElse(String key) {
        assertThat(IdempotencyKeys.isValid(key)).isFalse();
    }
}
