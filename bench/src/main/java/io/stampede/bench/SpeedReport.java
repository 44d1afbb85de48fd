package io.stampede.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** What {@code --mode speed} measured, and the ratios issue 14 sets targets for: text, Markdown, CSV and a chart. */
final class SpeedReport {

    /** The measurements' kinds. */
    static final String COLD = "cold";

    static final String FLOOR = "floor";
    static final String WINNERS = "winners";
    static final String SOLD_OUT = "sold-out";
    static final String WINNERS_HIGH = "winners-high";

    /**
     * One measurement: {@code answersPerSecond} counts the answers of the kind measured (201, 401 or 409 SOLD_OUT);
     * {@code cpuMicros} is the server's CPU over the window per answer of any kind; {@code others} counts the other
     * answers of the window.
     */
    record Row(
            int round,
            String kind,
            String strategy,
            int concurrency,
            double answersPerSecond,
            double p50Ms,
            double p99Ms,
            double cpuMicros,
            long answers,
            double seconds,
            long others,
            String note) {

        String label() {
            return switch (kind) {
                case COLD -> strategy + " winners, first seconds after UP";
                case FLOOR -> "refused 401 (the floor)";
                case SOLD_OUT -> "answered SOLD_OUT";
                case WINNERS_HIGH -> strategy + " winners at " + concurrency;
                default -> strategy + " winners";
            };
        }

        String key() {
            return kind + "/" + strategy + "/" + concurrency;
        }
    }

    /** One of the targets: the measured ratio, the bound, and whether it is a floor ({@code atLeast}). */
    record Target(String name, double value, double bound, boolean atLeast) {
        boolean met() {
            return !Double.isNaN(value) && (atLeast ? value >= bound : value <= bound);
        }

        String line() {
            return String.format(
                    Locale.ROOT,
                    "%-58s %8s  target %s %s  %s",
                    name,
                    Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.2f", value),
                    atLeast ? ">=" : "<=",
                    String.format(Locale.ROOT, "%.2f", bound),
                    Double.isNaN(value) ? "not measured" : met() ? "met" : "NOT MET");
        }
    }

    private SpeedReport() {}

    /** The medians over the rounds of each measurement, in the order first measured. */
    static List<Row> medians(List<Row> rows) {
        Map<String, List<Row>> byKey = new LinkedHashMap<>();
        rows.forEach(r -> byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r));
        List<Row> out = new ArrayList<>();
        byKey.forEach((key, list) -> {
            Row first = list.getFirst();
            out.add(new Row(
                    0,
                    first.kind(),
                    first.strategy(),
                    first.concurrency(),
                    median(list, Row::answersPerSecond),
                    median(list, Row::p50Ms),
                    median(list, Row::p99Ms),
                    median(list, Row::cpuMicros),
                    list.stream().mapToLong(Row::answers).sum(),
                    list.stream().mapToDouble(Row::seconds).sum(),
                    list.stream().mapToLong(Row::others).sum(),
                    list.size() + (list.size() == 1 ? " measurement" : " measurements")));
        });
        return out;
    }

    /** The targets, each the median of its per-round ratios (the cold start only has round 1's). */
    static List<Target> targets(List<Row> rows, List<Integer> highs) {
        List<Target> t = new ArrayList<>();
        t.add(new Target(
                "REDIS_LUA winners / 401 floor (answers/s)",
                ratio(rows, WINNERS, "REDIS_LUA", FLOOR, "-", Row::answersPerSecond),
                0.35,
                true));
        t.add(new Target(
                "SOLD_OUT answers / 401 floor (answers/s)",
                ratio(rows, SOLD_OUT, "REDIS_LUA", FLOOR, "-", Row::answersPerSecond),
                0.80,
                true));
        t.add(new Target(
                "server CPU per REDIS_LUA winner / per 401",
                ratio(rows, WINNERS, "REDIS_LUA", FLOOR, "-", Row::cpuMicros),
                2.5,
                false));
        t.add(new Target(
                "server CPU per SOLD_OUT answer / per 401",
                ratio(rows, SOLD_OUT, "REDIS_LUA", FLOOR, "-", Row::cpuMicros),
                1.3,
                false));
        t.add(new Target(
                "REDIS_LUA winners / DB_PESSIMISTIC winners",
                ratio(rows, WINNERS, "REDIS_LUA", WINNERS, "DB_PESSIMISTIC", Row::answersPerSecond),
                20,
                true));
        for (int high : highs) {
            // each overload step against the usual concurrency of its own round
            List<Row> atHigh = rows.stream()
                    .filter(r -> !r.kind().equals(WINNERS_HIGH) || r.concurrency() == high)
                    .toList();
            t.add(new Target(
                    "REDIS_LUA winners at " + high + " / at the usual concurrency",
                    ratio(atHigh, WINNERS_HIGH, "REDIS_LUA", WINNERS, "REDIS_LUA", Row::answersPerSecond),
                    0.9,
                    true));
        }
        // the cold start against the warm winners of its own round (the first), as every other ratio: a later round
        // may run at another pace of the machine, or after the overload steps
        t.add(new Target(
                "REDIS_LUA winners in the first seconds after UP / warm",
                ratio(rows, COLD, "REDIS_LUA", WINNERS, "REDIS_LUA", Row::answersPerSecond),
                0.5,
                true));
        return t;
    }

    /** The median over the rounds of (a / b) where both were measured in the same round. */
    static double ratio(
            List<Row> rows, String kindA, String strategyA, String kindB, String strategyB, ToDoubleFunction<Row> f) {
        List<Double> ratios = new ArrayList<>();
        rows.stream().mapToInt(Row::round).distinct().sorted().forEach(round -> {
            Optional<Row> a = find(rows, round, kindA, strategyA);
            Optional<Row> b = find(rows, round, kindB, strategyB);
            if (a.isPresent() && b.isPresent()) {
                double x = f.applyAsDouble(a.get());
                double y = f.applyAsDouble(b.get());
                if (y > 0 && !Double.isNaN(x)) {
                    ratios.add(x / y);
                }
            }
        });
        return AbSummary.median(ratios);
    }

    private static Optional<Row> find(List<Row> rows, int round, String kind, String strategy) {
        return rows.stream()
                .filter(r -> r.round() == round
                        && r.kind().equals(kind)
                        && r.strategy().equals(strategy))
                .findFirst();
    }

    private static double median(List<Row> rows, ToDoubleFunction<Row> f) {
        return AbSummary.median(rows.stream()
                .map(f::applyAsDouble)
                .filter(d -> !Double.isNaN(d))
                .toList());
    }

    /** One line of a measurement, as it comes. */
    static String line(Row r) {
        return String.format(
                Locale.ROOT,
                "%-7s %-44s %11s/s  p50 %8s ms  p99 %8s ms  CPU/answer %7s µs  others %d%s",
                r.round() == 0 ? "median" : "round " + r.round(),
                r.label(),
                AbSummary.decimal(r.answersPerSecond(), 1),
                CompareTable.millis(r.p50Ms()),
                CompareTable.millis(r.p99Ms()),
                AbSummary.decimal(r.cpuMicros(), 0),
                r.others(),
                r.note().isEmpty() ? "" : "  (" + r.note() + ")");
    }

    /** The Markdown table of the medians, each against the floor, and the targets. */
    static String markdown(List<Row> rows, String machine, String command, List<Integer> highs) {
        List<Row> medians = medians(rows);
        Optional<Row> floor =
                medians.stream().filter(r -> r.kind().equals(FLOOR)).findFirst();
        StringBuilder s = new StringBuilder();
        s.append("# The purchase path against the floor of the stack\n\n")
                .append("Machine: ")
                .append(machine)
                .append(".\n\n```sh\n")
                .append(command)
                .append("\n```\n\n")
                .append("| what | answers/s | × floor | p50 ms | p99 ms | server CPU per answer | × floor |\n")
                .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row r : medians) {
            s.append("| ")
                    .append(r.label())
                    .append(" | ")
                    .append(AbSummary.decimal(r.answersPerSecond(), 0))
                    .append(" | ")
                    .append(floor.map(f -> times(r.answersPerSecond(), f.answersPerSecond()))
                            .orElse("n/a"))
                    .append(" | ")
                    .append(CompareTable.millis(r.p50Ms()))
                    .append(" | ")
                    .append(CompareTable.millis(r.p99Ms()))
                    .append(" | ")
                    .append(AbSummary.decimal(r.cpuMicros(), 0))
                    .append(" µs | ")
                    .append(floor.map(f -> times(r.cpuMicros(), f.cpuMicros())).orElse("n/a"))
                    .append(" |\n");
        }
        s.append("\n| target (issue 14) | measured | bound | |\n| --- | ---: | ---: | --- |\n");
        for (Target t : targets(rows, highs)) {
            s.append("| ")
                    .append(t.name())
                    .append(" | ")
                    .append(Double.isNaN(t.value()) ? "n/a" : String.format(Locale.ROOT, "%.2f", t.value()))
                    .append(" | ")
                    .append(t.atLeast() ? "≥ " : "≤ ")
                    .append(String.format(Locale.ROOT, "%.2f", t.bound()))
                    .append(" | ")
                    .append(Double.isNaN(t.value()) ? "not measured" : t.met() ? "met" : "**not met**")
                    .append(" |\n");
        }
        return s.toString();
    }

    /** Every measurement, one CSV line each. */
    static String csv(List<Row> rows) {
        StringBuilder s = new StringBuilder(
                "round,kind,strategy,concurrency,answers_per_second,p50_ms,p99_ms,cpu_us_per_answer,answers,seconds,others\n");
        for (Row r : rows) {
            s.append(String.format(
                    Locale.ROOT,
                    "%d,%s,%s,%d,%.1f,%.3f,%.3f,%.1f,%d,%.3f,%d%n",
                    r.round(),
                    r.kind(),
                    r.strategy(),
                    r.concurrency(),
                    r.answersPerSecond(),
                    r.p50Ms(),
                    r.p99Ms(),
                    r.cpuMicros(),
                    r.answers(),
                    r.seconds(),
                    r.others()));
        }
        return s.toString();
    }

    /** Two bar charts side by side: answers/s and server CPU per answer, each as a multiple of the floor's. */
    static String svg(List<Row> rows, String subtitle) {
        List<Row> medians = medians(rows);
        Optional<Row> floor =
                medians.stream().filter(r -> r.kind().equals(FLOOR)).findFirst();
        double floorRate = floor.map(Row::answersPerSecond).orElse(Double.NaN);
        double floorCpu = floor.map(Row::cpuMicros).orElse(Double.NaN);
        int barH = 22;
        int gap = 8;
        int top = 70;
        int labelW = 330;
        int panelW = 300;
        int height = top + medians.size() * (barH + gap) + 30;
        int width = labelW + 2 * panelW + 60;
        double maxRate = medians.stream()
                .mapToDouble(r -> r.answersPerSecond() / floorRate)
                .filter(d -> !Double.isNaN(d))
                .max()
                .orElse(1);
        double maxCpu = medians.stream()
                .mapToDouble(r -> r.cpuMicros() / floorCpu)
                .filter(d -> !Double.isNaN(d))
                .max()
                .orElse(1);
        StringBuilder svg = new StringBuilder();
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append(String.format(
                        Locale.ROOT,
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
                                + " font-size=\"12\">%n",
                        width,
                        height))
                .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n")
                .append("<text x=\"10\" y=\"22\" font-size=\"16\">The purchase path against the floor of the"
                        + " stack (a purchase refused 401 = 1)</text>\n")
                .append("<text x=\"10\" y=\"40\" fill=\"#555\">")
                .append(SvgChart.escape(subtitle))
                .append("</text>\n")
                .append(String.format(
                        Locale.ROOT, "<text x=\"%d\" y=\"60\">answers a second, × the floor's</text>%n", labelW))
                .append(String.format(
                        Locale.ROOT,
                        "<text x=\"%d\" y=\"60\">server CPU per answer, × the floor's</text>%n",
                        labelW + panelW + 30));
        for (int i = 0; i < medians.size(); i++) {
            Row r = medians.get(i);
            int y = top + i * (barH + gap);
            double rate = r.answersPerSecond() / floorRate;
            double cpu = r.cpuMicros() / floorCpu;
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    labelW - 10,
                    y + 15,
                    SvgChart.escape(r.label())));
            bar(svg, labelW, y, barH, panelW - 60, rate, maxRate, "#4e79a7");
            bar(svg, labelW + panelW + 30, y, barH, panelW - 60, cpu, maxCpu, "#e15759");
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void bar(StringBuilder svg, int x, int y, int h, int w, double value, double max, String color) {
        if (Double.isNaN(value)) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">n/a</text>%n", x, y + 15));
            return;
        }
        double len = Math.max(1, value / Math.max(max, 1e-9) * w);
        svg.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                        x,
                        y,
                        len,
                        h,
                        color))
                .append(String.format(
                        Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.2f×</text>%n", x + len + 5, y + 15, value));
    }

    private static String times(double value, double floor) {
        return floor > 0 && !Double.isNaN(value) ? String.format(Locale.ROOT, "%.2f×", value / floor) : "n/a";
    }
}
