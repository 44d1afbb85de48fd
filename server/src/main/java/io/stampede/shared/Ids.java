package io.stampede.shared;

import java.util.UUID;
import java.util.regex.Pattern;

/** Identifiers of sales and orders: random UUIDs as lowercase strings. */
public final class Ids {
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private Ids() {}

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /** True when the text can be an id we issued; anything else is answered 404 without a query. */
    public static boolean isWellFormed(String text) {
        return text != null && UUID_TEXT.matcher(text).matches();
    }
}
