package io.stampede.shared;

import java.util.UUID;

/** Identifiers of sales and orders: random UUIDs as lowercase strings. */
public final class Ids {
    private static final int LENGTH = 36;

    private Ids() {}

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /**
     * True when the text can be an id we issued ({@code [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}});
     * anything else is answered 404 without a query. Checked by hand: every purchase checks its sale's id.
     */
    public static boolean isWellFormed(String text) {
        if (text == null || text.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = text.charAt(i);
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23)
                    ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
