package io.stampede.shared;

import java.time.Instant;
import java.util.List;

/** Rules every capability applies to its input the same way: printable text, and instants the databases keep. */
public final class InputRules {
    /** Instants every supported database keeps exactly. */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

    public static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    private InputRules() {}

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
