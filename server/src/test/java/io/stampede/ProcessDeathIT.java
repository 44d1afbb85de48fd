package io.stampede;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.testsupport.Http;
import io.stampede.testsupport.ServiceProcess;
import io.stampede.testsupport.TestServices;
import io.stampede.testsupport.Together;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The service process dies in the middle of a burst: killed with SIGKILL, or stopped with SIGTERM. It runs as
 * {@code java -jar stampede.jar} against this run's PostgreSQL and Redis, and is started again afterwards.
 */
class ProcessDeathIT {
    private static final String ADMIN = "death-admin-token-0123456789";

    @TempDir
    Path workDir;

    private ServiceProcess service;
    private Map<String, String> env;
    private int port;

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null && service.process().isAlive()) {
            service.kill();
            service.awaitExit(Duration.ofSeconds(20));
        }
    }

    @Test
    void killedMidBurstLosesNoAcknowledgedOrderAndReconciliationReturnsWhatItHeld() throws Exception {
        Result r = burstAndDie(true);
        // a killed process may leave reservations whose orders were never written: reconciliation returns them
        assertThat(r.http()
                        .post("/api/admin/sales/" + r.sale() + "/reconciliation", ADMIN, "")
                        .json()
                        .path("consistent")
                        .asBoolean())
                .isTrue();
        sellsOutExactly(r);
    }

    @Test
    void stoppedMidBurstFinishesOrCompensatesWhatWasInFlight() throws Exception {
        Result r = burstAndDie(false);
        // a graceful stop settles everything it took: no reconciliation needed
        JsonNode rec = r.http()
                .get("/api/admin/sales/" + r.sale() + "/reconciliation", ADMIN)
                .json();
        assertThat(rec.path("consistent").asBoolean()).as(rec.toString()).isTrue();
        sellsOutExactly(r);
    }

    record Result(Http http, String sale, int stock, List<String> tokens) {}

    private Result burstAndDie(boolean kill) throws Exception {
        TestServices services = TestServices.get();
        port = TestServices.freePort();
        env = Map.of(
                "SPRING_DATASOURCE_URL", services.newDatabase(),
                "SPRING_DATASOURCE_USERNAME", services.user(),
                "SPRING_DATA_REDIS_HOST", services.redisHost(),
                "SPRING_DATA_REDIS_PORT", Integer.toString(services.redisPort()),
                "STAMPEDE_REDIS_KEY_PREFIX", services.newKeyPrefix(),
                "STAMPEDE_ADMIN_TOKEN", ADMIN,
                "STAMPEDE_DEMO_LOGIN", "true",
                "STAMPEDE_ADMISSION_PER_USER_PER_SECOND", "100000");
        service = ServiceProcess.start(workDir, "first", port, env).awaitHealthy();
        Http http = service.http();

        int stock = 80;
        String sale = http.openSale(ADMIN, "death", stock, 1);
        List<String> tokens = new ArrayList<>();
        for (int u = 0; u < 300; u++) {
            tokens.add(http.login("d-" + u));
        }
        List<Callable<Object>> tasks = new ArrayList<>();
        for (String token : tokens) {
            tasks.add(() -> {
                Thread.sleep((long) (Math.random() * 3000));
                try {
                    return http.post(
                            "/api/sales/" + sale + "/purchases", token, "{\"quantity\":1}", "Idempotency-Key", "k");
                } catch (UncheckedIOException e) {
                    return null; // the process died under this request: no answer, no promise
                }
            });
        }
        ServiceProcess dying = service;
        tasks.add(() -> {
            Thread.sleep(1200);
            if (kill) {
                dying.kill();
            } else {
                dying.process().destroy(); // SIGTERM, not waiting here: the burst goes on meanwhile
            }
            return null;
        });
        List<Object> answers = Together.run(tasks);
        assertThat(service.awaitExit(Duration.ofSeconds(60))).isTrue();

        Map<String, String> acknowledged = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (answers.get(i) instanceof Http.Response r) {
                assertThat(r.status())
                        .as(r.body())
                        .isIn(201, 409, 429, 503); // 429: admission turned it away, nothing taken
                if (r.status() == 201) {
                    acknowledged.put(r.json().path("orderId").asString(), tokens.get(i));
                }
            }
        }
        assertThat(acknowledged.size()).isLessThanOrEqualTo(stock);

        service = ServiceProcess.start(workDir, "second", port, env).awaitHealthy();
        for (Map.Entry<String, String> a : acknowledged.entrySet()) {
            assertThat(http.get("/api/orders/" + a.getKey(), a.getValue()).status())
                    .as("acknowledged order " + a.getKey() + " survives")
                    .isEqualTo(200);
        }
        return new Result(http, sale, stock, tokens);
    }

    private void sellsOutExactly(Result r) {
        Http http = r.http();
        Set<String> held = new HashSet<>();
        for (String token : r.tokens()) {
            http.get("/api/me/orders", token)
                    .json()
                    .path("items")
                    .forEach(o -> held.add(o.path("id").asString()));
        }
        assertThat(held.size()).isLessThanOrEqualTo(r.stock());
        int left = r.stock() - held.size();
        int sold = 0;
        for (int i = 0; i < left + 5; i++) {
            Http.Response a = http.post(
                    "/api/sales/" + r.sale() + "/purchases",
                    http.login("after-" + i),
                    "{\"quantity\":1}",
                    "Idempotency-Key",
                    "k");
            if (a.status() == 201) {
                sold++;
            } else {
                assertThat(a.code()).isEqualTo("SOLD_OUT");
            }
        }
        assertThat(sold).isEqualTo(left);
        JsonNode stock = http.get("/api/sales/" + r.sale(), null).json().path("stock");
        assertThat(stock.path("reserved").asLong()).isEqualTo(r.stock());
        assertThat(stock.path("available").asLong()).isZero();
    }
}
