package io.stampede.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.inventory.application.ScheduledReconciliation;
import io.stampede.sale.application.SaleService;
import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.JsonNode;

/** Reconciliation through HTTP: drift is reported when Redis and the database disagree, and a rebuild repairs it. */
@IntegrationTest
class ReconciliationIT {
    private static final String ADMIN = IntegrationTest.ADMIN_TOKEN;

    @LocalServerPort
    int port;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    ScheduledReconciliation scheduled;

    @Autowired
    SaleService sales;

    @Test
    void theScheduledPassRebuildsAGateThatStaysDriftedButNotAMomentaryDrift() {
        Http http = new Http("http://127.0.0.1:" + port);
        String id = http.openSale(ADMIN, "sched", 10, 1);
        var sale = sales.definition(id).orElseThrow();
        String gateKey = redis.keys("*{sale:" + id + "}:gate").iterator().next();
        assertThat(scheduled.check(sale)).isFalse();

        redis.opsForHash().increment(gateKey, "available", 3); // e.g. a snapshot restored from before three sales
        assertThat(scheduled.check(sale))
                .as("seen once: may be purchases in flight")
                .isFalse();
        assertThat(scheduled.check(sale)).as("seen twice: rebuilt").isTrue();
        assertThat(http.get("/api/admin/sales/" + id + "/reconciliation", ADMIN)
                        .json()
                        .path("consistent")
                        .asBoolean())
                .isTrue();
        assertThat(redis.opsForHash().get(gateKey, "available")).isEqualTo("10");
    }

    @Test
    void reportsDriftAndRebuildsTheGateFromTheDatabase() {
        Http http = new Http("http://127.0.0.1:" + port);
        String sale = http.openSale(ADMIN, "rec", 10, 1);
        for (int i = 0; i < 3; i++) {
            http.post(
                    "/api/sales/" + sale + "/purchases",
                    http.login("rec-" + i),
                    "{\"quantity\":1}",
                    "Idempotency-Key",
                    "k");
        }
        String path = "/api/admin/sales/" + sale + "/reconciliation";

        JsonNode fine = http.get(path, ADMIN).json();
        assertThat(fine.path("consistent").asBoolean()).isTrue();
        assertThat(fine.path("drift").asLong()).isZero();
        assertThat(fine.path("database").path("total").asLong()).isEqualTo(10);
        assertThat(fine.path("database").path("available").asLong()).isEqualTo(7);
        assertThat(fine.path("database").path("reserved").asLong()).isEqualTo(3);
        assertThat(fine.path("cache").path("available").asLong()).isEqualTo(7);

        // Redis drifts: five phantom units the database does not have
        String gateKey = redis.keys("*{sale:" + sale + "}:gate").iterator().next();
        redis.opsForHash().increment(gateKey, "available", 5);
        JsonNode drifted = http.get(path, ADMIN).json();
        assertThat(drifted.path("consistent").asBoolean()).isFalse();
        assertThat(drifted.path("drift").asLong()).isEqualTo(5);

        Http.Response rebuilt = http.post(path, ADMIN, "");
        assertThat(rebuilt.status()).isEqualTo(200);
        assertThat(rebuilt.json().path("consistent").asBoolean()).isTrue();
        assertThat(rebuilt.json().path("cache").path("available").asLong()).isEqualTo(7);

        // Redis loses the sale entirely
        redis.delete(redis.keys("*{sale:" + sale + "}:*"));
        assertThat(http.get(path, ADMIN).json().path("consistent").asBoolean()).isFalse();
        assertThat(http.post(path, ADMIN, "").json().path("consistent").asBoolean())
                .isTrue();
        // the rebuilt gate still knows who bought: a second unit for rec-0 is over the limit
        assertThat(http.post(
                                "/api/sales/" + sale + "/purchases",
                                http.login("rec-0"),
                                "{\"quantity\":1}",
                                "Idempotency-Key",
                                "k2")
                        .code())
                .isEqualTo("LIMIT_EXCEEDED");

        assertThat(http.get("/api/admin/sales/00000000-0000-0000-0000-000000000000/reconciliation", ADMIN)
                        .status())
                .isEqualTo(404);
        assertThat(http.get(path, null).status()).isEqualTo(401);
    }
}
