package io.stampede;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The PromQL of the shipped Grafana dashboard ({@code deploy/observability/grafana/dashboards/stampede.json}) and the
 * metric names it queries, and the series of a Prometheus scrape: what {@link ObservabilityIT} compares.
 */
final class DashboardQueries {
    static final Path OBSERVABILITY = Path.of("../deploy/observability");
    static final Path DASHBOARD = OBSERVABILITY.resolve("grafana/dashboards/stampede.json");

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A double-quoted PromQL string (label values, regexes), or a single- or back-quoted one. */
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    /** A metric name right before its label matchers or its range: {@code name{…}}, {@code name[5m]}. */
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*[{\\[]");
    /** Grafana's {@code label_values(metric, label)} and {@code label_values(metric{…}, label)}. */
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");
    /** One sample line of the text exposition format: its name and its labels, if any. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+.*$");

    private DashboardQueries() {}

    /** The dashboard, parsed. */
    static JsonNode dashboard() {
        try {
            return JSON.readTree(Files.readString(DASHBOARD));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every PromQL expression of a dashboard: panels' targets (rows' panels too) and query variables. */
    static List<String> expressions(JsonNode dashboard) {
        List<String> found = new ArrayList<>();
        collect(dashboard, found);
        return found;
    }

    private static void collect(JsonNode node, List<String> found) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getKey().equals("expr") && e.getValue().isString()) {
                    found.add(e.getValue().asString());
                } else if (e.getKey().equals("query")
                        && e.getValue().isString()
                        && e.getValue().asString().contains("label_values(")) {
                    found.add(e.getValue().asString());
                } else if (e.getKey().equals("query")
                        && e.getValue().isObject()
                        && e.getValue().path("query").isString()) {
                    found.add(e.getValue().path("query").asString()); // a variable's query object
                } else {
                    collect(e.getValue(), found);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, found));
        }
    }

    /** The metric names one PromQL expression selects. */
    static Set<String> metricNames(String expr) {
        String bare = STRING.matcher(expr).replaceAll("\"\"");
        Set<String> names = new TreeSet<>();
        Matcher m = SELECTOR.matcher(bare);
        while (m.find()) {
            names.add(m.group(1));
        }
        Matcher lv = LABEL_VALUES.matcher(bare);
        while (lv.find()) {
            names.add(lv.group(1));
        }
        return names;
    }

    /** The metric names every expression of the dashboard selects, each with the first expression that uses it. */
    static Map<String, String> metricNames(JsonNode dashboard) {
        Map<String, String> names = new TreeMap<>();
        for (String expr : expressions(dashboard)) {
            for (String name : metricNames(expr)) {
                names.putIfAbsent(name, expr);
            }
        }
        return names;
    }

    /** A series of a scrape: the sample's name and its label text (empty when it has none). */
    record Series(String name, String labels) {}

    /** The series of a Prometheus text-format scrape (comments skipped). */
    static List<Series> series(String scrape) {
        List<Series> all = new ArrayList<>();
        for (String line : scrape.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line.strip());
            if (!m.matches()) {
                throw new AssertionError("not a sample line of the text format: " + line);
            }
            all.add(new Series(m.group(1), m.group(3) == null ? "" : m.group(3)));
        }
        return all;
    }

    /** The names of the dashboard's metrics that no series of the scrape has. */
    static Set<String> missing(Set<String> wanted, String scrape) {
        Set<String> present = new TreeSet<>();
        series(scrape).forEach(s -> present.add(s.name()));
        Set<String> missing = new TreeSet<>(wanted);
        missing.removeAll(present);
        return missing;
    }
}
