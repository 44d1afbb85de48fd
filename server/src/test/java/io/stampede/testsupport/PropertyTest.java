package io.stampede.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The seeded property toolkit itself: the same seed makes the same tries, and a failure replays from its seed. */
class PropertyTest {
    private static final Gen<List<Integer>> LISTS = Gen.ints(0, 100).list(20, 40);

    @Test
    void theSameSeedMakesTheSameTries() {
        List<List<Integer>> first = new ArrayList<>();
        List<List<Integer>> second = new ArrayList<>();
        Property.forAll(LISTS).tries(30).seed(42).quiet().check(first::add);
        Property.forAll(LISTS).tries(30).seed(42).quiet().check(second::add);
        assertThat(first).hasSize(30).isEqualTo(second);
        assertThat(first.get(1)).isEqualTo(LISTS.next(new SplittableRandom(Property.nextSeed(42))));
        assertThat(first).doesNotHaveDuplicates();
    }

    @Test
    void aFailureNamesTheSeedThatReplaysItAndShrinksTheInput() {
        List<List<Integer>> tried = new ArrayList<>();
        Property.Body<List<Integer>> no50Twice = list -> {
            tried.add(list);
            assertThat(list.stream().filter(x -> x == 50).count())
                    .as("50s in " + list)
                    .isLessThan(2);
        };
        AssertionError error = catchThrowableOfType(
                AssertionError.class,
                () -> Property.forAll(LISTS)
                        .tries(500)
                        .seed(3)
                        .shrinkWith(l -> Shrink.list(l, 1))
                        .quiet()
                        .check(no50Twice));

        String message = error.getMessage();
        String seed = message.replaceAll("(?s).*, seed (-?\\d+) \\(run seed 3\\).*", "$1");
        assertThat(message)
                .contains("PropertyTest#aFailureNamesTheSeedThatReplaysItAndShrinksTheInput failed at try ")
                .contains("failed at try 20 of 500")
                .contains("./mvnw -B -ntp test -Dtest=PropertyTest#aFailureNamesTheSeedThatReplaysItAndShrinksTheInput"
                        + " -Dstampede.seed=" + seed)
                .contains("the smallest failing input:\n    [50, 50]\n");
        assertThat(error.getCause()).hasMessageContaining("50s in [50, 50]");

        // the first try of a run with the failing try's seed is the failing input
        List<Integer> failing = tried.stream()
                .filter(l -> l.stream().filter(x -> x == 50).count() >= 2)
                .findFirst()
                .orElseThrow();
        List<List<Integer>> replayed = new ArrayList<>();
        assertThatThrownBy(() -> Property.forAll(LISTS)
                        .tries(500)
                        .seed(Long.parseLong(seed))
                        .quiet()
                        .check(list -> {
                            replayed.add(list);
                            no50Twice.check(list);
                        }))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("failed at try 1 of 500, seed " + seed);
        assertThat(replayed).containsExactly(failing);
    }

    @Test
    void shrinkingStopsAtItsLimit() {
        System.setProperty(Property.SHRINK_RUNS_PROPERTY, "3");
        try {
            int[] runs = {0};
            assertThatThrownBy(() -> Property.forAll(LISTS)
                            .tries(1)
                            .seed(1)
                            .shrinkWith(l -> Shrink.list(l, 1))
                            .quiet()
                            .check(list -> {
                                runs[0]++;
                                throw new AssertionError("always");
                            }))
                    .hasMessageContaining("shrunk in 3 re-runs (the limit");
            assertThat(runs[0]).isEqualTo(4);
        } finally {
            System.clearProperty(Property.SHRINK_RUNS_PROPERTY);
        }
    }

    @Test
    void shrinkCandidatesLeaveOutHalvesThenQuartersThenSingleElements() {
        assertThat(Shrink.list(List.of(1, 2, 3, 4), 1).toList())
                .containsExactly(
                        List.of(3, 4),
                        List.of(1, 2),
                        List.of(2, 3, 4),
                        List.of(1, 3, 4),
                        List.of(1, 2, 4),
                        List.of(1, 2, 3));
        assertThat(Shrink.list(List.of(1), 1)).isEmpty();
    }

    @Test
    void generatorsKeepTheirRangesAndWeights() {
        SplittableRandom random = new SplittableRandom(3);
        Map<Integer, Integer> ints = new HashMap<>();
        Map<String, Integer> picks = new HashMap<>();
        Gen<Integer> range = Gen.ints(1, 12);
        Gen<String> weighted = Gen.frequency(Gen.weight(19, "known"), Gen.weight(1, "never issued"));
        for (int i = 0; i < 20_000; i++) {
            ints.merge(range.next(random), 1, Integer::sum);
            picks.merge(weighted.next(random), 1, Integer::sum);
        }
        assertThat(ints.keySet()).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        // the bounds come up more often than the middle: 1/12 of 19/20, plus half of 1/20
        assertThat(ints.get(1)).isBetween(1_950, 2_350);
        assertThat(ints.get(6)).isBetween(1_400, 1_770);
        assertThat(picks.get("never issued")).isBetween(850, 1_150);
        assertThat(Gen.ints(1, 2).list(10, 30).next(random))
                .hasSizeBetween(10, 30)
                .allMatch(x -> x == 1 || x == 2);
    }
}
