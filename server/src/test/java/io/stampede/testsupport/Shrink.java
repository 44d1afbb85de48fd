package io.stampede.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** Simpler versions of a failing input, for {@link Property#shrinkWith}. */
public final class Shrink {
    private Shrink() {}

    /**
     * The list with a run of elements left out: first either half, then each quarter, and so on down to each single
     * element; never shorter than minSize. Lazy, so a property stops making them once one still fails.
     */
    public static <E> Stream<List<E>> list(List<E> list, int minSize) {
        int n = list.size();
        return Stream.iterate(n / 2, chunk -> chunk >= 1, chunk -> chunk / 2)
                .filter(chunk -> n - chunk >= minSize)
                .flatMap(chunk -> IntStream.iterate(0, from -> from < n, from -> from + chunk)
                        .mapToObj(from -> without(list, from, Math.min(n, from + chunk))))
                .filter(shorter -> shorter.size() >= minSize);
    }

    private static <E> List<E> without(List<E> list, int from, int to) {
        List<E> shorter = new ArrayList<>(list.subList(0, from));
        shorter.addAll(list.subList(to, list.size()));
        return List.copyOf(shorter);
    }
}
