package io.stampede.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the tries of a {@link Property} ran into, counted per label: {@code Statistics.label("purchase").collect("409
 * SOLD_OUT")} in the body, and the counts are printed after the property, so a reader sees whether the generators
 * reach the cases that matter. Counts only on the thread running the property and only in its tries (not while it
 * shrinks a failure); elsewhere {@code collect} does nothing.
 */
public final class Statistics {
    private static final ThreadLocal<Map<String, Map<String, Integer>>> CURRENT = new ThreadLocal<>();

    private Statistics() {}

    public static Label label(String name) {
        return new Label(name);
    }

    public record Label(String name) {
        public void collect(Object value) {
            Map<String, Map<String, Integer>> counts = CURRENT.get();
            if (counts != null) {
                counts.computeIfAbsent(name, k -> new LinkedHashMap<>()).merge(String.valueOf(value), 1, Integer::sum);
            }
        }
    }

    /** Starts counting on this thread; returns the counts, which fill until {@link #stop()}. */
    static Map<String, Map<String, Integer>> start() {
        Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
        CURRENT.set(counts);
        return counts;
    }

    static void stop() {
        CURRENT.remove();
    }

    /** The counts as a table: per label, each value with its count and share, the most frequent first. */
    static String report(String title, Map<String, Map<String, Integer>> counts) {
        StringBuilder out = new StringBuilder();
        counts.forEach((label, values) -> {
            int total = values.values().stream().mapToInt(Integer::intValue).sum();
            int width = values.keySet().stream().mapToInt(String::length).max().orElse(0);
            out.append(title)
                    .append(' ')
                    .append(label)
                    .append(" (")
                    .append(total)
                    .append("):\n");
            values.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .forEach(e -> out.append(String.format(
                            "    %-" + width + "s %5d  %6.2f %%%n",
                            e.getKey(),
                            e.getValue(),
                            100.0 * e.getValue() / total)));
        });
        return out.toString();
    }
}
