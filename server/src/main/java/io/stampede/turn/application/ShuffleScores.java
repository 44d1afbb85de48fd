package io.stampede.turn.application;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The random scores that shuffle a waiting room's early joiners (a uniform draw in [0, 1) each; the room orders them
 * by it). In production nobody can predict one: each join draws from {@link SecureRandom}. Tests that check the
 * shuffle fix a seed, and then a shopper's score depends on the seed and the user id alone, so the same shoppers get
 * the same places in whatever order they join.
 */
final class ShuffleScores {
    private final @Nullable Long seed;
    private final RandomGenerator random = new SecureRandom();

    private ShuffleScores(@Nullable Long seed) {
        this.seed = seed;
    }

    static ShuffleScores of(@Nullable Long seed) {
        return new ShuffleScores(seed);
    }

    double next(String userId) {
        if (seed == null) {
            return random.nextDouble();
        }
        return new SplittableRandom(seed ^ (userId.hashCode() * 0x9E3779B97F4A7C15L)).nextDouble();
    }
}
