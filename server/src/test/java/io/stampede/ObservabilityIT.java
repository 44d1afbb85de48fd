package io.stampede;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.resource.ClientResources;
import io.stampede.inventory.application.ScheduledReconciliation;
import io.stampede.live.application.SaleStockGauges;
import io.stampede.sale.application.SaleService;
import io.stampede.shared.redis.RedisCommandTimers;
import io.stampede.shared.redis.RedisWriteCoalescing;
import io.stampede.shared.redis.ScriptCalls;
import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Every metric the shipped Grafana dashboard queries is on {@code /actuator/prometheus} once the service has done what
 * the dashboard watches: purchases that win and that find the sale sold out, a cancellation, a QUEUED sale whose
 * orders go through the intake queue, a scheduled reconciliation pass. And every series carries the application's
 * name, which the dashboard selects by.
 */
@IntegrationTest
class ObservabilityIT {
    private static final String ADMIN = IntegrationTest.ADMIN_TOKEN;

    @LocalServerPort
    int port;

    @Autowired
    SaleStockGauges stockGauges;

    @Autowired
    ScheduledReconciliation scheduled;

    @Autowired
    SaleService sales;

    @Autowired
    LettuceConnectionFactory redis;

    @Autowired
    StringRedisTemplate template;

    @Test
    void everyMetricOfTheDashboardIsScraped() throws Exception {
        Http http = new Http("http://127.0.0.1:" + port);

        // a DIRECT sale of two units: two win, the third finds it sold out, one winner cancels
        String direct = http.openSale(ADMIN, "watched", 2, 1);
        List<String> placed = new ArrayList<>();
        for (String user : List.of("w1", "w2", "w3")) {
            Http.Response r = buy(http, direct, http.login(user), "k-" + user);
            if (r.status() == 201) {
                placed.add(r.json().path("orderId").asString());
            } else {
                assertThat(r.code()).isEqualTo("SOLD_OUT");
            }
        }
        assertThat(placed).hasSize(2);
        String w1 = http.login("w1");
        assertThat(http.post("/api/orders/" + placed.getFirst() + "/cancel", w1, "")
                        .status())
                .isEqualTo(200); // the units go back through the gate's release

        // a QUEUED sale: accepted (202), then written by the intake consumer
        Http.Response queuedSale = http.post(
                "/api/admin/sales", ADMIN, Http.openSaleJson("queued", 5, 1).replace("}", ",\"intake\":\"QUEUED\"}"));
        assertThat(queuedSale.status()).isEqualTo(201);
        String queued = queuedSale.json().path("id").asString();
        String q1 = http.login("q1");
        Http.Response accepted = buy(http, queued, q1, "k-q1");
        assertThat(accepted.status()).isEqualTo(202);
        String queuedOrder = accepted.json().path("orderId").asString();
        awaitStatus(http, q1, queuedOrder, "PENDING_PAYMENT");

        // a scheduled reconciliation pass over both
        assertThat(scheduled.check(sales.definition(direct).orElseThrow())).isFalse();
        assertThat(scheduled.check(sales.definition(queued).orElseThrow())).isFalse();

        stockGauges.refresh(); // as its schedule does every five seconds
        System.gc(); // the JVM's GC pause metric appears with its first collection
        Http.Response scrape = http.get("/actuator/prometheus", null);
        assertThat(scrape.status()).isEqualTo(200);
        Files.writeString(Path.of("target/observability-scrape.txt"), scrape.body());

        assertThat(scrape.body())
                .as("the queued sale's stock: 5 units, 1 reserved")
                .containsPattern(
                        "stampede_sale_stock_units\\{[^}]*figure=\"reserved\"[^}]*sale=\"" + queued + "\"[^}]*} 1\\.0")
                .containsPattern("stampede_sale_stock_units\\{[^}]*figure=\"available\"[^}]*sale=\"" + queued
                        + "\"[^}]*} 4\\.0");

        Map<String, String> wanted = DashboardQueries.metricNames(DashboardQueries.dashboard());
        assertThat(wanted).as("the dashboard queries metrics").hasSizeGreaterThan(20);
        Set<String> missing = DashboardQueries.missing(wanted.keySet(), scrape.body());
        assertThat(missing)
                .as(
                        "metrics the dashboard queries that /actuator/prometheus lacks (first query using each: %s)",
                        wanted.entrySet().stream()
                                .filter(e -> missing.contains(e.getKey()))
                                .toList())
                .isEmpty();

        List<DashboardQueries.Series> series = DashboardQueries.series(scrape.body());
        assertThat(series)
                .as("every series carries the application's name")
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.labels()).contains("application=\"stampede\""));

        // the new metrics carry what the dashboard groups by
        assertThat(series)
                .anySatisfy(s -> assertSeries(
                        s, "stampede_gate_latency_seconds_bucket", "gate=\"sale\"", "operation=\"reserve\""));
        assertThat(series)
                .anySatisfy(s -> assertSeries(s, "stampede_gate_latency_seconds_bucket", "operation=\"release\""));
        assertThat(series).anySatisfy(s -> assertSeries(s, "stampede_gate_drift", "sale=\"" + direct + "\""));
        assertThat(series).anySatisfy(s -> assertSeries(s, "stampede_gate_drift", "sale=\"" + queued + "\""));
        assertThat(series).anySatisfy(s -> assertSeries(s, "stampede_intake_queue_depth", "backend=\"redis-stream\""));
        assertThat(series).anySatisfy(s -> assertSeries(s, "stampede_outbox_lag_seconds", "stage=\"position\""));
        assertThat(series).anySatisfy(s -> assertSeries(s, "stampede_outbox_pending", "stage=\"position\""));
        assertThat(series).anySatisfy(s -> assertSeries(s, "stampede_orders_group_commit_latency_seconds_bucket"));
        assertThat(series).anySatisfy(s -> assertSeries(s, "stampede_orders_group_commit_batch_bucket"));
        // purchases are answered outside Spring MVC: their requests still carry the route, not UNKNOWN
        assertThat(series)
                .anySatisfy(s -> assertSeries(
                        s,
                        "http_server_requests_seconds_count",
                        "uri=\"/api/sales/{id}/purchases\"",
                        "status=\"201\""));
        assertThat(series)
                .anySatisfy(s -> assertSeries(
                        s,
                        "http_server_requests_seconds_count",
                        "uri=\"/api/sales/{id}/purchases\"",
                        "status=\"409\""));
        assertThat(series)
                .anySatisfy(s -> assertSeries(
                        s,
                        "http_server_requests_seconds_count",
                        "uri=\"/api/sales/{id}/purchases\"",
                        "status=\"202\""));
        // no long-task timer of requests in progress beside the request timer: nothing reads it, every request paid
        assertThat(series).noneSatisfy(s -> assertThat(s.name()).startsWith("http_server_requests_active"));
        // Redis commands are timed by Lettuce's latency hook (RedisCommandTimers), not by an observation per command
        assertThat(series).anySatisfy(s -> assertSeries(s, "lettuce_seconds_count", "db_operation=\"EVALSHA\""));
        ClientResources lettuce = redis.getClientResources();
        assertThat(lettuce).isNotNull();
        assertThat(lettuce.commandLatencyRecorder()).isInstanceOf(RedisCommandTimers.class);
        assertThat(lettuce.tracing().isEnabled())
                .as("an observation per Redis command")
                .isFalse();
        assertThat(template.isExposeConnection())
                .as("a proxy around the connection of every call")
                .isTrue();
        // the gate's scripts go to Lettuce directly and wait without a timed park: Boot's configuration expires
        // Lettuce's commands, which bounds those waits (ScriptCalls)
        assertThat(ScriptCalls.of(template).direct())
                .as("script calls that wait without a timer of their own")
                .isTrue();
        // the commands queued on a connection's event loop together share one write (RedisWriteCoalescing)
        assertThat(lettuce.nettyCustomizer()).isSameAs(RedisWriteCoalescing.COALESCING);
    }

    private static void assertSeries(DashboardQueries.Series s, String name, String... labels) {
        assertThat(s.name()).isEqualTo(name);
        for (String label : labels) {
            assertThat(s.labels()).contains(label);
        }
    }

    private static Http.Response buy(Http http, String sale, String token, String key) {
        return http.post("/api/sales/" + sale + "/purchases", token, "{\"quantity\":1}", "Idempotency-Key", key);
    }

    private static void awaitStatus(Http http, String token, String order, String status) throws InterruptedException {
        Instant until = Instant.now().plus(Duration.ofSeconds(20));
        String seen = "";
        while (Instant.now().isBefore(until)) {
            seen = http.get("/api/orders/" + order, token).json().path("status").asString();
            if (seen.equals(status)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("order " + order + " stayed " + seen + ", never " + status);
    }
}
