package io.stampede.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * What the server spends checking one proof-of-work answer (docs/fair-drops.md): SHA-256 of the UTF-8 bytes of
 * {@code challenge + ":" + nonce} (about 120 bytes) and a count of its leading zero bits, done the way the server does
 * it (a fresh {@code MessageDigest} each time). A timed loop in the bench's JVM: this module has no JMH, and one
 * hash is far below what an HTTP measurement could resolve.
 */
final class ProofOfWorkCost {

    /** The check's input size and its cost. */
    record Result(int inputBytes, double nanosPerCheck, long checks) {}

    /** A challenge of the size the service issues: an id, the sale, the shopper, an expiry and a signature. */
    static final String CHALLENGE =
            "v1.6f1c2a4e-0d3b-4c5a-9e8f-7a6b5c4d3e2f.room-shopper-000123.1796205600.Zk3vQ1x9aBcDeFgHiJkLmNoPqRsTuVwXy0a1b2c3d";

    private ProofOfWorkCost() {}

    /** Checks answers for {@code warmup} unmeasured, then for {@code measure}, and returns the mean cost. */
    static Result measure(Duration warmup, Duration measure) {
        int bytes = (CHALLENGE + ":" + 1_234_567).getBytes(StandardCharsets.UTF_8).length;
        run(warmup.toNanos());
        long t0 = System.nanoTime();
        long checks = run(measure.toNanos());
        long took = System.nanoTime() - t0;
        return new Result(bytes, (double) took / Math.max(1, checks), checks);
    }

    private static long run(long nanos) {
        long until = System.nanoTime() + nanos;
        long checks = 0;
        long solved = 0;
        while (System.nanoTime() - until < 0) {
            for (int i = 0; i < 1_000; i++) {
                if (solves(CHALLENGE, Long.toString(checks + i), 16)) {
                    solved++;
                }
            }
            checks += 1_000;
        }
        return solved >= 0 ? checks : 0; // the answers are used, so the loop cannot be optimised away
    }

    static boolean solves(String challenge, String nonce, int difficulty) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((challenge + ":" + nonce).getBytes(StandardCharsets.UTF_8));
            return leadingZeroBits(hash) >= difficulty;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
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
}
