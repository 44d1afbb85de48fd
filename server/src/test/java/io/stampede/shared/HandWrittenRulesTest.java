package io.stampede.shared;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.shared.security.ShopperTokens;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The checks of ids, idempotency keys and shopper ids are written by hand for speed; each must answer exactly as the
 * regex it replaced, on the values a client sends and on many random near misses.
 */
class HandWrittenRulesTest {
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.@:-]{1,64}");
    /** Every class the rules tell apart, and their edges: letters, digits, each punctuation, and what borders them. */
    private static final String ALPHABET = "aAzZfgFG09/:;@`[{-_.@ \t\né+%*Ж";

    private final Random random = new Random(20261203);

    @Test
    void idsAnswerAsTheirRegex() {
        for (int i = 0; i < 2_000; i++) {
            String id = UUID.randomUUID().toString();
            assertThat(Ids.isWellFormed(id)).isTrue();
            assertSameAsRegex(
                    UUID_TEXT,
                    Ids.isWellFormed(id.toUpperCase(java.util.Locale.ROOT)),
                    id.toUpperCase(java.util.Locale.ROOT));
            String mutated = mutate(id);
            assertSameAsRegex(UUID_TEXT, Ids.isWellFormed(mutated), mutated);
        }
        assertThat(Ids.isWellFormed(null)).isFalse();
        assertThat(Ids.isWellFormed("")).isFalse();
        assertThat(Ids.isWellFormed("0123456789abcdef0123456789abcdef0123")).isFalse(); // 36, no dashes
        assertThat(Ids.isWellFormed("01234567-89ab-cdef-0123-456789abcdef")).isTrue();
        assertThat(Ids.isWellFormed("01234567-89ab-cdef-0123-456789abcdeF")).isFalse();
        assertThat(Ids.isWellFormed("01234567-89ab-cdef-0123-456789abcdef0")).isFalse();
        assertThat(Ids.isWellFormed("0123456-789ab-cdef-0123-456789abcdef")).isFalse();
    }

    @Test
    void idempotencyKeysAndShopperIdsAnswerAsTheirRegexes() {
        for (int i = 0; i < 20_000; i++) {
            String text = randomText(random.nextInt(70));
            assertSameAsRegex(KEY, IdempotencyKeys.isValid(text), text);
            assertSameAsRegex(USER_ID, ShopperTokens.isValidUserId(text), text);
        }
        for (String edge : new String[] {"", "a", "k".repeat(64), "k".repeat(65), "a.b@c:d-e_f", "-", "."}) {
            assertSameAsRegex(KEY, IdempotencyKeys.isValid(edge), edge);
            assertSameAsRegex(USER_ID, ShopperTokens.isValidUserId(edge), edge);
        }
        assertThat(IdempotencyKeys.isValid(null)).isFalse();
        assertThat(ShopperTokens.isValidUserId(null)).isFalse();
    }

    private static void assertSameAsRegex(Pattern regex, boolean answer, String text) {
        assertThat(answer)
                .as("%s on %s", regex, text)
                .isEqualTo(regex.matcher(text).matches());
    }

    private String randomText(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            // mostly word characters, so that long valid values come up as often as invalid ones
            b.append(
                    random.nextInt(4) == 0
                            ? ALPHABET.charAt(random.nextInt(ALPHABET.length()))
                            : (char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    /** The id with one character replaced, removed or added. */
    private String mutate(String id) {
        int at = random.nextInt(id.length());
        char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        return switch (random.nextInt(3)) {
            case 0 -> id.substring(0, at) + c + id.substring(at + 1);
            case 1 -> id.substring(0, at) + id.substring(at + 1);
            default -> id.substring(0, at) + c + id.substring(at);
        };
    }
}
