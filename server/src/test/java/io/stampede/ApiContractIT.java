package io.stampede;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The public HTTP contract: every endpoint of the foundation, its status codes, error codes and shapes. */
@IntegrationTest
class ApiContractIT {
    private static final String ADMIN = IntegrationTest.ADMIN_TOKEN;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Http http;

    @BeforeEach
    void client() {
        http = new Http("http://127.0.0.1:" + port);
    }

    private String openSale(long stock, int limit) {
        return http.openSale(ADMIN, "open", stock, limit);
    }

    private Http.Response buy(String saleId, String token, String key, String body) {
        return key == null
                ? http.post("/api/sales/" + saleId + "/purchases", token, body)
                : http.post("/api/sales/" + saleId + "/purchases", token, body, "Idempotency-Key", key);
    }

    @Test
    void createsASaleWithDefaultsAndLocation() {
        Instant now = Instant.now();
        Http.Response r = http.post(
                "/api/admin/sales",
                ADMIN,
                "{\"name\":\"Phone X\",\"sku\":\"PHONE-X\",\"stock\":1000," + "\"priceCents\":49900,\"startsAt\":\""
                        + now.plusSeconds(60) + "\",\"endsAt\":\"" + now.plusSeconds(600) + "\"}");
        assertThat(r.status()).isEqualTo(201);
        JsonNode sale = r.json();
        assertThat(r.header("Location"))
                .isEqualTo("/api/sales/" + sale.path("id").asString());
        assertThat(sale.path("strategy").asString()).isEqualTo("REDIS_LUA");
        assertThat(sale.path("intake").asString()).isEqualTo("DIRECT");
        assertThat(sale.path("perUserLimit").asInt()).isEqualTo(1);
        assertThat(sale.path("paymentTimeout").asString()).isEqualTo("PT15M");
        assertThat(sale.path("state").asString()).isEqualTo("SCHEDULED");
        assertThat(sale.path("stock").path("total").asLong()).isEqualTo(1000);
        assertThat(sale.path("stock").path("available").asLong()).isEqualTo(1000);

        Http.Response read = http.get("/api/sales/" + sale.path("id").asString(), null);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().path("name").asString()).isEqualTo("Phone X");
        assertThat(read.json().path("startsAt").asString())
                .isEqualTo(sale.path("startsAt").asString());
    }

    @ParameterizedTest
    @EnumSource(StockStrategy.class)
    void everyStrategySellsThroughTheSameContract(StockStrategy strategy) {
        Instant now = Instant.now();
        String json = Http.saleJson(
                "s-" + strategy,
                2,
                1,
                now.minusSeconds(5).toString(),
                now.plusSeconds(3600).toString());
        Http.Response created =
                http.post("/api/admin/sales", ADMIN, json.replace("}", ",\"strategy\":\"" + strategy + "\"}"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("strategy").asString()).isEqualTo(strategy.name());
        String sale = created.json().path("id").asString();

        String ann = http.login("ann-" + strategy);
        Http.Response placed = buy(sale, ann, "k1", "{\"quantity\":1}");
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        assertThat(placed.json().path("status").asString()).isEqualTo("PENDING_PAYMENT");
        Http.Response replay = buy(sale, ann, "k1", "{\"quantity\":1}");
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.json().path("orderId").asString())
                .isEqualTo(placed.json().path("orderId").asString());
        assertThat(buy(sale, ann, "k2", "{\"quantity\":1}").code()).isEqualTo("LIMIT_EXCEEDED");
        assertThat(buy(sale, http.login("bo-" + strategy), "k1", "{\"quantity\":1}")
                        .status())
                .isEqualTo(201);
        Http.Response soldOut = buy(sale, http.login("cy-" + strategy), "k1", "{\"quantity\":1}");
        assertThat(soldOut.status()).isEqualTo(409);
        assertThat(soldOut.code()).isEqualTo("SOLD_OUT");

        JsonNode stock = http.get("/api/sales/" + sale, null).json().path("stock");
        assertThat(stock.path("available").asLong()).isZero();
        assertThat(stock.path("reserved").asLong()).isEqualTo(2);
        JsonNode report =
                http.get("/api/admin/sales/" + sale + "/reconciliation", ADMIN).json();
        assertThat(report.path("consistent").asBoolean()).as(report.toString()).isTrue();
        assertThat(report.path("cache").path("available").asLong()).isZero();
    }

    @Test
    void queuedIntakeIsRefusedForStrategiesThatDecideInTheDatabase() {
        Instant now = Instant.now();
        String json = Http.saleJson(
                "q", 2, 1, now.minusSeconds(5).toString(), now.plusSeconds(3600).toString());
        Http.Response r = http.post(
                "/api/admin/sales",
                ADMIN,
                json.replace("}", ",\"strategy\":\"DB_CONDITIONAL\",\"intake\":\"QUEUED\"}"));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("VALIDATION");
        assertThat(r.body()).contains("QUEUED");
    }

    @Test
    void listsSalesNewestFirst() {
        String older = openSale(5, 1);
        String newer = openSale(5, 1);
        Http.Response r = http.get("/api/sales", null);
        assertThat(r.status()).isEqualTo(200);
        List<String> ids = r.json()
                .path("items")
                .valueStream()
                .map(n -> n.path("id").asString())
                .toList();
        assertThat(ids.indexOf(newer)).isLessThan(ids.indexOf(older));
    }

    @Test
    void rejectsInvalidSalesWithValidationProblems() {
        Instant now = Instant.now();
        String starts = now.toString();
        String ends = now.plusSeconds(60).toString();
        List<String> bad = List.of(
                "{}",
                Http.saleJson("a", 0, 1, starts, ends),
                Http.saleJson("a", 10_000_001, 1, starts, ends),
                Http.saleJson("a", 10, 0, starts, ends),
                Http.saleJson("a", 10, 1, ends, starts),
                Http.saleJson("a", 10, 1, starts, starts),
                "{\"name\":\"a\",\"sku\":\"b\",\"stock\":\"ten\",\"priceCents\":1,\"startsAt\":\"" + starts
                        + "\",\"endsAt\":\"" + ends + "\"}",
                "{\"name\":\"a\",\"sku\":\"b\",\"stock\":10,\"priceCents\":1,\"startsAt\":\"yesterday\",\"endsAt\":\""
                        + ends + "\"}",
                "{\"name\":\"a\",\"sku\":\"b\",\"stock\":10,\"priceCents\":1,\"startsAt\":\"" + starts
                        + "\",\"endsAt\":\"" + ends + "\",\"strategy\":\"MAGIC\"}",
                "{\"name\":\"a\",\"sku\":\"b\",\"stock\":10,\"priceCents\":1,\"startsAt\":\"" + starts
                        + "\",\"endsAt\":\"" + ends + "\",\"paymentTimeout\":\"15 minutes\"}",
                "{\"name\":\"a\",\"sku\":\"b\",\"stock\":10,\"priceCents\":1,\"startsAt\":\"" + starts
                        + "\",\"endsAt\":\"" + ends + "\",\"colour\":\"red\"}",
                "{\"name\":\"a\\u0000b\",\"sku\":\"b\",\"stock\":10,\"priceCents\":1,\"startsAt\":\"" + starts
                        + "\",\"endsAt\":\"" + ends + "\"}",
                "{\"name\":\"a\",\"sku\":\"b\",\"stock\":10,\"priceCents\":1,\"startsAt\":\"" + starts
                        + "\",\"endsAt\":\"+300000-01-01T00:00:00Z\"}",
                "{\"name\":\"a\",\"sku\":\"b\",\"stock\":10,\"priceCents\":1,\"startsAt\":\"" + starts
                        + "\",\"endsAt\":\"+1000000000-01-01T00:00:00Z\"}",
                "{\"name\":\"a\",\"sku\":\"b\",\"stock\":10,\"priceCents\":1,\"startsAt\":\"" + starts
                        + "\",\"endsAt\":\"" + ends + "\",\"paymentTimeout\":\"PT10.5S\"}",
                "[1,2,3]",
                "null",
                "{\"name\":",
                "");
        for (String body : bad) {
            Http.Response r = http.post("/api/admin/sales", ADMIN, body);
            assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
            assertThat(r.code()).isEqualTo("VALIDATION");
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sales WHERE name = 'a'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void adminEndpointsNeedTheAdminToken() {
        String body = Http.saleJson(
                "x",
                1,
                1,
                Instant.now().toString(),
                Instant.now().plusSeconds(9).toString());
        for (String token : new String[] {null, "wrong", http.login("mallory")}) {
            Http.Response r = http.post("/api/admin/sales", token, body);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.code()).isEqualTo("UNAUTHENTICATED");
        }
    }

    @Test
    void restockAddsUnits() {
        String sale = openSale(3, 1);
        Http.Response r = http.post("/api/admin/sales/" + sale + "/restock", ADMIN, "{\"quantity\":50}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("stock").path("total").asLong()).isEqualTo(53);
        assertThat(r.json().path("stock").path("available").asLong()).isEqualTo(53);
        assertThat(http.post("/api/admin/sales/" + sale + "/restock", ADMIN, "{\"quantity\":0}")
                        .status())
                .isEqualTo(400);
        assertThat(http.post("/api/admin/sales/" + sale + "/restock", ADMIN, "{\"quantity\":-5}")
                        .status())
                .isEqualTo(400);
        assertThat(http.post("/api/admin/sales/" + sale + "/restock", ADMIN, "{}")
                        .status())
                .isEqualTo(400);
        assertThat(http.post("/api/admin/sales/00000000-0000-0000-0000-000000000000/restock", ADMIN, "{\"quantity\":1}")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void restockedUnitsCanBeBought() {
        String sale = openSale(1, 1);
        assertThat(buy(sale, http.login("r1"), "k", "{\"quantity\":1}").status())
                .isEqualTo(201);
        assertThat(buy(sale, http.login("r2"), "k", "{\"quantity\":1}").code()).isEqualTo("SOLD_OUT");
        http.post("/api/admin/sales/" + sale + "/restock", ADMIN, "{\"quantity\":1}");
        assertThat(buy(sale, http.login("r2"), "k2", "{\"quantity\":1}").status())
                .isEqualTo(201);
    }

    @Test
    void purchaseLifecycleOfAnswers() {
        String sale = openSale(2, 1);
        String alice = http.login("alice");
        Http.Response placed = buy(sale, alice, "alice-1", "{\"quantity\":1}");
        assertThat(placed.status()).isEqualTo(201);
        JsonNode order = placed.json();
        String orderId = order.path("orderId").asString();
        assertThat(placed.header("Location")).isEqualTo("/api/orders/" + orderId);
        assertThat(order.path("status").asString()).isEqualTo("PENDING_PAYMENT");
        assertThat(order.path("amountCents").asLong()).isEqualTo(4990);
        assertThat(order.path("userId").asString()).isEqualTo("alice");
        assertThat(Instant.parse(order.path("expiresAt").asString()))
                .isEqualTo(Instant.parse(order.path("createdAt").asString()).plusSeconds(900));

        Http.Response replay = buy(sale, alice, "alice-1", "{\"quantity\":1}");
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.json().path("orderId").asString()).isEqualTo(orderId);

        Http.Response again = buy(sale, alice, "alice-2", "{\"quantity\":1}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("LIMIT_EXCEEDED");

        assertThat(buy(sale, http.login("bob"), "b", "{\"quantity\":1}").status())
                .isEqualTo(201);
        Http.Response soldOut = buy(sale, http.login("carol"), "c", "{\"quantity\":1}");
        assertThat(soldOut.status()).isEqualTo(409);
        assertThat(soldOut.code()).isEqualTo("SOLD_OUT");

        JsonNode figures = http.get("/api/sales/" + sale, null).json();
        assertThat(figures.path("state").asString()).isEqualTo("SOLD_OUT");
        assertThat(figures.path("stock").path("reserved").asLong()).isEqualTo(2);
        assertThat(figures.path("stock").path("available").asLong()).isZero();

        // orders are their owner's only: another user's order is answered like a missing one
        Http.Response mine = http.get("/api/orders/" + orderId, alice);
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.json().path("history").get(0).path("status").asString()).isEqualTo("PENDING_PAYMENT");
        Http.Response theirs = http.get("/api/orders/" + orderId, http.login("bob"));
        Http.Response missing = http.get("/api/orders/00000000-0000-0000-0000-000000000000", alice);
        assertThat(theirs.status()).isEqualTo(404);
        assertThat(theirs.code()).isEqualTo("NOT_FOUND");
        assertThat(theirs.json().path("detail").asString())
                .isEqualTo(missing.json().path("detail").asString());
        assertThat(http.get("/api/orders/" + orderId, null).status()).isEqualTo(401);

        JsonNode list = http.get("/api/me/orders", alice).json();
        assertThat(list.path("items")
                        .valueStream()
                        .map(n -> n.path("id").asString())
                        .toList())
                .containsExactly(orderId);
    }

    @Test
    void aPurchaseIsReadInTheCharsetItsContentTypeNames() {
        String sale = openSale(2, 1);
        String path = "/api/sales/" + sale + "/purchases";
        Http.Response utf8 = http.send(http.request(path, http.login("charset-8"))
                .header("Content-Type", "application/json;charset=UTF-8")
                .header("Idempotency-Key", "k")
                .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}"))
                .build());
        assertThat(utf8.status()).as(utf8.body()).isEqualTo(201);
        assertThat(utf8.header("Content-Type")).startsWith("application/json");
        Http.Response utf16 = http.send(http.request(path, http.login("charset-16"))
                .header("Content-Type", "application/json; charset=UTF-16")
                .header("Idempotency-Key", "k")
                .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}", StandardCharsets.UTF_16))
                .build());
        assertThat(utf16.status()).as(utf16.body()).isEqualTo(201);
        assertThat(utf16.json().path("userId").asString()).isEqualTo("charset-16");

        Http.Response soldOut = buy(sale, http.login("charset-late"), "k", "{\"quantity\":1}");
        assertThat(soldOut.status()).isEqualTo(409);
        assertThat(soldOut.header("Content-Type")).startsWith("application/problem+json");
        assertThat(soldOut.json().path("instance").asString()).isEqualTo(path);
        assertThat(soldOut.json().path("title").asString()).isEqualTo("Conflict");
    }

    @Test
    void purchasesOutsideTheWindowAreRefused() {
        Instant now = Instant.now();
        String early = http.post(
                        "/api/admin/sales",
                        ADMIN,
                        Http.saleJson(
                                "later",
                                5,
                                1,
                                now.plusSeconds(3600).toString(),
                                now.plusSeconds(7200).toString()))
                .json()
                .path("id")
                .asString();
        Http.Response r = buy(early, http.login("eve"), "k", "{\"quantity\":1}");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.code()).isEqualTo("SALE_NOT_ACTIVE");
    }

    @Test
    void malformedPurchasesAreClientErrorsAndTakeNothing() {
        String sale = openSale(5, 3);
        String token = http.login("hostile");
        String path = "/api/sales/" + sale + "/purchases";
        record Case(String key, String body, int status) {}
        List<Case> cases = List.of(
                new Case(null, "{\"quantity\":1}", 400),
                new Case("", "{\"quantity\":1}", 400),
                new Case("has space", "{\"quantity\":1}", 400),
                new Case("x".repeat(65), "{\"quantity\":1}", 400),
                new Case("k1", "{\"quantity\":0}", 400),
                new Case("k1", "{\"quantity\":-1}", 400),
                new Case("k1", "{\"quantity\":1001}", 400),
                new Case("k1", "{\"quantity\":1.5}", 400),
                new Case("k1", "{\"quantity\":\"1\"}", 400),
                new Case("k1", "{\"quantity\":null}", 400),
                new Case("k1", "{\"quantity\":99999999999999999999}", 400),
                new Case("k1", "{}", 400),
                new Case("k1", "{\"quantity\":1,\"extra\":true}", 400),
                new Case("k1", "{\"quantity\":1}{", 400),
                new Case("k1", "not json", 400),
                new Case("k1", "{\"quantity\":1, \"couponCode\": 7}", 400),
                new Case("k1", "\u0000\u0001", 400));
        for (Case c : cases) {
            Http.Response r = buy(sale, token, c.key(), c.body());
            assertThat(r.status()).as(c + " -> " + r.body()).isEqualTo(c.status());
            assertThat(r.code()).as(c.toString()).isEqualTo("VALIDATION");
        }
        String big = "{\"quantity\":1,\"pad\":\"" + "a".repeat(70_000) + "\"}";
        assertThat(buy(sale, token, "k1", big).status()).isEqualTo(413);
        assertThat(http.send(http.request(path, token)
                                .header("Content-Type", "text/plain")
                                .header("Idempotency-Key", "k")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}"))
                                .build())
                        .status())
                .isEqualTo(415);
        assertThat(http.send(http.request(path, token)
                                .header("Idempotency-Key", "k")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}"))
                                .build())
                        .status())
                .as("no Content-Type at all")
                .isEqualTo(415);
        Http.Response refusesJson = http.send(http.request(path, token)
                .header("Content-Type", "application/json")
                .header("Accept", "text/html")
                .header("Idempotency-Key", "k")
                .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}"))
                .build());
        assertThat(refusesJson.status())
                .as("a client that takes no JSON is refused before anything is taken")
                .isEqualTo(406);
        Http.Response put = http.send(http.request(path, token)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "k")
                .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .build());
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.header("Allow")).isEqualTo("POST");
        assertThat(put.code()).isEqualTo("VALIDATION");

        assertThat(buy("not-an-id", token, "k1", "{\"quantity\":1}").status()).isEqualTo(404);
        assertThat(buy("00000000-0000-0000-0000-000000000000", token, "k1", "{\"quantity\":1}")
                        .code())
                .isEqualTo("NOT_FOUND");
        assertThat(http.get("/api/sales/%2e%2e", null).status()).isBetween(400, 499);
        assertThat(http.get("/api/sales/" + "9".repeat(5000), null).status()).isBetween(400, 499);

        assertThat(jdbc.sql("SELECT COUNT(*) FROM orders WHERE sale_id = ?")
                        .param(sale)
                        .query(Long.class)
                        .single())
                .as("nothing was taken")
                .isZero();
        JsonNode figures = http.get("/api/sales/" + sale, null).json();
        assertThat(figures.path("stock").path("available").asLong()).isEqualTo(5);
    }

    @Test
    void aPathSpelledDifferentlyCannotSlipPastAuthenticationOrAdmission() {
        String shopper = http.login("spelling");
        String sale = openSale(10, 1);
        String saleJson = Http.saleJson(
                "sneaky",
                10,
                1,
                Instant.now().minusSeconds(5).toString(),
                Instant.now().plusSeconds(3600).toString());
        // the servlet container and Spring MVC decode these to an admin or purchase path; the filters must not
        // read them as something else (a shopper token on an admin endpoint, a purchase that skips admission)
        for (String path : List.of(
                "/api/%61dmin/sales",
                "/api/admin/sales;x=1",
                "/api/admin%2Fsales",
                "/api//admin/sales",
                "/api/./admin/sales",
                "/api/sales/x/../../admin/sales")) {
            Http.Response r = http.post(path, shopper, saleJson);
            assertThat(r.status()).as(path + " -> " + r.body()).isIn(400, 401, 404);
        }
        long before = orders(sale);
        for (String path : List.of(
                "/api/sales/" + sale + "/purchase%73",
                "/api/sales/" + sale + "/purchases;x=1",
                "/api/sales/" + sale + "/%70urchases")) {
            Http.Response r = http.post(path, shopper, "{\"quantity\":1}", "Idempotency-Key", "k");
            assertThat(r.status()).as(path + " -> " + r.body()).isEqualTo(400);
            assertThat(r.code()).isEqualTo("VALIDATION");
        }
        assertThat(orders(sale)).isEqualTo(before);
    }

    private long orders(String sale) {
        return jdbc.sql("SELECT COUNT(*) FROM orders WHERE sale_id = ?")
                .param(sale)
                .query(Long.class)
                .single();
    }

    @Test
    void randomHostileInputNeverCausesA5xxOrTakesStock() {
        String sale = openSale(5, 5);
        String token = http.login("fuzzer");
        Random random = new Random(20261125L); // seeded: a failure can be replayed
        String[] fragments = {
            "{",
            "}",
            "[",
            "]",
            "\"quantity\"",
            ":",
            ",",
            "1",
            "-1",
            "1e309",
            "null",
            "true",
            "\"",
            "\\u0000",
            "\\",
            "couponCode",
            "\"x\"",
            "9999999999999999999999",
            " ",
            "\n",
            "é",
            "\u0000",
            "/*",
            "NaN"
        };
        String[] paths = {
            "/api/sales/" + sale + "/purchases",
            "/api/admin/sales",
            "/api/session",
            "/api/payments/callback",
            "/api/admin/sales/" + sale + "/restock",
            "/api/coupon-campaigns/x/claims",
            "/api/orders/" + sale + "/cancel"
        };
        for (int i = 0; i < 400; i++) {
            StringBuilder body = new StringBuilder();
            int parts = random.nextInt(12);
            for (int p = 0; p < parts; p++) {
                body.append(fragments[random.nextInt(fragments.length)]);
            }
            String path = paths[random.nextInt(paths.length)];
            String key = random.nextBoolean() ? "k" + random.nextInt(3) : fragments[random.nextInt(fragments.length)];
            String auth = switch (random.nextInt(4)) {
                case 0 -> null;
                case 1 -> token;
                case 2 -> ADMIN;
                default -> token.substring(0, random.nextInt(token.length()));
            };
            HttpRequest.Builder request = http.request(path, auth)
                    .header("Content-Type", random.nextInt(5) == 0 ? "text/plain" : "application/json");
            if (key.chars().allMatch(c -> c > 32 && c < 127)) {
                request.header("Idempotency-Key", key);
            }
            if (random.nextInt(4) == 0) {
                request.header("X-Signature", Integer.toHexString(random.nextInt()));
            }
            Http.Response r = http.send(request.POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build());
            assertThat(r.status()).as(path + " " + body + " -> " + r.body()).isBetween(200, 499);
        }
        // whatever was accepted, the stock figures still add up and nothing was sold that the database lacks
        JsonNode figures = http.get("/api/sales/" + sale, null).json().path("stock");
        assertThat(figures.path("total").asLong())
                .isEqualTo(figures.path("available").asLong()
                        + figures.path("reserved").asLong()
                        + figures.path("sold").asLong());
        assertThat(figures.path("reserved").asLong()).isLessThanOrEqualTo(5);
    }

    @Test
    void shopperTokensAreCheckedStrictly() throws Exception {
        String sale = openSale(5, 1);
        byte[] key = IntegrationTest.JWT_SECRET.getBytes(StandardCharsets.UTF_8);
        String expired = sign(
                key,
                new JWTClaimsSet.Builder()
                        .subject("u")
                        .expirationTime(Date.from(Instant.now().minusSeconds(5)))
                        .build());
        String noExp = sign(key, new JWTClaimsSet.Builder().subject("u").build());
        String forged = sign(
                "another-secret-another-secret-0123456789".getBytes(StandardCharsets.UTF_8),
                new JWTClaimsSet.Builder()
                        .subject("u")
                        .expirationTime(Date.from(Instant.now().plusSeconds(60)))
                        .build());
        String valid = sign(
                key,
                new JWTClaimsSet.Builder()
                        .subject("u")
                        .expirationTime(Date.from(Instant.now().plusSeconds(60)))
                        .build());
        for (String token : new String[] {expired, noExp, forged, "abc.def.ghi", "Basic x", valid + "x"}) {
            Http.Response r = buy(sale, token, "k", "{\"quantity\":1}");
            assertThat(r.status()).as(token).isEqualTo(401);
            assertThat(r.code()).isEqualTo("UNAUTHENTICATED");
        }
        assertThat(buy(sale, valid, "k", "{\"quantity\":1}").status()).isEqualTo(201);
    }

    @Test
    void demoLoginValidatesTheUserId() {
        assertThat(http.post("/api/session", null, "{\"userId\":\"\"}").status())
                .isEqualTo(400);
        assertThat(http.post("/api/session", null, "{\"userId\":\"a b\"}").status())
                .isEqualTo(400);
        assertThat(http.post("/api/session", null, "{\"userId\":\"" + "u".repeat(65) + "\"}")
                        .status())
                .isEqualTo(400);
        Http.Response ok = http.post("/api/session", null, "{\"userId\":\"u1\"}");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(Instant.parse(ok.json().path("expiresAt").asString())).isAfter(Instant.now());
    }

    @Test
    void healthAndMetricsAreServed() {
        Http.Response health = http.get("/actuator/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asString()).isEqualTo("UP");
        String sale = openSale(1, 1);
        buy(sale, http.login("m1"), "k", "{\"quantity\":1}");
        Http.Response metrics = http.get("/actuator/prometheus", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("stampede_purchases_total").contains("stampede_orders_group_commit_batch");
    }

    private static String sign(byte[] key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }
}
