package io.stampede.shared;

import java.time.Instant;
import java.util.List;

/** Rules every capability applies to its input the same way: printable text, and instants the databases keep. */
public final class InputRules {
    /** Instants every supported database keeps exactly. */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

    public static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    private InputRules() {}

    /**
     * True when {@code text} has {@code min..max} characters, each an ASCII letter or digit or one of
     * {@code punctuation}: what a regex character class such as {@code [A-Za-z0-9_-]{1,64}} says, checked by hand
     * because the purchase path checks three such values on every request (a regex match was 3% of a sold-out
     * answer's CPU in a profile).
     */
    public static boolean isAsciiWord(String text, int min, int max, String punctuation) {
        if (text == null || text.length() < min || text.length() > max) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || punctuation.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    public static boolean isSupported(Instant t) {
        return !t.isBefore(EARLIEST) && !t.isAfter(LATEST);
    }

    /** Printable text: control characters (NUL above all) are refused here, not by the database as a 5xx. */
    public static void text(List<String> errors, String field, String value, int max) {
        if (value == null || value.isBlank()) {
            errors.add(field + " is required");
        } else if (value.length() > max) {
            errors.add(field + " must be at most " + max + " characters");
        } else if (value.chars().anyMatch(Character::isISOControl)) {
            errors.add(field + " must not contain control characters");
        }
    }
}
