package io.stampede.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** The measurements of {@code --mode ab} and what they add up to: medians of A and B, B/A overall and per round. */
final class AbSummary {

    /**
     * One measurement: one build ({@code side} "a" or "b") in one round. Unmeasured when its server or sale could not
     * be set up ({@code note} says why). {@code cpuMicros} is the server's CPU per answer of the window (user +
     * system of its process, NaN when unreadable); {@code others} counts answers in the window that were not 201.
     */
    record Measurement(
            int round,
            String side,
            String label,
            boolean measured,
            double winnersPerSecond,
            double p50Ms,
            double p99Ms,
            long winners,
            double seconds,
            double cpuMicros,
            long others,
            long oversold,
            String note) {

        static Measurement failed(int round, String side, String label, String note) {
            return new Measurement(
                    round, side, label, false, Double.NaN, Double.NaN, Double.NaN, 0, 0, Double.NaN, 0, 0, note);
        }
    }

    private AbSummary() {}

    /** The progress line of one measurement. */
    static String line(Measurement m) {
        String head = String.format(
                Locale.ROOT, "round %-3d %-1s %-10s", m.round(), m.side().toUpperCase(Locale.ROOT), m.label());
        if (!m.measured()) {
            return head + " FAILED: " + m.note();
        }
        return head
                + String.format(
                        Locale.ROOT,
                        "  winners/s %9s  p50 %7s ms  p99 %7s ms  server CPU/answer %6s µs  winners %,d in %.1f s"
                                + "  other answers %d  oversold %d%s",
                        decimal(m.winnersPerSecond(), 1),
                        CompareTable.millis(m.p50Ms()),
                        CompareTable.millis(m.p99Ms()),
                        decimal(m.cpuMicros(), 0),
                        m.winners(),
                        m.seconds(),
                        m.others(),
                        m.oversold(),
                        m.note().isEmpty() ? "" : "  (" + m.note() + ")");
    }

    /** The median of the measured values of one side, empty when it has none. */
    static Optional<Double> median(List<Measurement> all, String side, ToDoubleFunction<Measurement> f) {
        List<Double> values = all.stream()
                .filter(m -> m.side().equals(side) && m.measured())
                .map(f::applyAsDouble)
                .toList();
        return values.isEmpty() ? Optional.empty() : Optional.of(median(values));
    }

    /** The median of the values (the mean of the middle two for an even count); NaN for none. */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** B/A of winners/s in each round where both were measured, in round order. */
    static List<Double> roundRatios(List<Measurement> all, int rounds) {
        List<Double> ratios = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            Optional<Measurement> a = find(all, r, "a");
            Optional<Measurement> b = find(all, r, "b");
            if (a.isPresent() && b.isPresent() && a.get().winnersPerSecond() > 0) {
                ratios.add(b.get().winnersPerSecond() / a.get().winnersPerSecond());
            }
        }
        return ratios;
    }

    /** The summary block: the medians of A and B, B/A of the medians and of each round. */
    static String text(List<Measurement> all, String labelA, String labelB, int rounds) {
        StringBuilder s = new StringBuilder();
        int measuredA = (int)
                all.stream().filter(m -> m.side().equals("a") && m.measured()).count();
        int measuredB = (int)
                all.stream().filter(m -> m.side().equals("b") && m.measured()).count();
        s.append(String.format(
                Locale.ROOT,
                "== summary: medians over the measured rounds (A %d of %d, B %d of %d) ==%n",
                measuredA,
                rounds,
                measuredB,
                rounds));
        s.append(side(all, "a", labelA)).append(side(all, "b", labelB));
        Optional<Double> a = median(all, "a", Measurement::winnersPerSecond);
        Optional<Double> b = median(all, "b", Measurement::winnersPerSecond);
        List<Double> ratios = roundRatios(all, rounds);
        if (a.isPresent() && b.isPresent() && a.get() > 0) {
            s.append(String.format(
                    Locale.ROOT,
                    "B/A           winners/s %.3f (median of %s / median of %s)%n",
                    b.get() / a.get(),
                    labelB,
                    labelA));
        } else {
            s.append("B/A           n/a (A or B has no measurement)\n");
        }
        Optional<Double> cpuA = median(all, "a", Measurement::cpuMicros);
        Optional<Double> cpuB = median(all, "b", Measurement::cpuMicros);
        if (cpuA.isPresent() && cpuB.isPresent() && cpuA.get() > 0) {
            s.append(String.format(
                    Locale.ROOT,
                    "B/A           server CPU per answer %.3f (lower is better)%n",
                    cpuB.get() / cpuA.get()));
        }
        s.append("per round     B/A ")
                .append(
                        ratios.isEmpty()
                                ? "n/a"
                                : ratios.stream()
                                        .map(r -> String.format(Locale.ROOT, "%.3f", r))
                                        .collect(Collectors.joining(", ")));
        if (ratios.size() > 1) {
            s.append(String.format(
                    Locale.ROOT,
                    "  (min %.3f, max %.3f)",
                    ratios.stream().mapToDouble(d -> d).min().orElse(0),
                    ratios.stream().mapToDouble(d -> d).max().orElse(0)));
        }
        s.append('\n');
        return s.toString();
    }

    private static String side(List<Measurement> all, String side, String label) {
        Optional<Double> rate = median(all, side, Measurement::winnersPerSecond);
        if (rate.isEmpty()) {
            return String.format(Locale.ROOT, "%-13s %s: no measurement%n", side.toUpperCase(Locale.ROOT), label);
        }
        return String.format(
                Locale.ROOT,
                "%-13s winners/s %9s  p50 %7s ms  p99 %7s ms  server CPU/answer %6s µs  %s%n",
                side.toUpperCase(Locale.ROOT),
                decimal(rate.get(), 1),
                CompareTable.millis(median(all, side, Measurement::p50Ms).orElse(Double.NaN)),
                CompareTable.millis(median(all, side, Measurement::p99Ms).orElse(Double.NaN)),
                decimal(median(all, side, Measurement::cpuMicros).orElse(Double.NaN), 0),
                label);
    }

    private static Optional<Measurement> find(List<Measurement> all, int round, String side) {
        return all.stream()
                .filter(m -> m.round() == round && m.side().equals(side) && m.measured())
                .findFirst();
    }

    static String decimal(double value, int digits) {
        return String.format(Locale.ROOT, "%,." + digits + "f", value);
    }
}
