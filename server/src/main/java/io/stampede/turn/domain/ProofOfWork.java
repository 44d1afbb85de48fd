package io.stampede.turn.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/**
 * The proof of work a sale may ask at joining or entering: a nonce such that SHA-256 of
 * {@code challenge + ":" + nonce} begins with {@code difficulty} zero bits. Checking costs one hash; finding one
 * costs 2^difficulty hashes on average.
 */
public final class ProofOfWork {
    public static final Pattern NONCE = Pattern.compile("[A-Za-z0-9]{1,32}");

    private ProofOfWork() {}

    public static boolean solves(String challenge, String nonce, int difficulty) {
        if (!NONCE.matcher(nonce).matches()) {
            return false;
        }
        return leadingZeroBits(sha256(challenge + ":" + nonce)) >= difficulty;
    }

    /** A nonce that solves the challenge, counting up in decimal as the pages do; for tests and tools. */
    public static String solve(String challenge, int difficulty) {
        for (long n = 0; ; n++) {
            String nonce = Long.toString(n);
            if (solves(challenge, nonce, difficulty)) {
                return nonce;
            }
        }
    }

    static int leadingZeroBits(byte[] hash) {
        int bits = 0;
        for (byte b : hash) {
            if (b == 0) {
                bits += 8;
                continue;
            }
            return bits + Integer.numberOfLeadingZeros(b & 0xff) - 24;
        }
        return bits;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
