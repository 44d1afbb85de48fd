package io.stampede.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A generator of random test inputs: everything it makes comes from the {@link RandomGenerator} it is handed, so the
 * same seed makes the same input (see {@link Property}). A lambda is a generator, which is how records are combined:
 * {@code Gen<Purchase> purchase = r -> new Purchase(user.next(r), quantity.next(r));}.
 */
@FunctionalInterface
public interface Gen<T> {

    /** How often {@link #ints} picks a bound of its range on purpose. */
    int EDGE_ONE_IN = 20;

    T next(RandomGenerator random);

    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return random -> f.apply(next(random));
    }

    /** Lists of this generator's values, their size uniform in [minSize, maxSize]. */
    default Gen<List<T>> list(int minSize, int maxSize) {
        if (minSize < 0 || maxSize < minSize) {
            throw new IllegalArgumentException("list size [" + minSize + ", " + maxSize + "]");
        }
        return random -> {
            int size = random.nextInt(minSize, maxSize + 1);
            List<T> list = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                list.add(next(random));
            }
            return List.copyOf(list);
        };
    }

    /**
     * Integers in [min, max], uniform, except that one draw in {@value #EDGE_ONE_IN} is one of the two bounds, where
     * off-by-one mistakes live (the rate at which the property library these tests used before mixed them in).
     */
    static Gen<Integer> ints(int min, int max) {
        if (max < min) {
            throw new IllegalArgumentException("[" + min + ", " + max + "]");
        }
        return random ->
                random.nextInt(EDGE_ONE_IN) == 0 ? (random.nextBoolean() ? min : max) : random.nextInt(min, max + 1);
    }

    static <T> Gen<T> constant(T value) {
        return random -> value;
    }

    /** One of the values, each as likely. */
    @SafeVarargs
    static <T> Gen<T> oneOf(T... values) {
        List<T> choices = List.of(values);
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("nothing to choose from");
        }
        return random -> choices.get(random.nextInt(choices.size()));
    }

    /** One of the constants of the enum, each as likely. */
    static <E extends Enum<E>> Gen<E> oneOf(Class<E> type) {
        return oneOf(type.getEnumConstants());
    }

    static Gen<Boolean> booleans() {
        return RandomGenerator::nextBoolean;
    }

    /** A choice with a weight: it is picked weight times in the sum of the weights. */
    record Weighted<T>(int weight, T choice) {
        public Weighted {
            if (weight <= 0) {
                throw new IllegalArgumentException("weight " + weight);
            }
        }
    }

    static <T> Weighted<T> weight(int weight, T choice) {
        return new Weighted<>(weight, choice);
    }

    /** One of the values, each picked in proportion to its weight. */
    @SafeVarargs
    static <T> Gen<T> frequency(Weighted<? extends T>... choices) {
        List<Weighted<? extends T>> list = List.of(choices);
        int total = list.stream().mapToInt(Weighted::weight).sum();
        if (list.isEmpty()) {
            throw new IllegalArgumentException("nothing to choose from");
        }
        return random -> {
            int ticket = random.nextInt(total);
            for (Weighted<? extends T> w : list) {
                ticket -= w.weight();
                if (ticket < 0) {
                    return w.choice();
                }
            }
            throw new AssertionError("unreachable");
        };
    }

    /** A value of one of the generators, each generator picked in proportion to its weight. */
    @SafeVarargs
    static <T> Gen<T> frequencyOf(Weighted<? extends Gen<? extends T>>... choices) {
        Gen<? extends Gen<? extends T>> which = frequency(choices);
        return random -> which.next(random).next(random);
    }
}
