package io.stampede.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Formats the comparison's rows: the console table, the markdown table, the CSV and the ratio summary. */
public final class CompareTable {

    static final String BASELINE = "REDIS_LUA";

    private record Column(String title, boolean right, Function<CompareRow, String> cell) {}

    private static final List<Column> COLUMNS = List.of(
            new Column("database", false, CompareRow::database),
            new Column("strategy", false, CompareRow::strategy),
            new Column("concurrency", true, r -> Integer.toString(r.concurrency())),
            new Column("attempts/s", true, r -> r.measured() ? number(r.throughput()) : "—"),
            new Column("p50 ms", true, r -> millis(r.p50Ms())),
            new Column("p99 ms", true, r -> millis(r.p99Ms())),
            new Column("placed", true, r -> count(r, r.placed())),
            new Column("sold out", true, r -> count(r, r.soldOut())),
            new Column("limit", true, r -> count(r, r.limit())),
            new Column("unavailable", true, r -> count(r, r.unavailable())),
            new Column("errors", true, r -> count(r, r.errors())),
            new Column("not attempted", true, r -> count(r, r.notAttempted())),
            new Column("oversold", true, r -> r.oversold() == null ? "n/a" : Long.toString(r.oversold())),
            new Column("note", false, CompareRow::note));

    private CompareTable() {}

    /** A GitHub-flavoured markdown table of the rows; pipes inside cells are escaped. */
    public static String markdown(List<CompareRow> rows) {
        StringBuilder out = new StringBuilder();
        out.append('|');
        COLUMNS.forEach(c -> out.append(' ').append(c.title()).append(" |"));
        out.append("\n|");
        COLUMNS.forEach(c -> out.append(c.right() ? " ---: |" : " --- |"));
        out.append('\n');
        for (CompareRow row : rows) {
            out.append('|');
            for (Column c : COLUMNS) {
                out.append(' ').append(markdownCell(c.cell().apply(row))).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** A plain-text table with aligned columns for the console; the note column is last and not padded. */
    public static String text(List<CompareRow> rows) {
        int[] widths = new int[COLUMNS.size()];
        List<String[]> cells = new ArrayList<>();
        String[] header = COLUMNS.stream().map(Column::title).toArray(String[]::new);
        cells.add(header);
        for (CompareRow row : rows) {
            cells.add(COLUMNS.stream().map(c -> c.cell().apply(row)).toArray(String[]::new));
        }
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] line : cells) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                boolean last = i == line.length - 1;
                String cell =
                        last ? line[i] : pad(line[i], widths[i], COLUMNS.get(i).right());
                text.append(cell).append(last ? "" : "  ");
            }
            out.append(text.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    static final List<String> CSV_HEADER = List.of(
            "database",
            "strategy",
            "concurrency",
            "measured",
            "attempts_per_s",
            "p50_ms",
            "p99_ms",
            "placed",
            "sold_out",
            "limit_exceeded",
            "unavailable",
            "errors",
            "not_attempted",
            "oversold",
            "wall_s",
            "note");

    /** The rows as CSV with a header line; numbers unformatted (dot decimals), empty where there is no value. */
    public static String csv(List<CompareRow> rows) {
        StringBuilder out = new StringBuilder(String.join(",", CSV_HEADER)).append('\n');
        for (CompareRow r : rows) {
            List<String> cells = List.of(
                    r.database(),
                    r.strategy(),
                    Integer.toString(r.concurrency()),
                    Boolean.toString(r.measured()),
                    decimal(r.throughput(), 1),
                    decimal(r.p50Ms(), 3),
                    decimal(r.p99Ms(), 3),
                    Long.toString(r.placed()),
                    Long.toString(r.soldOut()),
                    Long.toString(r.limit()),
                    Long.toString(r.unavailable()),
                    Long.toString(r.errors()),
                    Long.toString(r.notAttempted()),
                    r.oversold() == null ? "" : Long.toString(r.oversold()),
                    decimal(r.wallSeconds(), 3),
                    r.note());
            out.append(cells.stream().map(CompareTable::csvCell).collect(Collectors.joining(",")))
                    .append('\n');
        }
        return out.toString();
    }

    /**
     * Each strategy's throughput as a ratio of the baseline's (REDIS_LUA when it was measured, else the first
     * strategy) at the same concurrency, one markdown table per database, followed by one sentence naming the
     * fastest and slowest strategy at the highest concurrency. Empty when nothing was measured.
     */
    public static String ratios(List<CompareRow> rows) {
        StringBuilder out = new StringBuilder();
        for (String database : distinct(rows, CompareRow::database)) {
            List<CompareRow> mine =
                    rows.stream().filter(r -> r.database().equals(database)).toList();
            List<String> strategies = distinct(mine, CompareRow::strategy);
            List<Integer> concurrencies = distinct(mine, CompareRow::concurrency);
            Optional<String> baseline = strategies.contains(BASELINE) && measured(mine, BASELINE)
                    ? Optional.of(BASELINE)
                    : strategies.stream().filter(s -> measured(mine, s)).findFirst();
            if (baseline.isEmpty()) {
                continue;
            }
            Map<Integer, CompareRow> base = new LinkedHashMap<>();
            mine.stream()
                    .filter(r -> r.strategy().equals(baseline.get()) && r.measured())
                    .forEach(r -> base.put(r.concurrency(), r));
            out.append("**")
                    .append(displayName(database))
                    .append("**, throughput relative to ")
                    .append(baseline.get())
                    .append(" at the same concurrency (")
                    .append(baseline.get())
                    .append(" = 1):\n\n| strategy |");
            concurrencies.forEach(c -> out.append(' ').append(c).append(" |"));
            out.append("\n| --- |");
            concurrencies.forEach(c -> out.append(" ---: |"));
            out.append('\n');
            for (String strategy : strategies) {
                out.append("| ").append(strategy).append(" |");
                for (int c : concurrencies) {
                    CompareRow row = find(mine, strategy, c);
                    CompareRow b = base.get(c);
                    String cell = row == null || !row.measured()
                            ? "failed"
                            : b == null || b.throughput() <= 0
                                    ? "—"
                                    : String.format(Locale.ROOT, "%.2f×", row.throughput() / b.throughput());
                    out.append(' ').append(cell).append(" |");
                }
                out.append('\n');
            }
            int top = concurrencies.stream().mapToInt(Integer::intValue).max().orElse(0);
            List<CompareRow> atTop = mine.stream()
                    .filter(r -> r.concurrency() == top && r.measured() && r.throughput() > 0)
                    .sorted((a, b) -> Double.compare(b.throughput(), a.throughput()))
                    .toList();
            if (atTop.size() >= 2) {
                CompareRow best = atTop.getFirst();
                CompareRow worst = atTop.getLast();
                out.append(String.format(
                        Locale.ROOT,
                        "%nAt concurrency %d on %s, %s answered %s attempts/s, %.1f"
                                + " times as many as the slowest, %s (%s/s).%n",
                        top,
                        displayName(database),
                        best.strategy(),
                        number(best.throughput()),
                        best.throughput() / worst.throughput(),
                        worst.strategy(),
                        number(worst.throughput())));
            }
            out.append('\n');
        }
        return out.toString();
    }

    static String displayName(String database) {
        return switch (database) {
            case "postgresql" -> "PostgreSQL";
            case "mariadb" -> "MariaDB";
            default -> database;
        };
    }

    private static boolean measured(List<CompareRow> rows, String strategy) {
        return rows.stream().anyMatch(r -> r.strategy().equals(strategy) && r.measured());
    }

    private static CompareRow find(List<CompareRow> rows, String strategy, int concurrency) {
        return rows.stream()
                .filter(r -> r.strategy().equals(strategy) && r.concurrency() == concurrency)
                .findFirst()
                .orElse(null);
    }

    static <T> List<T> distinct(List<CompareRow> rows, Function<CompareRow, T> key) {
        return List.copyOf(rows.stream().map(key).collect(Collectors.toCollection(LinkedHashSet::new)));
    }

    static String number(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    static String millis(double value) {
        if (Double.isNaN(value)) {
            return "—";
        }
        return String.format(Locale.ROOT, value < 10 ? "%.2f" : "%.1f", value);
    }

    private static String count(CompareRow row, long value) {
        return row.measured() ? Long.toString(value) : "—";
    }

    private static String decimal(double value, int digits) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%." + digits + "f", value);
    }

    private static String pad(String cell, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - cell.length()));
        return right ? fill + cell : cell + fill;
    }

    private static String markdownCell(String cell) {
        return cell.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
    }

    private static String csvCell(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\""
                : value;
    }
}
