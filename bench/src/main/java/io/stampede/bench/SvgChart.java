package io.stampede.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * A small hand-written SVG line chart: throughput (linear y) against concurrency (log x), one polyline per strategy
 * with point markers, a legend, axis labels and a title. No plotting library: the chart is a few dozen elements.
 */
public final class SvgChart {

    /** One measured point of a series. */
    public record Point(double x, double y) {}

    private static final int WIDTH = 960;
    private static final int HEIGHT = 560;
    private static final int LEFT = 90;
    private static final int RIGHT = 230;
    private static final int TOP = 80;
    private static final int BOTTOM = 70;
    // Tableau 10: distinguishable, also in print
    private static final List<String> COLORS = List.of(
            "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
            "#bab0ac");

    private SvgChart() {}

    /**
     * Draws one line per series over the concurrencies.
     *
     * @param title    first title line
     * @param subtitle second, smaller line (the machine facts)
     * @param xTicks   the x values to label (the concurrencies)
     * @param series   points per strategy, in legend order; a strategy without points gets a legend entry only
     */
    public static String render(String title, String subtitle, List<Integer> xTicks, Map<String, List<Point>> series) {
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        double xMin = xTicks.stream().mapToDouble(Integer::doubleValue).min().orElse(1);
        double xMax = xTicks.stream().mapToDouble(Integer::doubleValue).max().orElse(10);
        // a little room either side, so the first and last points do not sit on the axes
        double logLo = Math.log10(xMin) - 0.1;
        double logHi = Math.log10(Math.max(xMax, xMin * 1.0001)) + 0.1;
        double yMax = series.values().stream()
                .flatMap(List::stream)
                .mapToDouble(Point::y)
                .max()
                .orElse(0);
        double step = niceStep(Math.max(yMax, 1) * 1.05 / 5);
        double yTop = Math.ceil(Math.max(yMax, 1) * 1.05 / step) * step;

        DoubleUnaryOperator x = v -> LEFT + (Math.log10(Math.max(v, 1e-9)) - logLo) / (logHi - logLo) * plotW;
        DoubleUnaryOperator y = v -> TOP + plotH - v / yTop * plotH;

        StringBuilder svg = new StringBuilder();
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                        + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"13\">%n",
                WIDTH,
                HEIGHT,
                WIDTH,
                HEIGHT));
        svg.append("  <title>").append(escape(title)).append("</title>\n");
        svg.append(String.format(
                Locale.ROOT, "  <rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(String.format(
                Locale.ROOT,
                "  <text x=\"%d\" y=\"30\" font-size=\"18\" font-weight=\"bold\">%s" + "</text>%n",
                LEFT,
                escape(title)));
        svg.append(String.format(
                Locale.ROOT,
                "  <text x=\"%d\" y=\"52\" font-size=\"12\" fill=\"#555\">%s</text>%n",
                LEFT,
                escape(subtitle)));

        // grid and y ticks
        svg.append("  <g class=\"y-axis\" stroke=\"#ddd\">\n");
        for (double v = 0; v <= yTop + step / 2; v += step) {
            svg.append(String.format(
                    Locale.ROOT,
                    "    <line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>%n",
                    LEFT,
                    y.applyAsDouble(v),
                    LEFT + plotW,
                    y.applyAsDouble(v)));
        }
        svg.append("  </g>\n  <g class=\"y-labels\" text-anchor=\"end\" fill=\"#333\">\n");
        for (double v = 0; v <= yTop + step / 2; v += step) {
            svg.append(String.format(
                    Locale.ROOT,
                    "    <text x=\"%d\" y=\"%.1f\">%s</text>%n",
                    LEFT - 8,
                    y.applyAsDouble(v) + 4,
                    escape(CompareTable.number(v))));
        }
        svg.append("  </g>\n  <g class=\"x-axis\" text-anchor=\"middle\" fill=\"#333\">\n");
        for (int tick : xTicks) {
            double px = x.applyAsDouble(tick);
            svg.append(String.format(
                    Locale.ROOT,
                    "    <line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\"" + " stroke=\"#eee\"/>%n",
                    px,
                    TOP,
                    px,
                    TOP + plotH));
            svg.append(String.format(
                    Locale.ROOT, "    <text x=\"%.1f\" y=\"%.1f\">%d</text>%n", px, TOP + plotH + 18, tick));
        }
        svg.append("  </g>\n");
        svg.append(String.format(
                Locale.ROOT,
                "  <rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\"" + " stroke=\"#333\"/>%n",
                LEFT,
                TOP,
                plotW,
                plotH));
        svg.append(String.format(
                Locale.ROOT,
                "  <text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">concurrency"
                        + " (requests in flight, log scale)</text>%n",
                LEFT + plotW / 2,
                HEIGHT - 22));
        svg.append(String.format(
                Locale.ROOT,
                "  <text transform=\"translate(22 %.1f) rotate(-90)\""
                        + " text-anchor=\"middle\">throughput (attempts/s)</text>%n",
                TOP + plotH / 2));

        // series and legend
        int index = 0;
        List<String> legend = new ArrayList<>();
        for (Map.Entry<String, List<Point>> entry : series.entrySet()) {
            String color = COLORS.get(index % COLORS.size());
            String name = escape(entry.getKey());
            List<Point> points = entry.getValue().stream()
                    .sorted((a, b) -> Double.compare(a.x(), b.x()))
                    .toList();
            if (!points.isEmpty()) {
                StringBuilder coords = new StringBuilder();
                for (Point p : points) {
                    coords.append(coords.isEmpty() ? "" : " ")
                            .append(String.format(
                                    Locale.ROOT, "%.1f,%.1f", x.applyAsDouble(p.x()), y.applyAsDouble(p.y())));
                }
                svg.append(String.format(Locale.ROOT, "  <g class=\"series\" data-strategy=\"%s\">%n", name));
                svg.append(String.format(
                        Locale.ROOT,
                        "    <polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"" + " points=\"%s\"/>%n",
                        color,
                        coords));
                for (Point p : points) {
                    svg.append(String.format(
                            Locale.ROOT,
                            "    <circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\">"
                                    + "<title>%s: %s attempts/s at concurrency %s</title></circle>%n",
                            x.applyAsDouble(p.x()),
                            y.applyAsDouble(p.y()),
                            color,
                            name,
                            CompareTable.number(p.y()),
                            CompareTable.number(p.x())));
                }
                svg.append("  </g>\n");
            }
            double ly = TOP + 10 + index * 24;
            double lx = LEFT + plotW + 20;
            legend.add(String.format(
                    Locale.ROOT,
                    "    <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
                            + " stroke=\"%s\" stroke-width=\"2.5\"%s/>%n"
                            + "    <text x=\"%.1f\" y=\"%.1f\">%s</text>%n",
                    lx,
                    ly,
                    lx + 24,
                    ly,
                    color,
                    points.isEmpty() ? " stroke-dasharray=\"3 3\"" : "",
                    lx + 30,
                    ly + 4,
                    name + (points.isEmpty() ? " (no data)" : "")));
            index++;
        }
        svg.append("  <g class=\"legend\">\n");
        legend.forEach(svg::append);
        svg.append("  </g>\n</svg>\n");
        return svg.toString();
    }

    /** The series of one database's rows: measured runs only, strategies in row order. */
    static Map<String, List<Point>> series(List<CompareRow> rows) {
        Map<String, List<Point>> series = new LinkedHashMap<>();
        for (CompareRow row : rows) {
            List<Point> points = series.computeIfAbsent(row.strategy(), k -> new ArrayList<>());
            if (row.measured() && !Double.isNaN(row.throughput())) {
                points.add(new Point(row.concurrency(), row.throughput()));
            }
        }
        return series;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * magnitude >= raw) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
