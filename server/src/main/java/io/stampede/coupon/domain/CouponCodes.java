package io.stampede.coupon.domain;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Redeemable codes: 12 characters of Crockford's base32 (no I, L, O, U), about 60 bits of randomness. */
public final class CouponCodes {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final Pattern FORMAT = Pattern.compile("[0-9A-Z]{12}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private CouponCodes() {}

    public static String next() {
        char[] code = new char[12];
        for (int i = 0; i < code.length; i++) {
            code[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(code);
    }

    public static boolean isWellFormed(String code) {
        return code != null && FORMAT.matcher(code).matches();
    }
}
