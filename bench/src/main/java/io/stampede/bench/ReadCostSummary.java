package io.stampede.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** The GET bursts of {@code --mode read-cost} and their comparison: medians of each subject and their ratio. */
final class ReadCostSummary {

    /** One measured burst of one subject: answers per second, p50/p99 of the 200s, answers that were not 200. */
    record Sample(
            String subject,
            int burst,
            double rate,
            double p50Ms,
            double p99Ms,
            long answered,
            long failed,
            boolean cutShort) {

        static Sample of(String subject, int burst, TimedLoop.Result r) {
            boolean any = r.latencyMicros().getTotalCount() > 0;
            long failed = r.failures(status -> status == 200).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            return new Sample(
                    subject,
                    burst,
                    r.successRate(),
                    any ? r.latencyMicros().getValueAtPercentile(50) / 1000.0 : Double.NaN,
                    any ? r.latencyMicros().getValueAtPercentile(99) / 1000.0 : Double.NaN,
                    r.answered(),
                    failed,
                    r.cutShort());
        }
    }

    private ReadCostSummary() {}

    static String line(Sample s) {
        return String.format(
                Locale.ROOT,
                "burst         %-29s #%d  %10s req/s  p50 %7s ms  p99 %7s ms  %,d answered%s%s",
                s.subject(),
                s.burst(),
                AbSummary.decimal(s.rate(), 1),
                CompareTable.millis(s.p50Ms()),
                CompareTable.millis(s.p99Ms()),
                s.answered(),
                s.failed() > 0 ? ", " + s.failed() + " not 200" : "",
                s.cutShort() ? "  ** cut short **" : "");
    }

    /**
     * Two subjects side by side: the median req/s, p50 and p99 of each, and {@code top/bottom} of each median;
     * the req/s ratio of each pair of bursts (the i-th of each) follows, to show the spread.
     */
    static String compare(String title, String topLabel, List<Sample> top, String bottomLabel, List<Sample> bottom) {
        StringBuilder s = new StringBuilder();
        s.append("== ").append(title).append(" ==\n");
        s.append(side(topLabel, top)).append(side(bottomLabel, bottom));
        String ratioLabel = topLabel + "/" + bottomLabel;
        s.append(String.format(
                Locale.ROOT,
                "%-13s req/s %.3f  p50 %.2f  p99 %.2f",
                ratioLabel,
                median(top, Sample::rate) / median(bottom, Sample::rate),
                median(top, Sample::p50Ms) / median(bottom, Sample::p50Ms),
                median(top, Sample::p99Ms) / median(bottom, Sample::p99Ms)));
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < Math.min(top.size(), bottom.size()); i++) {
            pairs.add(String.format(
                    Locale.ROOT, "%.3f", top.get(i).rate() / bottom.get(i).rate()));
        }
        s.append("  (req/s per pair of bursts: ")
                .append(String.join(", ", pairs))
                .append(")\n");
        return s.toString();
    }

    /**
     * {@code top/bottom} with each burst first divided by the reference burst measured right after it (the i-th of
     * each): whatever slows both alike (a JVM still warming up, a busy machine) cancels out. The medians of those
     * shares are compared.
     */
    static String relative(
            String ratioLabel,
            List<Sample> top,
            List<Sample> topReference,
            List<Sample> bottom,
            List<Sample> bottomReference) {
        double topShare = AbSummary.median(shares(top, topReference));
        double bottomShare = AbSummary.median(shares(bottom, bottomReference));
        return String.format(
                Locale.ROOT,
                "%-13s req/s %.3f relative to GET SMALL in the same phase (listing/SMALL"
                        + " req/s: %.3f before, %.3f after)%n",
                ratioLabel,
                topShare / bottomShare,
                bottomShare,
                topShare);
    }

    private static List<Double> shares(List<Sample> samples, List<Sample> references) {
        List<Double> shares = new ArrayList<>();
        for (int i = 0; i < Math.min(samples.size(), references.size()); i++) {
            shares.add(samples.get(i).rate() / references.get(i).rate());
        }
        return shares;
    }

    private static String side(String label, List<Sample> samples) {
        long failed = samples.stream().mapToLong(Sample::failed).sum();
        return String.format(
                Locale.ROOT,
                "%-13s req/s %10s  p50 %7s ms  p99 %7s ms  (medians of %d bursts%s)%n",
                label,
                AbSummary.decimal(median(samples, Sample::rate), 1),
                CompareTable.millis(median(samples, Sample::p50Ms)),
                CompareTable.millis(median(samples, Sample::p99Ms)),
                samples.size(),
                failed > 0 ? "; " + failed + " answers not 200" : "");
    }

    private static double median(List<Sample> samples, ToDoubleFunction<Sample> f) {
        return AbSummary.median(samples.stream().map(f::applyAsDouble).collect(Collectors.toList()));
    }
}
