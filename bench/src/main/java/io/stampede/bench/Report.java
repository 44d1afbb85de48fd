package io.stampede.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/** Turns a burst result into the printed summary and the optional CSV row. */
public final class Report {

    static final String SOLD_OUT = "409 SOLD_OUT";
    static final String LIMIT_EXCEEDED = "409 LIMIT_EXCEEDED";

    private static final List<String> CATEGORIES = List.of(
            "201",
            "202",
            SOLD_OUT,
            LIMIT_EXCEEDED,
            "409 other",
            "429",
            "503",
            "other",
            "transport error",
            "cancelled",
            "not sent");

    private Report() {}

    /** Counts per status category, in a fixed order so runs line up; categories never hit are 0. */
    public static Map<String, Long> breakdown(List<Burst.Outcome> outcomes) {
        Map<String, Long> counts = new LinkedHashMap<>();
        CATEGORIES.forEach(c -> counts.put(c, 0L));
        outcomes.forEach(o -> counts.merge(category(o), 1L, Long::sum));
        return counts;
    }

    static String category(Burst.Outcome o) {
        return switch (o.status()) {
            case 201, 202, 429, 503 -> Integer.toString(o.status());
            case 409 ->
                "SOLD_OUT".equals(o.code())
                        ? SOLD_OUT
                        : "LIMIT_EXCEEDED".equals(o.code()) ? LIMIT_EXCEEDED : "409 other";
            case Burst.Outcome.TRANSPORT_ERROR -> "transport error";
            case Burst.Outcome.CANCELLED -> "cancelled";
            case Burst.Outcome.NOT_SENT -> "not sent";
            default -> "other";
        };
    }

    /** Prints attempts, wall time, throughput, latency percentiles and the status breakdown. */
    public static void printBurst(PrintStream out, Burst.Result result) {
        Histogram h = result.latencyMicros();
        double seconds = result.wall().toNanos() / 1e9;
        out.printf(
                Locale.ROOT,
                "attempts      %d planned (%d replays), %d sent, %d answered%s%n",
                result.plan().size(),
                result.plan().replayCount(),
                result.sent(),
                result.answered(),
                result.cutShort() ? "  ** cut short by --timeout-seconds **" : "");
        out.printf(Locale.ROOT, "wall time     %.3f s%n", seconds);
        out.printf(Locale.ROOT, "throughput    %.1f req/s%n", seconds > 0 ? result.answered() / seconds : 0.0);
        if (h.getTotalCount() > 0) {
            out.printf(
                    Locale.ROOT,
                    "latency ms    p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                    ms(h, 50),
                    ms(h, 90),
                    ms(h, 99),
                    ms(h, 99.9),
                    h.getMaxValue() / 1000.0);
        } else {
            out.println("latency ms    (no answers)");
        }
        printStatus(out, result.outcomes());
    }

    /** The status breakdown line, and a line naming any answers outside the contract's purchase answers. */
    static void printStatus(PrintStream out, List<Burst.Outcome> outcomes) {
        Map<String, Long> counts = breakdown(outcomes);
        out.println("status        "
                + counts.entrySet().stream()
                        .filter(e -> e.getValue() > 0
                                || (e.getKey().length() == 3 && e.getKey().startsWith("20")))
                        .map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining("  ")));
        Map<String, Long> odd = new TreeMap<>();
        for (Burst.Outcome o : outcomes) {
            String category = category(o);
            if (category.equals("other") || category.equals("409 other") || category.equals("transport error")) {
                odd.merge(
                        (o.status() > 0 ? o.status() + " " : "") + (o.code() == null ? "(no code)" : o.code()),
                        1L,
                        Long::sum);
            }
        }
        if (!odd.isEmpty()) {
            out.println("unexpected    "
                    + odd.entrySet().stream()
                            .map(e -> e.getKey() + ": " + e.getValue())
                            .collect(Collectors.joining("  ")));
        }
    }

    /** The closed-loop calibration: S and what the window's answers were. */
    public static void printCalibration(PrintStream out, int concurrency, Duration warmup, Calibration.Result result) {
        out.printf(
                Locale.ROOT,
                "calibration   closed loop, concurrency %d, %d s warm-up + %.3f s measured:"
                        + " %d purchases succeeded, S = %.1f/s%s%n",
                concurrency,
                warmup.toSeconds(),
                result.measured().toNanos() / 1e9,
                result.successes(),
                result.rate(),
                result.cutShort() ? "  ** cut short by --timeout-seconds **" : "");
        Histogram h = result.latencyMicros();
        if (h.getTotalCount() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  latency ms  p50 %.2f  p99 %.2f  max %.2f%n",
                    ms(h, 50),
                    ms(h, 99),
                    h.getMaxValue() / 1000.0);
        }
        out.print("  ");
        printStatus(out, result.windowOutcomes());
        long limited = result.windowOutcomes().stream()
                .filter(o -> o.status() == 429 || o.status() == 503)
                .count();
        if (limited > 0) {
            out.println("note: " + limited + " calibration attempts were refused by admission control (429/503);"
                    + " S is then the admitted rate, not the service's capacity");
        }
    }

    /** The open-loop overload against S: offered rate, successes per second, latencies from the due time. */
    public static void printOverload(PrintStream out, double factor, double sustainable, OpenLoop.Result result) {
        double window = result.window().toNanos() / 1e9;
        long answered = result.outcomes().stream().filter(o -> o.status() > 0).count();
        out.printf(
                Locale.ROOT,
                "overload      open loop, R = %s x S = %.1f req/s for %.3f s: %d planned, %d sent,"
                        + " %d answered, last answer %.3f s after the first was due%s%n",
                OverloadDriver.trim(factor),
                result.rate(),
                window,
                result.plan().size(),
                result.sent(),
                answered,
                result.wall().toNanos() / 1e9,
                result.cutShort() ? "  ** cut short by --timeout-seconds **" : "");
        Histogram lag = result.sendLagMicros();
        if (lag.getTotalCount() > 0) {
            out.printf(
                    Locale.ROOT,
                    "send lag ms   p50 %.2f  p99 %.2f  max %.2f  (due time to request start; large"
                            + " means the driver could not keep the rate)%n",
                    ms(lag, 50),
                    ms(lag, 99),
                    lag.getMaxValue() / 1000.0);
        }
        out.printf(
                Locale.ROOT,
                "offered       %.1f req/s achieved (%.0f%% of R): the last request left %.3f s after"
                        + " the first was due%n",
                result.achievedRate(),
                100 * result.achievedRate() / result.rate(),
                result.lastSend().toNanos() / 1e9);
        if (result.dropped() > 0) {
            out.printf(
                    Locale.ROOT,
                    "dropped       %d attempts not sent: all %d connections stayed busy for %d s"
                            + " after they fell due (--max-in-flight)%n",
                    result.dropped(),
                    result.maxInFlight(),
                    OpenLoop.MAX_SEND_LAG.toSeconds());
        }
        long[] perSecond = result.successesPerSecond();
        double mean = Arrays.stream(perSecond).average().orElse(0);
        long min = Arrays.stream(perSecond).min().orElse(0);
        out.printf(
                Locale.ROOT,
                "successes/s   mean %.1f  min %d  over %d whole seconds  %s  (+%d after them)%n",
                mean,
                min,
                perSecond.length,
                Arrays.toString(perSecond),
                result.successesAfterWindow());
        out.printf(
                Locale.ROOT,
                "vs S          successes/s under overload / S = %.2f mean, %.2f worst second" + " (S = %.1f/s)%n",
                sustainable > 0 ? mean / sustainable : 0.0,
                sustainable > 0 ? min / sustainable : 0.0,
                sustainable);
        out.println("latency ms    from each request's due time (coordinated-omission free)");
        printLatency(out, "  success", result.successMicros());
        printLatency(out, "  rejection", result.rejectionMicros());
        printLatency(out, "  transport", result.errorMicros());
        out.println("              from the moment each request left (without the driver's send lag)");
        printLatency(out, "  success", result.successSentMicros());
        printLatency(out, "  rejection", result.rejectionSentMicros());
        printStatus(out, result.outcomes());
    }

    private static void printLatency(PrintStream out, String label, Histogram h) {
        if (h.getTotalCount() == 0) {
            out.printf(Locale.ROOT, "%-13s n 0%n", label);
            return;
        }
        out.printf(
                Locale.ROOT,
                "%-13s n %d  p50 %.2f  p99 %.2f  max %.2f%n",
                label,
                h.getTotalCount(),
                ms(h, 50),
                ms(h, 99),
                h.getMaxValue() / 1000.0);
    }

    /** The last line of every run; returns the exit status. */
    public static int printVerdict(PrintStream out, OversellCheck.Verdict verdict) {
        out.println(
                verdict.pass()
                        ? "OVERSELL CHECK: PASS"
                        : "OVERSELL CHECK: FAIL (" + String.join("; ", verdict.failures()) + ")");
        return verdict.pass() ? LoadDriver.PASS : LoadDriver.FAIL;
    }

    /** Appends one row to {@code file}, writing the header first when the file is new or empty. */
    public static void appendCsv(
            Path file, Options options, String saleId, Burst.Result result, long orders, boolean pass)
            throws IOException {
        Histogram h = result.latencyMicros();
        double seconds = result.wall().toNanos() / 1e9;
        Map<String, Long> counts = breakdown(result.outcomes());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("timestamp", Instant.now());
        row.put("url", options.url());
        row.put("sale_id", saleId);
        row.put("strategy", options.strategy());
        row.put("intake", options.intake());
        row.put("stock", options.stock());
        row.put("limit", options.limit());
        row.put("users", options.users());
        row.put("attempts", result.plan().size());
        row.put("replays", result.plan().replayCount());
        row.put("concurrency", options.concurrency());
        row.put("sent", result.sent());
        row.put("wall_ms", String.format(Locale.ROOT, "%.1f", seconds * 1000));
        row.put("req_per_s", String.format(Locale.ROOT, "%.1f", seconds > 0 ? result.answered() / seconds : 0.0));
        boolean any = h.getTotalCount() > 0;
        row.put("p50_ms", any ? fmt(ms(h, 50)) : "");
        row.put("p90_ms", any ? fmt(ms(h, 90)) : "");
        row.put("p99_ms", any ? fmt(ms(h, 99)) : "");
        row.put("p999_ms", any ? fmt(ms(h, 99.9)) : "");
        row.put("max_ms", any ? fmt(h.getMaxValue() / 1000.0) : "");
        counts.forEach((category, count) ->
                row.put("n_" + category.toLowerCase(Locale.ROOT).replace(' ', '_'), count));
        row.put("orders", orders);
        row.put("check", pass ? "PASS" : "FAIL");

        StringBuilder text = new StringBuilder();
        if (!Files.exists(file) || Files.size(file) == 0) {
            text.append(String.join(",", row.keySet())).append('\n');
        }
        text.append(row.values().stream().map(v -> csvCell(String.valueOf(v))).collect(Collectors.joining(",")))
                .append('\n');
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String csvCell(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\""
                : value;
    }
}
