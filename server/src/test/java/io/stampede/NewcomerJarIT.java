package io.stampede;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.testsupport.Http;
import io.stampede.testsupport.ServiceProcess;
import io.stampede.testsupport.TestServices;
import io.stampede.testsupport.Together;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code java -jar server/target/stampede.jar} with no configuration, as a newcomer would: embedded PostgreSQL
 * and Redis start, a burst over HTTP sells exactly the stock, and a restart finds the sales and orders again.
 */
class NewcomerJarIT {
    /** Tries of one purchase before its answer counts: enough for 2,000 at once through 512 admission places. */
    private static final int MAX_TRIES = 12;

    @TempDir
    Path workDir;

    private ServiceProcess service;

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void burstOverHttpSellsExactlyTheStockAndARestartKeepsEverything() throws Exception {
        int port = TestServices.freePort();
        // a newcomer's machine: nothing configured
        service = ServiceProcess.start(workDir, "first", port, Map.of()).awaitHealthy();
        Http http = service.http();
        assertThat(Files.readString(workDir.resolve("first.log")))
                .contains("Stampede is ready at http://localhost:" + port);

        String admin = Files.readString(workDir.resolve(".stampede/admin-token"), StandardCharsets.UTF_8)
                .trim();
        assertThat(http.get("/api/sales", null).json().path("items").size())
                .as("the demo sale")
                .isEqualTo(1);

        Instant now = Instant.now();
        Http.Response created = http.post(
                "/api/admin/sales",
                admin,
                Http.saleJson(
                        "newcomer",
                        100,
                        1,
                        now.minusSeconds(1).toString(),
                        now.plusSeconds(3600).toString()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String sale = created.json().path("id").asString();

        Map<String, String> tokens = new HashMap<>();
        for (int u = 0; u < 500; u++) {
            tokens.put("user-" + u, http.login("user-" + u));
        }
        record Attempt(String user, String key) {}
        record Answer(Attempt attempt, int status, String orderId) {}
        List<Attempt> plan = new ArrayList<>();
        for (int u = 0; u < 500; u++) {
            plan.add(new Attempt("user-" + u, "a"));
            plan.add(new Attempt("user-" + u, "b"));
            plan.add(new Attempt("user-" + u, "c"));
            plan.add(new Attempt("user-" + u, "a")); // replay
        }
        List<Answer> answers = Together.run(plan.stream()
                .<Callable<Answer>>map(a -> () -> {
                    try {
                        Http.Response r = buyAsAClientWould(http, sale, tokens.get(a.user()), a.key());
                        return new Answer(
                                a,
                                r.status(),
                                r.status() == 201 ? r.json().path("orderId").asString() : r.body());
                    } catch (RuntimeException e) {
                        return new Answer(a, -1, "no answer: " + e); // shown by the assertion below
                    }
                })
                .toList());
        assertThat(answers).hasSize(2000);
        String log = Files.readString(workDir.resolve("first.log"));
        assertThat(answers)
                .as(() -> "the service's log ends with:\n" + log.substring(Math.max(0, log.length() - 4000)))
                .allSatisfy(a -> assertThat(a.status()).as(a.orderId()).isIn(201, 409));

        Map<Attempt, String> byKey = new HashMap<>();
        Map<String, Set<String>> byUser = new HashMap<>();
        for (Answer a : answers) {
            if (a.status() == 201) {
                String earlier = byKey.putIfAbsent(a.attempt(), a.orderId());
                assertThat(earlier == null || earlier.equals(a.orderId()))
                        .as("replay answered the same order")
                        .isTrue();
                byUser.computeIfAbsent(a.attempt().user(), k -> new HashSet<>()).add(a.orderId());
            }
        }
        Set<String> acknowledged = new HashSet<>(byKey.values());
        assertThat(acknowledged).hasSize(100);
        assertThat(byUser.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));

        Set<String> listed = new HashSet<>();
        for (String user : byUser.keySet()) {
            http.get("/api/me/orders", tokens.get(user))
                    .json()
                    .path("items")
                    .forEach(o -> listed.add(o.path("id").asString()));
        }
        assertThat(listed)
                .as("every acknowledged order can be found by its owner")
                .isEqualTo(acknowledged);
        assertFigures(http, sale, 100, 0, 100);

        // a restart finds everything again; the gate is rebuilt from the database, so the sale stays sold out
        service.stop();
        service = ServiceProcess.start(workDir, "second", port, Map.of()).awaitHealthy();
        assertFigures(http, sale, 100, 0, 100);
        String someone = byUser.keySet().iterator().next();
        Http.Response replay = http.post(
                "/api/sales/" + sale + "/purchases", tokens.get(someone), "{\"quantity\":1}", "Idempotency-Key", "a");
        Http.Response late = http.post(
                "/api/sales/" + sale + "/purchases",
                http.login("late-comer"),
                "{\"quantity\":1}",
                "Idempotency-Key",
                "z");
        assertThat(late.code()).isEqualTo("SOLD_OUT");
        if (replay.status() == 201) {
            assertThat(byUser.get(someone))
                    .contains(replay.json().path("orderId").asString());
        } else {
            assertThat(replay.code()).isEqualTo("LIMIT_EXCEEDED"); // that user's key "a" lost; b or c won
        }
    }

    /**
     * A well-behaved client: a dropped connection, a 429 (admission control turning the burst's excess away) or a 503
     * (a backing service slow under the burst on a cold JVM) is retried with the same idempotency key after
     * Retry-After plus a little jitter, so the answers that count are the final ones.
     */
    private static Http.Response buyAsAClientWould(Http http, String sale, String token, String key)
            throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                Http.Response r = buy(http, sale, token, key);
                if ((r.status() != 429 && r.status() != 503) || attempt == MAX_TRIES) {
                    return r;
                }
                Thread.sleep(1000L * Integer.parseInt(r.header("Retry-After")) + jitter());
            } catch (RuntimeException dropped) {
                if (attempt == MAX_TRIES) {
                    throw dropped;
                }
                Thread.sleep(1000 + jitter()); // a client backs off after a dropped connection too
            }
        }
    }

    private static long jitter() {
        return ThreadLocalRandom.current().nextLong(500);
    }

    private static Http.Response buy(Http http, String sale, String token, String key) {
        return http.post("/api/sales/" + sale + "/purchases", token, "{\"quantity\":1}", "Idempotency-Key", key);
    }

    private static void assertFigures(Http http, String sale, long total, long available, long reserved) {
        var stock = http.get("/api/sales/" + sale, null).json().path("stock");
        assertThat(stock.path("total").asLong()).isEqualTo(total);
        assertThat(stock.path("available").asLong()).isEqualTo(available);
        assertThat(stock.path("reserved").asLong()).isEqualTo(reserved);
        assertThat(stock.path("sold").asLong()).isZero();
    }
}
