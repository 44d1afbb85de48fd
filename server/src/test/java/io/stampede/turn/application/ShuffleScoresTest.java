package io.stampede.turn.application;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The scores that shuffle a waiting room's early joiners are uniform in [0, 1), in production (SecureRandom: nobody
 * can predict or replay one) and with the seed tests fix (one score per shopper, whatever the order of joins).
 */
class ShuffleScoresTest {
    private static final int N = 20_000;

    /**
     * The Kolmogorov-Smirnov distance between the scores and the uniform distribution on [0, 1), against the distance a
     * uniform sample exceeds with probability 1e-6 (sqrt(-ln(1e-6 / 2) / 2) / sqrt(n)): a production draw that is not
     * uniform fails here, a uniform one fails about once in a million runs.
     */
    private static void assertUniform(double[] scores) {
        assertThat(Arrays.stream(scores).min().orElseThrow()).isGreaterThanOrEqualTo(0);
        assertThat(Arrays.stream(scores).max().orElseThrow()).isLessThan(1);
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        double d = 0;
        for (int i = 0; i < sorted.length; i++) {
            d = Math.max(d, Math.max((i + 1.0) / sorted.length - sorted[i], sorted[i] - (double) i / sorted.length));
        }
        double critical = Math.sqrt(-Math.log(1e-6 / 2) / 2) / Math.sqrt(sorted.length);
        assertThat(d).as("Kolmogorov-Smirnov distance from uniform").isLessThan(critical);
    }

    @Test
    void productionScoresAreUniformAndNotAFunctionOfTheShopper() {
        ShuffleScores scores = ShuffleScores.of(null);
        assertUniform(IntStream.range(0, N)
                .mapToDouble(i -> scores.next("shopper-" + i))
                .toArray());
        // the same shopper joining again (after an expired turn) or in another room draws afresh
        double[] sameShopper =
                IntStream.range(0, N).mapToDouble(i -> scores.next("alice")).toArray();
        assertUniform(sameShopper);
        assertThat(ShuffleScores.of(null).next("alice"))
                .as("another instance draws another score for the same shopper")
                .isNotEqualTo(ShuffleScores.of(null).next("alice"));
    }

    @Test
    void aFixedSeedGivesEachShopperOneUniformScoreWhateverTheOrderOfJoins() {
        ShuffleScores forward = ShuffleScores.of(20261202L);
        ShuffleScores backward = ShuffleScores.of(20261202L);
        double[] first = IntStream.range(0, N)
                .mapToDouble(i -> forward.next("shopper-" + i))
                .toArray();
        double[] reversed = new double[N];
        for (int i = N - 1; i >= 0; i--) {
            reversed[i] = backward.next("shopper-" + i);
        }
        assertThat(reversed).as("the same shoppers, joining in the other order").containsExactly(first);
        assertUniform(first);
        assertThat(ShuffleScores.of(1L).next("shopper-0"))
                .as("another seed, another shuffle")
                .isNotEqualTo(first[0]);
    }
}
