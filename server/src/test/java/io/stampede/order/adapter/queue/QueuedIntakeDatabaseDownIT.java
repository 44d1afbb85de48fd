package io.stampede.order.adapter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.PostgresProcess;
import io.stampede.testsupport.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * Intake QUEUED with the database stopped (a PostgreSQL of this test's own, on the Redis Stream backend): purchases
 * keep being accepted, the owner can poll an accepted order, and once the database is back every accepted order is
 * written and nothing is oversold.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "stampede.admin-token=" + IntegrationTest.ADMIN_TOKEN,
            "stampede.jwt-secret=" + IntegrationTest.JWT_SECRET,
            "stampede.demo-login=true",
            "stampede.admission.per-user-per-second=100000",
            "spring.datasource.hikari.connection-timeout=1000"
        })
@ContextConfiguration(initializers = QueuedIntakeDatabaseDownIT.OwnDatabase.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class QueuedIntakeDatabaseDownIT {
    private static final String ADMIN = IntegrationTest.ADMIN_TOKEN;

    /** This class's own PostgreSQL on a fixed free port, so it can be stopped and started again; shared Redis. */
    static class OwnDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        static PostgresProcess postgres;

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestServices services = TestServices.get();
            postgres = PostgresProcess.start("queued");
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource(
                            "own-database",
                            Map.of(
                                    "spring.datasource.url", postgres.jdbcUrl(),
                                    "spring.datasource.username", "postgres",
                                    "spring.datasource.password", "",
                                    "spring.data.redis.host", services.redisHost(),
                                    "spring.data.redis.port", services.redisPort(),
                                    "stampede.redis.key-prefix", services.newKeyPrefix(),
                                    "stampede.data-dir", postgres.dataDir().toString())));
        }
    }

    @LocalServerPort
    int port;

    @AfterAll
    static void stopDatabase() {
        OwnDatabase.postgres.stop();
    }

    @Test
    void purchasesAreAcceptedWhileTheDatabaseIsDownAndWrittenWhenItReturns() throws Exception {
        Http http = new Http("http://127.0.0.1:" + port);
        Instant now = Instant.now();
        String body = "{\"name\":\"down\",\"sku\":\"SKU-DOWN\",\"stock\":20,\"priceCents\":4990,\"startsAt\":\""
                + now.minusSeconds(5) + "\",\"endsAt\":\"" + now.plusSeconds(3600) + "\",\"perUserLimit\":1,"
                + "\"intake\":\"QUEUED\"}";
        String sale =
                http.post("/api/admin/sales", ADMIN, body).json().path("id").asString();
        List<String> tokens = new ArrayList<>();
        for (int u = 0; u < 30; u++) {
            tokens.add(http.login("down-" + u));
        }
        Set<String> accepted = new HashSet<>();
        // before the outage: the sale is known to the instance and a few orders are taken
        for (int u = 0; u < 5; u++) {
            accepted.add(buy(http, sale, tokens.get(u)));
        }

        OwnDatabase.postgres.stop();
        List<String> duringOutage = new ArrayList<>();
        for (int u = 5; u < 15; u++) {
            String id = buy(http, sale, tokens.get(u));
            duringOutage.add(id);
            accepted.add(id);
        }
        // the owner polls an order that cannot be written yet: it is shown QUEUED; to anyone else it does not exist
        Http.Response poll = http.get("/api/orders/" + duringOutage.getFirst(), tokens.get(5));
        assertThat(poll.status()).as(poll.body()).isEqualTo(200);
        assertThat(poll.json().path("status").asString()).isEqualTo("QUEUED");
        assertThat(http.get("/api/orders/" + duringOutage.getFirst(), tokens.get(6))
                        .status())
                .isIn(404, 503);

        OwnDatabase.postgres.startAgain();
        for (int u = 15; u < 30; u++) { // and after: the rest of the stock, never more
            Http.Response r = http.post(
                    "/api/sales/" + sale + "/purchases", tokens.get(u), "{\"quantity\":1}", "Idempotency-Key", "k");
            if (r.status() == 202) {
                accepted.add(r.json().path("orderId").asString());
            } else {
                assertThat(r.status()).as(r.body()).isEqualTo(409);
                assertThat(r.code()).isEqualTo("SOLD_OUT");
            }
        }
        assertThat(accepted).hasSize(20);

        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Set<String> stored = new HashSet<>();
                    for (String token : tokens) {
                        Http.Response mine = http.get("/api/me/orders", token);
                        if (mine.status() != 200) {
                            return false;
                        }
                        mine.json()
                                .path("items")
                                .forEach(o -> stored.add(o.path("id").asString()));
                    }
                    return stored.equals(accepted);
                });
        var stock = http.get("/api/sales/" + sale, null).json().path("stock");
        assertThat(stock.path("available").asLong()).isZero();
        assertThat(stock.path("reserved").asLong()).isEqualTo(20);
        assertThat(http.get("/api/admin/sales/" + sale + "/reconciliation", ADMIN)
                        .json()
                        .path("consistent")
                        .asBoolean())
                .isTrue();
    }

    private static String buy(Http http, String sale, String token) {
        Http.Response r =
                http.post("/api/sales/" + sale + "/purchases", token, "{\"quantity\":1}", "Idempotency-Key", "k");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().path("status").asString()).isEqualTo("QUEUED");
        assertThat(r.header("Location"))
                .isEqualTo("/api/orders/" + r.json().path("orderId").asString());
        return r.json().path("orderId").asString();
    }
}
