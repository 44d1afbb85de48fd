package io.stampede.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code --mode compare}: the side-by-side strategy benchmark in one command. For each database it re-creates the
 * bench database, starts the server jar against it, warms it up, measures every strategy at every concurrency on a
 * fresh sale, and stops the server; then it prints and writes the table, the CSV and one chart per database.
 */
final class CompareDriver {

    /** Start-up of the server plus Flyway on a fresh database, on a busy 2-core machine: for the estimate only. */
    private static final int STARTUP_ESTIMATE_SECONDS = 30;
    /** The rate the estimate assumes; REDIS_LUA is faster, a hot-row strategy slower. */
    private static final int ASSUMED_RATE = 2_000;

    private static final int MAX_RESTARTS = 2;
    static final String README_START = "<!-- compare:latest:start -->";
    static final String README_END = "<!-- compare:latest:end -->";

    private final CompareOptions options;
    private final String[] args;
    private final PrintStream out;
    private final String stamp = Long.toString(System.currentTimeMillis(), 36);
    private Path workDir;
    private ServerLauncher launcher;

    CompareDriver(CompareOptions options, String[] args, PrintStream out) {
        this.options = options;
        this.args = args.clone();
        this.out = out;
    }

    int execute() throws InterruptedException {
        // two comparisons at once would drop each other's database and halve each other's cores
        return ServerLauncher.exclusively(this::executeLocked);
    }

    private int executeLocked() throws InterruptedException {
        long started = System.nanoTime();
        if (!Files.isRegularFile(options.serverJar())) {
            throw new SetupException("no server jar at " + options.serverJar().toAbsolutePath() + ": build it with"
                    + " ./mvnw -pl server -am package -DskipTests, and run the bench from the repository root");
        }
        Path java = ServerLauncher.java(options.java(), out);
        launcher = new ServerLauncher(
                java,
                options.jvmOptions(),
                options.redisHost(),
                options.redisPort(),
                Duration.ofSeconds(options.startupSeconds()),
                out);
        try {
            workDir = Files.createTempDirectory("stampede-bench-");
            Files.createDirectories(options.out());
        } catch (IOException e) {
            throw new SetupException("cannot create the work or output directory: " + e, e);
        }
        Map<String, String> dbVersions = new LinkedHashMap<>();
        for (String kind : options.databases()) {
            dbVersions.put(kind, BenchDatabase.of(kind, options).version());
        }
        Machine machine = Machine.describe(java, dbVersions);

        out.println("stampede-bench compare  " + String.join(" ", args));
        out.println("machine       " + machine.summary());
        out.printf(
                Locale.ROOT,
                "sale          stock %d, per-user limit 1, %d distinct buyers one attempt each,"
                        + " closed loop; run budget %d s%n",
                options.stock(),
                options.buyers(),
                options.runSeconds());
        out.println(estimate());
        out.println("server logs   " + workDir);

        List<CompareRow> rows = new ArrayList<>();
        for (String kind : options.databases()) {
            List<CompareRow> mine = runDatabase(BenchDatabase.of(kind, options));
            rows.addAll(mine);
            out.println();
            out.println("== " + CompareTable.displayName(kind) + " ==");
            out.print(CompareTable.text(mine));
            out.println();
        }

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        try {
            for (Path written : write(rows, machine, took)) {
                out.println("wrote         " + written);
            }
        } catch (IOException e) {
            out.println("ERROR: could not write the results: " + e);
        }
        out.printf(Locale.ROOT, "took          %d min %02d s%n", took.toMinutes(), took.toSecondsPart());

        List<CompareRow> failed = rows.stream().filter(r -> !r.measured()).toList();
        if (!failed.isEmpty()) {
            out.println("note: " + failed.size() + " of " + rows.size() + " runs produced no measurement (see the"
                    + " note column)");
        }
        List<CompareRow> oversold =
                rows.stream().filter(CompareRow::oversoldAny).toList();
        if (!oversold.isEmpty()) {
            oversold.forEach(r -> out.println("OVERSOLD: " + r.database() + " " + r.strategy() + " at concurrency "
                    + r.concurrency() + ": " + r.oversold() + " units"));
            out.println("COMPARE: FAIL (oversold units must be 0)");
            return LoadDriver.FAIL;
        }
        if (rows.stream().noneMatch(CompareRow::measured)) {
            out.println("COMPARE: nothing was measured");
            return LoadDriver.SETUP_ERROR;
        }
        out.println("COMPARE: PASS (nothing oversold)");
        return LoadDriver.PASS;
    }

    String estimate() {
        int runs = options.runCount();
        int dbs = options.databases().size();
        int strategies = options.strategies().size();
        double warmupTypical = strategies * (2 + options.warmupBuyers() / (double) ASSUMED_RATE);
        double warmupMost = options.warmupBuyers() == 0 ? 0 : strategies * (Math.min(options.runSeconds(), 15) + 1);
        double typical = dbs * (STARTUP_ESTIMATE_SECONDS + warmupTypical)
                + runs * (Math.min(options.runSeconds(), options.buyers() / (double) ASSUMED_RATE) + 2.5);
        double most = dbs * (STARTUP_ESTIMATE_SECONDS + warmupMost + 25)
                + runs * (options.runSeconds() + options.settleSeconds() + 1);
        return String.format(
                Locale.ROOT,
                "plan          %d database(s) x %d strategies x %d concurrencies = %d runs;"
                        + " estimate about %s if the strategies answer ~%,d attempts/s, at most %s"
                        + " (each run capped at --run-seconds %d)",
                dbs,
                strategies,
                options.concurrencies().size(),
                runs,
                minutes(typical),
                ASSUMED_RATE,
                minutes(most),
                options.runSeconds());
    }

    private static String minutes(double seconds) {
        return seconds < 90
                ? String.format(Locale.ROOT, "%.0f s", seconds)
                : String.format(Locale.ROOT, "%.0f min", seconds / 60);
    }

    /** All runs of one database; never throws for a failed run or server, the rows say what failed. */
    private List<CompareRow> runDatabase(BenchDatabase db) throws InterruptedException {
        String display = CompareTable.displayName(db.kind());
        String prefix = "stampede-bench:" + stamp + ":" + db.kind() + ":";
        List<CompareRow> rows = new ArrayList<>();
        out.println();
        out.println("== " + display + ": re-creating database " + db.name() + ", starting the server ==");
        ServerProcess server = null;
        try {
            try {
                db.recreate();
                server = startServer(db, prefix, 1);
            } catch (SetupException e) {
                out.println("ERROR: " + e.getMessage());
                for (String strategy : options.strategies()) {
                    for (int c : options.concurrencies()) {
                        rows.add(CompareRow.failed(db.kind(), strategy, c, "setup: " + firstLine(e.getMessage())));
                    }
                }
                return rows;
            }
            int restarts = 0;
            // one warm-up pass over every strategy before anything is measured: the first strategy measured would
            // otherwise run on a colder JVM (HTTP, JSON, security, pools) than the ones after it
            if (server.alive()) {
                CompareRunner first = runner(server);
                for (String strategy : options.strategies()) {
                    String warm = first.warmup(strategy);
                    out.printf("warm-up       %-15s %s (first pass)%n", strategy, warm == null ? "done" : warm);
                }
            }
            for (String strategy : options.strategies()) {
                if (!server.alive() && restarts < MAX_RESTARTS) {
                    server = restart(server, db, prefix, ++restarts);
                }
                CompareRunner runner = runner(server);
                if (server.alive()) {
                    String warm = runner.warmup(strategy);
                    out.printf("warm-up       %-15s %s%n", strategy, warm == null ? "done" : warm);
                }
                for (int concurrency : options.concurrencies()) {
                    if (!server.alive() && restarts < MAX_RESTARTS) {
                        server = restart(server, db, prefix, ++restarts);
                        runner = runner(server);
                    }
                    CompareRow row;
                    if (!server.alive()) {
                        row = CompareRow.failed(db.kind(), strategy, concurrency, "server not running");
                    } else {
                        try {
                            row = runner.measure(db.kind(), strategy, concurrency);
                        } catch (RuntimeException e) {
                            row = CompareRow.failed(db.kind(), strategy, concurrency, "bench error: " + e);
                        }
                        if (!server.alive()) {
                            row = withNote(row, "the server exited during this run (see its log)");
                        }
                    }
                    rows.add(row);
                    out.println(progress(row));
                }
            }
            return rows;
        } finally {
            if (server != null) {
                server.close();
            }
            deleteKeys(prefix);
        }
    }

    private void deleteKeys(String prefix) {
        launcher.deleteKeys(prefix);
    }

    private ServerProcess restart(ServerProcess dead, BenchDatabase db, String prefix, int attempt)
            throws InterruptedException {
        out.println("note: the server exited; its log " + dead.log() + " ends with:\n" + dead.tail(15));
        dead.close();
        try {
            return startServer(db, prefix, attempt + 1);
        } catch (SetupException e) {
            out.println("ERROR: restart failed: " + firstLine(e.getMessage()));
            return dead;
        }
    }

    private CompareRunner runner(ServerProcess server) {
        Api api = new Api(
                server.base(), Duration.ofSeconds(options.requestTimeoutSeconds()), Deadline.in(Duration.ofDays(1)));
        return new CompareRunner(api, launcher.adminToken(), launcher.jwtSecret(), options);
    }

    private ServerProcess startServer(BenchDatabase db, String prefix, int attempt) throws InterruptedException {
        return launcher.start(
                options.serverJar(), db, prefix, workDir.resolve(db.kind()), "server-" + attempt + ".log");
    }

    private static CompareRow withNote(CompareRow r, String note) {
        String joined = r.note().isEmpty() ? note : r.note() + "; " + note;
        return new CompareRow(
                r.database(),
                r.strategy(),
                r.concurrency(),
                r.measured(),
                r.throughput(),
                r.p50Ms(),
                r.p99Ms(),
                r.placed(),
                r.soldOut(),
                r.limit(),
                r.unavailable(),
                r.errors(),
                r.notAttempted(),
                r.oversold(),
                r.wallSeconds(),
                joined);
    }

    static String progress(CompareRow r) {
        if (!r.measured()) {
            return String.format(
                    Locale.ROOT, "run           %-15s c=%-5d FAILED: %s", r.strategy(), r.concurrency(), r.note());
        }
        return String.format(
                Locale.ROOT,
                "run           %-15s c=%-5d %9s/s  p50 %7s ms  p99 %7s ms  placed %d"
                        + "  sold out %d  unavailable %d  errors %d  not attempted %d  oversold %s%s",
                r.strategy(),
                r.concurrency(),
                CompareTable.number(r.throughput()),
                CompareTable.millis(r.p50Ms()),
                CompareTable.millis(r.p99Ms()),
                r.placed(),
                r.soldOut(),
                r.unavailable(),
                r.errors(),
                r.notAttempted(),
                r.oversold() == null ? "n/a" : r.oversold(),
                r.note().isEmpty() ? "" : "  (" + r.note() + ")");
    }

    private List<Path> write(List<CompareRow> rows, Machine machine, Duration took) throws IOException {
        String stem = LocalDate.now(ZoneOffset.UTC) + "-compare" + (options.quick() ? "-quick" : "");
        List<Path> written = new ArrayList<>();
        Map<String, String> charts = new LinkedHashMap<>();
        for (String kind : options.databases()) {
            List<CompareRow> mine =
                    rows.stream().filter(r -> r.database().equals(kind)).toList();
            String title =
                    "Stampede strategies on " + CompareTable.displayName(kind) + ": throughput against concurrency";
            String subtitle = machine.chartLine(kind) + " · stock " + options.stock() + ", " + options.buyers()
                    + " buyers, limit 1 · " + LocalDate.now(ZoneOffset.UTC);
            Path svg = options.out().resolve(stem + "-" + kind + ".svg");
            Files.writeString(
                    svg,
                    SvgChart.render(title, subtitle, options.concurrencies(), SvgChart.series(mine)),
                    StandardCharsets.UTF_8);
            charts.put(kind, svg.getFileName().toString());
            written.add(svg);
        }
        Path csv = options.out().resolve(stem + ".csv");
        Files.writeString(csv, CompareTable.csv(rows), StandardCharsets.UTF_8);
        written.add(csv);
        String ratios = CompareTable.ratios(rows);
        Path md = options.out().resolve(stem + ".md");
        Files.writeString(
                md,
                markdown(rows, machine, took, ratios, charts, csv.getFileName().toString()),
                StandardCharsets.UTF_8);
        written.add(md);
        if (!options.quick()) {
            Path readme = options.out().resolve("README.md");
            String section = latestSection(md.getFileName().toString(), ratios, charts);
            if (updateReadme(readme, section)) {
                written.add(readme);
            } else {
                out.println("note: " + readme + " has no " + README_START + " section; left as it is");
            }
        }
        return written;
    }

    private String markdown(
            List<CompareRow> rows,
            Machine machine,
            Duration took,
            String ratios,
            Map<String, String> charts,
            String csvName) {
        StringBuilder md = new StringBuilder();
        md.append("# Strategy comparison, ")
                .append(LocalDate.now(ZoneOffset.UTC))
                .append(options.quick() ? " (quick smoke run)" : "")
                .append("\n\n");
        md.append("Command (from the repository root):\n\n```sh\njava -jar bench/target/stampede-bench.jar ")
                .append(String.join(" ", args))
                .append("\n```\n\n");
        md.append("- Machine: ")
                .append(machine.summary())
                .append(". The load driver and the server (and the")
                .append(" databases and Redis) share these cores, so absolute numbers are low and the ratios are what")
                .append(" carry over.\n");
        md.append(String.format(
                Locale.ROOT,
                "- Each run: a fresh sale of %d units, per-user limit 1, intake DIRECT;"
                        + " %d distinct buyers attempt once each, closed loop at the given concurrency; time budget"
                        + " %d s per run. After each server start every strategy gets an unmeasured warm-up burst,"
                        + " all of them before the first measurement, and again right before its own runs.%n",
                options.stock(),
                options.buyers(),
                options.runSeconds()));
        md.append("- Took ")
                .append(took.toMinutes())
                .append(" min ")
                .append(took.toSecondsPart())
                .append(" s. Raw numbers: [")
                .append(csvName)
                .append("](")
                .append(csvName)
                .append(").\n\n");
        md.append("## Results\n\n").append(CompareTable.markdown(rows)).append('\n');
        md.append("Columns are explained in [README.md](README.md#columns). Oversold must be 0 everywhere; the bench")
                .append(" exits non-zero otherwise.\n\n");
        if (!ratios.isEmpty()) {
            md.append("## Relative throughput\n\n").append(ratios);
        }
        md.append("## Charts\n\n");
        charts.forEach((kind, file) -> md.append("![")
                .append(CompareTable.displayName(kind))
                .append("](")
                .append(file)
                .append(")\n\n"));
        return md.toString();
    }

    private static String latestSection(String mdName, String ratios, Map<String, String> charts) {
        StringBuilder s = new StringBuilder();
        s.append(README_START).append('\n');
        s.append("Latest full run: [")
                .append(mdName)
                .append("](")
                .append(mdName)
                .append(") (written by the bench;")
                .append(" ratios from that one run).\n\n");
        s.append(ratios);
        charts.forEach((kind, file) -> s.append("![")
                .append(CompareTable.displayName(kind))
                .append("](")
                .append(file)
                .append(")\n\n"));
        s.append(README_END);
        return s.toString();
    }

    /** Replaces the marked section of the README; false when the README or its markers are missing. */
    static boolean updateReadme(Path readme, String section) throws IOException {
        if (!Files.isRegularFile(readme)) {
            return false;
        }
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf(README_START);
        int end = text.indexOf(README_END);
        if (start < 0 || end < start) {
            return false;
        }
        Files.writeString(
                readme,
                text.substring(0, start) + section + text.substring(end + README_END.length()),
                StandardCharsets.UTF_8);
        return true;
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    /** Facts about the machine for the report and the chart titles. */
    record Machine(int cores, String cpu, String os, String serverJdk, String driverJdk, Map<String, String> dbs) {

        static Machine describe(Path java, Map<String, String> dbs) {
            String cpu = "";
            try {
                cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                        .filter(l -> l.startsWith("model name"))
                        .findFirst()
                        .map(l -> l.substring(l.indexOf(':') + 1).strip())
                        .orElse("");
            } catch (IOException | RuntimeException e) {
                // not Linux: the core count is enough
            }
            return new Machine(
                    Runtime.getRuntime().availableProcessors(),
                    cpu,
                    System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                    jdk(java),
                    System.getProperty("java.vendor.version", System.getProperty("java.version")),
                    dbs);
        }

        String summary() {
            StringBuilder s = new StringBuilder();
            s.append(cores).append(cores == 1 ? " core" : " cores");
            if (!cpu.isEmpty()) {
                s.append(" (").append(cpu).append(')');
            }
            s.append(", ")
                    .append(os)
                    .append(", server JDK ")
                    .append(serverJdk)
                    .append(", driver JDK ")
                    .append(driverJdk);
            dbs.values().forEach(v -> s.append(", ").append(v));
            return s.toString();
        }

        String chartLine(String kind) {
            return cores + (cores == 1 ? " core" : " cores") + " shared by driver and server · JDK " + serverJdk + " · "
                    + dbs.getOrDefault(kind, kind);
        }

        /** {@code java.vendor.version} (e.g. Temurin-25.0.1+8) or {@code java.version} of the given java. */
        static String jdk(Path java) {
            try {
                Process p = new ProcessBuilder(java.toString(), "-XshowSettings:properties", "-version")
                        .redirectErrorStream(true)
                        .start();
                String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(10, TimeUnit.SECONDS);
                String version = property(text, "java.version");
                String vendor = property(text, "java.vendor.version");
                return vendor != null ? vendor : version != null ? version : "unknown";
            } catch (IOException e) {
                return "unknown";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }

        private static String property(String text, String name) {
            return text.lines()
                    .map(String::strip)
                    .filter(l -> l.startsWith(name + " = "))
                    .map(l -> l.substring(name.length() + 3).strip())
                    .findFirst()
                    .orElse(null);
        }
    }
}
