package io.stampede;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The files of {@code deploy/observability} parse and point at one another (Prometheus scrapes the actuator, Grafana's
 * data source is the dashboard's, its dashboard provider reads the folder compose mounts the dashboard in), and the
 * check of {@link ObservabilityIT} can fail: it finds a metric the scrape lacks.
 */
class ObservabilityConfigTest {
    private static final Path DIR = DashboardQueries.OBSERVABILITY;

    @Test
    void extractsMetricNamesFromPromQl() {
        assertThat(DashboardQueries.metricNames(
                        "histogram_quantile(0.99, sum by (le, operation) (rate(stampede_gate_latency_seconds_bucket"
                                + "{application=\"$application\", op=~\"a{1}[b]\"}[$__rate_interval])))"))
                .containsExactly("stampede_gate_latency_seconds_bucket");
        assertThat(DashboardQueries.metricNames(
                        "sum(rate(a_total[5m])) / sum(rate(b_count {x=\"y\"}[5m])) + on (instance) c{}"))
                .containsExactly("a_total", "b_count", "c");
        assertThat(DashboardQueries.metricNames("label_values(process_uptime_seconds, application)"))
                .containsExactly("process_uptime_seconds");
        assertThat(DashboardQueries.metricNames("sum by (outcome) (vector(1))")).isEmpty();
    }

    @Test
    void aMetricTheScrapeLacksIsMissing() {
        String scrape = """
                # HELP stampede_purchases_total purchase attempts by outcome
                # TYPE stampede_purchases_total counter
                stampede_purchases_total{application="stampede",outcome="placed",strategy="REDIS_LUA"} 2.0
                stampede_gate_latency_seconds_bucket{application="stampede",gate="sale",le="+Inf"} 3
                process_uptime_seconds{application="stampede"} 12.5
                """;
        JsonNode dashboard = JsonMapper.builder().build().readTree("""
                        {"panels":[{"type":"row","panels":[{"targets":[
                          {"expr":"sum by (outcome) (rate(stampede_purchases_total{application=\\"$application\\"}[1m]))"},
                          {"expr":"rate(stampede_no_such_metric_total{application=\\"$application\\"}[1m])"}]}]},
                          {"targets":[{"expr":"histogram_quantile(0.5, sum by (le) (rate(stampede_gate_latency_seconds_bucket{}[1m])))"}]}],
                         "templating":{"list":[{"query":{"query":"label_values(process_uptime_seconds, application)"}}]}}
                        """);
        Map<String, String> wanted = DashboardQueries.metricNames(dashboard);
        assertThat(wanted)
                .containsOnlyKeys(
                        "stampede_purchases_total",
                        "stampede_no_such_metric_total",
                        "stampede_gate_latency_seconds_bucket",
                        "process_uptime_seconds");
        assertThat(DashboardQueries.missing(wanted.keySet(), scrape)).containsExactly("stampede_no_such_metric_total");
        assertThat(DashboardQueries.series(scrape))
                .extracting(DashboardQueries.Series::name)
                .containsExactly(
                        "stampede_purchases_total", "stampede_gate_latency_seconds_bucket", "process_uptime_seconds");
    }

    @Test
    void theDashboardQueriesThroughTheProvisionedDataSourceAndTheApplicationTag() {
        JsonNode dashboard = DashboardQueries.dashboard();
        assertThat(dashboard.path("uid").asString()).isEqualTo("stampede");
        List<String> expressions = DashboardQueries.expressions(dashboard);
        assertThat(expressions).hasSizeGreaterThan(20);
        // every panel query selects by the application (the templating's own queries find its values)
        assertThat(expressions.stream().filter(e -> !e.startsWith("label_values(process_uptime_seconds,")))
                .allSatisfy(e -> assertThat(e).contains("application=\"$application\""));
        String uid = (String) datasource().get("uid");
        dashboard.path("panels").forEach(p -> {
            if (!p.path("type").asString().equals("row")) {
                assertThat(p.path("datasource").path("uid").asString())
                        .as("panel %s", p.path("title").asString())
                        .isEqualTo(uid);
                p.path("targets")
                        .forEach(
                                t -> assertThat(t.path("datasource").path("uid").asString())
                                        .isEqualTo(uid));
            }
        });
    }

    @Test
    void prometheusScrapesTheActuator() throws IOException {
        Map<String, Object> prometheus = yaml(DIR.resolve("prometheus.yml"));
        List<Map<String, Object>> jobs = list(prometheus.get("scrape_configs"));
        assertThat(jobs).hasSize(1);
        Map<String, Object> job = jobs.getFirst();
        assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
        List<Map<String, Object>> statics = list(job.get("static_configs"));
        assertThat(statics)
                .isNotEmpty()
                .allSatisfy(s -> assertThat(list(s.get("targets"))).isNotEmpty());
        Object interval = map(prometheus.get("global")).get("scrape_interval");
        assertThat(map(datasource().get("jsonData")).get("timeInterval")).isEqualTo(interval);
        assertThat((String) datasource().get("url")).endsWith(":9090");
    }

    @Test
    void grafanaLoadsTheDashboardFromWhereComposeMountsIt() throws IOException {
        List<Map<String, Object>> providers = list(yaml(DIR.resolve("grafana/provisioning/dashboards/stampede.yml"))
                .get("providers"));
        assertThat(providers).hasSize(1);
        Map<String, Object> provider = providers.getFirst();
        assertThat(provider.get("type")).isEqualTo("file");
        String path = (String) map(provider.get("options")).get("path");
        assertThat(path).isEqualTo("${STAMPEDE_DASHBOARDS}");

        Map<String, Object> grafana =
                map(map(yaml(DIR.resolve("compose.yaml")).get("services")).get("grafana"));
        String mountedAt = (String) map(grafana.get("environment")).get("STAMPEDE_DASHBOARDS");
        List<String> volumes = list(grafana.get("volumes"));
        assertThat(volumes)
                .contains(
                        "./grafana/dashboards:" + mountedAt + ":ro",
                        "./grafana/provisioning:/etc/grafana/provisioning:ro");
        assertThat(DIR.resolve("grafana/dashboards").resolve(DashboardQueries.DASHBOARD.getFileName()))
                .exists();
        Map<String, Object> prometheus =
                map(map(yaml(DIR.resolve("compose.yaml")).get("services")).get("prometheus"));
        assertThat(list(prometheus.get("volumes"))).contains("./prometheus.yml:/etc/prometheus/prometheus.yml:ro");
        assertThat(Set.copyOf(list(prometheus.get("command"))))
                .contains("--config.file=/etc/prometheus/prometheus.yml");
    }

    private static Map<String, Object> datasource() {
        try {
            List<Map<String, Object>> all = list(yaml(DIR.resolve("grafana/provisioning/datasources/prometheus.yml"))
                    .get("datasources"));
            assertThat(all).hasSize(1);
            assertThat(all.getFirst().get("type")).isEqualTo("prometheus");
            return all.getFirst();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<T>) o;
    }
}
