package io.stampede;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.PostgresProcess;
import io.stampede.testsupport.RedisProcess;
import io.stampede.testsupport.Together;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * Faults in the middle of a burst, against a Redis and a PostgreSQL of this test's own (so it may flush, kill and
 * restart them): afterwards nothing is oversold, every acknowledged order is in the database, gate and database
 * agree after reconciliation, and the sale sells out completely once the fault is gone.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "stampede.admin-token=" + IntegrationTest.ADMIN_TOKEN,
            "stampede.jwt-secret=" + IntegrationTest.JWT_SECRET,
            "stampede.demo-login=true",
            "stampede.admission.per-user-per-second=100000",
            "spring.datasource.hikari.connection-timeout=1000",
            "stampede.group-commit.timeout=5s"
        })
@ContextConfiguration(initializers = FaultInjectionIT.OwnServers.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class FaultInjectionIT {
    private static final String ADMIN = IntegrationTest.ADMIN_TOKEN;

    /** Starts this class's own Redis and PostgreSQL on fixed free ports, so they can be stopped and started again. */
    static class OwnServers implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        static RedisProcess redis;
        static PostgresProcess postgres;

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            redis = RedisProcess.start();
            postgres = PostgresProcess.start("fault");
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource(
                            "own-servers",
                            Map.of(
                                    "spring.datasource.url",
                                    postgres.jdbcUrl(),
                                    "spring.datasource.username",
                                    "postgres",
                                    "spring.datasource.password",
                                    "",
                                    "spring.data.redis.host",
                                    "127.0.0.1",
                                    "spring.data.redis.port",
                                    redis.port(),
                                    "stampede.data-dir",
                                    postgres.dataDir().toString())));
        }
    }

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void client() {
        http = new Http("http://127.0.0.1:" + port);
    }

    @AfterAll
    static void stopServers() {
        OwnServers.redis.close();
        OwnServers.postgres.stop();
    }

    @Test
    void redisFlushedInTheMiddleOfABurst() throws Exception {
        runFault(60, () -> {
            try (var client = RedisClient.create("redis://127.0.0.1:" + OwnServers.redis.port());
                    var c = client.connect()) {
                c.sync().flushall();
            }
        });
    }

    @Test
    void redisKilledAndBroughtBack() throws Exception {
        runFault(60, () -> {
            OwnServers.redis.stop();
            sleep(1500);
            OwnServers.redis.startAgain(); // empty, as after a crash without persistence
        });
    }

    @Test
    void databaseStoppedDuringABurst() throws Exception {
        runFault(60, () -> {
            OwnServers.postgres.stop();
            sleep(1500);
            OwnServers.postgres.startAgain();
        });
    }

    interface Fault {
        void inject() throws Exception;
    }

    /** A burst of 300 buyers for {@code stock} units with the fault injected in its middle, then the checks. */
    private void runFault(int stock, Fault fault) throws Exception {
        String sale = http.openSale(ADMIN, "fault", stock, 1);
        List<String> tokens = new ArrayList<>();
        for (int u = 0; u < 300; u++) {
            tokens.add(http.login("f-" + u));
        }
        List<Callable<Object>> tasks = new ArrayList<>();
        for (int u = 0; u < 300; u++) {
            String token = tokens.get(u);
            tasks.add(() -> {
                sleep((long) (Math.random() * 3000)); // spread over three seconds, so the fault lands mid-burst
                return attempt(sale, token, "k");
            });
        }
        tasks.add(() -> {
            sleep(1000);
            fault.inject();
            return null;
        });
        List<Object> answers = Together.run(tasks);

        Set<String> acknowledged = new HashSet<>();
        for (Object a : answers) {
            if (a instanceof Http.Response r) {
                assertThat(r.status())
                        .as(r.body())
                        .isIn(201, 409, 429, 503); // 429: admission turned it away, nothing taken
                if (r.status() == 201) {
                    acknowledged.add(r.json().path("orderId").asString());
                }
            }
        }
        assertThat(acknowledged.size()).as("acknowledged orders").isLessThanOrEqualTo(stock);

        // once the fault is gone: every acknowledged order is there, and a reconciliation makes gate = database
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> http.post("/api/admin/sales/" + sale + "/reconciliation", ADMIN, "")
                                .status()
                        == 200);
        JsonNode rec =
                http.get("/api/admin/sales/" + sale + "/reconciliation", ADMIN).json();
        assertThat(rec.path("consistent").asBoolean()).as(rec.toString()).isTrue();
        Set<String> stored = new HashSet<>();
        for (int u = 0; u < 300; u++) {
            http.get("/api/me/orders", tokens.get(u)).json().path("items").forEach(o -> {
                if (o.path("saleId").asString().equals(sale)) {
                    stored.add(o.path("id").asString());
                }
            });
        }
        assertThat(stored).as("every acknowledged order is stored").containsAll(acknowledged);

        // and the sale sells out completely: late buyers take exactly what is left, never more
        int left = stock - stored.size();
        int sold = 0;
        for (int i = 0; i < left + 10; i++) {
            String token = http.login("late-" + i);
            Http.Response r = attempt(sale, token, "k");
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (r.status() == 503 && System.nanoTime() < deadline) { // honour Retry-After while the circuit closes
                sleep(1000L * Integer.parseInt(r.header("Retry-After")));
                r = attempt(sale, token, "k");
            }
            if (r.status() == 201) {
                sold++;
            } else {
                assertThat(r.code()).isEqualTo("SOLD_OUT");
            }
        }
        assertThat(sold).isEqualTo(left);
        JsonNode stock2 = http.get("/api/sales/" + sale, null).json().path("stock");
        assertThat(stock2.path("available").asLong()).isZero();
        assertThat(stock2.path("reserved").asLong()).isEqualTo(stock);
        assertThat(http.get("/api/admin/sales/" + sale + "/reconciliation", ADMIN)
                        .json()
                        .path("consistent")
                        .asBoolean())
                .isTrue();
    }

    private Http.Response attempt(String sale, String token, String key) {
        // a backing service may also drop the connection: retry that once, as a client would, with the same key
        for (int i = 0; ; i++) {
            try {
                return http.post(
                        "/api/sales/" + sale + "/purchases", token, "{\"quantity\":1}", "Idempotency-Key", key);
            } catch (UncheckedIOException e) {
                if (i > 0) {
                    throw e;
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
