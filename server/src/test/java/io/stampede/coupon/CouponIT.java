package io.stampede.coupon;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.coupon.application.CampaignService;
import io.stampede.coupon.application.ClaimOutcome;
import io.stampede.coupon.application.CouponClaims;
import io.stampede.coupon.domain.Campaign;
import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.order.application.OrderExpirySweeper;
import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.MutableClock;
import io.stampede.testsupport.MutableClockConfig;
import io.stampede.testsupport.Offers;
import io.stampede.testsupport.Together;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Coupon campaigns: a rush of claims, every error code, redemption, release on cancel or expiry, racing use. */
@IntegrationTest
@Import(MutableClockConfig.class)
class CouponIT {
    private static final String ADMIN = IntegrationTest.ADMIN_TOKEN;

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    CampaignService campaigns;

    @Autowired
    CouponClaims claims;

    @Autowired
    @Qualifier("couponGate")
    PurchaseGate couponGate;

    @Autowired
    OrderExpirySweeper sweeper;

    @Autowired
    JdbcClient jdbc;

    Http http;

    @BeforeEach
    void client() {
        http = new Http("http://127.0.0.1:" + port);
    }

    private String campaign(long quantity, int limit, long discount) {
        Instant now = clock.instant();
        Http.Response r = http.post(
                "/api/admin/coupon-campaigns",
                ADMIN,
                "{\"name\":\"c\",\"quantity\":" + quantity
                        + ",\"perUserLimit\":" + limit + ",\"startsAt\":\"" + now.minusSeconds(5) + "\",\"endsAt\":\""
                        + now.plus(Duration.ofDays(2)) + "\",\"discountCents\":" + discount + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.header("Location"))
                .isEqualTo("/api/coupon-campaigns/" + r.json().path("id").asString());
        return r.json().path("id").asString();
    }

    private String sale(long stock) {
        Instant now = clock.instant();
        return http.post(
                        "/api/admin/sales",
                        ADMIN,
                        "{\"name\":\"s\",\"sku\":\"S\",\"stock\":" + stock
                                + ",\"priceCents\":5000,\"startsAt\":\"" + now.minusSeconds(5) + "\",\"endsAt\":\""
                                + now.plus(Duration.ofDays(2))
                                + "\",\"paymentTimeout\":\"PT10M\"}")
                .json()
                .path("id")
                .asString();
    }

    private Http.Response claim(String campaign, String token, String key) {
        return http.post("/api/coupon-campaigns/" + campaign + "/claims", token, "", "Idempotency-Key", key);
    }

    private Http.Response buy(String sale, String token, String key, String couponCode) {
        String body =
                couponCode == null ? "{\"quantity\":1}" : "{\"quantity\":1,\"couponCode\":\"" + couponCode + "\"}";
        return http.post("/api/sales/" + sale + "/purchases", token, body, "Idempotency-Key", key);
    }

    private String couponStatus(String token, String code) {
        return http.get("/api/me/coupons", token)
                .json()
                .path("items")
                .valueStream()
                .filter(c -> c.path("code").asString().equals(code))
                .findFirst()
                .orElseThrow()
                .path("status")
                .asString();
    }

    @Test
    void aRushOf1000UsersClaimingThreeTimesWithReplaysIssuesExactly200() throws Exception {
        Campaign campaign = Offers.campaign()
                .name("rush")
                .quantity(200)
                .discount(500)
                .on(clock)
                .openWith(campaigns);
        record Attempt(String user, String key) {}
        List<Callable<Object>> tasks = new ArrayList<>();
        List<Attempt> plan = new ArrayList<>();
        for (int u = 0; u < 1000; u++) {
            for (String key : new String[] {"a", "b", "c", "a"}) {
                plan.add(new Attempt("user-" + u, key));
            }
        }
        for (Attempt a : plan) {
            tasks.add(() -> claims.claim(campaign, a.user(), a.key()));
        }
        List<Object> answers = Together.run(tasks);

        Map<Attempt, String> couponByKey = new HashMap<>();
        for (int i = 0; i < plan.size(); i++) {
            assertThat(answers.get(i)).isNotInstanceOf(ClaimOutcome.Unavailable.class);
            if (answers.get(i) instanceof ClaimOutcome.Claimed c) {
                String earlier = couponByKey.putIfAbsent(plan.get(i), c.coupon().id());
                assertThat(earlier == null || earlier.equals(c.coupon().id()))
                        .as("same key, same coupon")
                        .isTrue();
            }
        }
        assertThat(couponByKey.values().stream().distinct().count()).isEqualTo(200);
        String id = campaign.id();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM coupons WHERE campaign_id = ?")
                        .param(id)
                        .query(Long.class)
                        .single())
                .isEqualTo(200);
        assertThat(jdbc.sql("SELECT COUNT(DISTINCT code) FROM coupons WHERE campaign_id = ?")
                        .param(id)
                        .query(Long.class)
                        .single())
                .isEqualTo(200);
        assertThat(jdbc.sql("SELECT user_id FROM coupons WHERE campaign_id = ? GROUP BY user_id HAVING COUNT(*) > 1")
                        .param(id)
                        .query(String.class)
                        .list())
                .as("users with two coupons")
                .isEmpty();
        JsonNode view = http.get("/api/coupon-campaigns/" + id, null).json();
        assertThat(view.path("issued").asLong()).isEqualTo(200);
        assertThat(view.path("remaining").asLong()).isZero();
        GateState gate = couponGate.read(id).orElseThrow();
        assertThat(gate.available()).isZero();
        assertThat(gate.unitsByUser().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(200);
    }

    @Test
    void aLimitAboveOneIsEnforcedByTheDatabaseSlotsToo() throws Exception {
        Campaign campaign =
                Offers.campaign().name("two").quantity(100).limit(2).on(clock).openWith(campaigns);
        List<Callable<Object>> tasks = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            String key = "k" + k;
            tasks.add(() -> claims.claim(campaign, "greedy", key));
        }
        List<Object> answers = Together.run(tasks);
        assertThat(answers.stream()
                        .filter(a -> a instanceof ClaimOutcome.Claimed)
                        .count())
                .isEqualTo(2);
        assertThat(answers.stream()
                        .filter(a -> a instanceof ClaimOutcome.LimitExceeded)
                        .count())
                .isEqualTo(6);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM coupons WHERE campaign_id = ? AND user_id = 'greedy'")
                        .param(campaign.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    @Test
    void claimsAnswerEveryErrorCodeOfTheContract() {
        String token = http.login("claimer");
        String c = campaign(1, 1, 100);
        Http.Response first = claim(c, token, "k1");
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().path("couponId").asString()).isNotBlank();
        assertThat(first.json().path("code").asString()).matches("[0-9A-Z]{12}");
        Http.Response replay = claim(c, token, "k1");
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.json().path("couponId").asString())
                .isEqualTo(first.json().path("couponId").asString());
        assertThat(claim(c, token, "k2").code()).isEqualTo("LIMIT_EXCEEDED");
        assertThat(claim(c, http.login("late"), "k1").code()).isEqualTo("SOLD_OUT");

        Instant now = clock.instant();
        String future = http.post(
                        "/api/admin/coupon-campaigns",
                        ADMIN,
                        "{\"name\":\"f\",\"quantity\":5,\"startsAt\":\"" + now.plusSeconds(3600) + "\",\"endsAt\":\""
                                + now.plusSeconds(7200) + "\",\"discountCents\":1}")
                .json()
                .path("id")
                .asString();
        Http.Response early = claim(future, token, "k1");
        assertThat(early.status()).isEqualTo(409);
        assertThat(early.code()).isEqualTo("SALE_NOT_ACTIVE");

        assertThat(claim(c, null, "k1").status()).isEqualTo(401);
        assertThat(claim(c, token, "bad key!").status()).isEqualTo(400);
        assertThat(http.post("/api/coupon-campaigns/" + c + "/claims", token, "")
                        .status())
                .isEqualTo(400);
        assertThat(claim("00000000-0000-0000-0000-000000000000", token, "k").status())
                .isEqualTo(404);
        assertThat(http.get("/api/coupon-campaigns/nope", null).status()).isEqualTo(404);
        JsonNode view = http.get("/api/coupon-campaigns/" + c, null).json();
        assertThat(view.path("issued").asLong()).isEqualTo(1);
        assertThat(view.path("remaining").asLong()).isZero();
        assertThat(view.path("discountCents").asLong()).isEqualTo(100);

        for (String bad : List.of(
                "{}",
                "{\"name\":\"x\",\"quantity\":0,\"startsAt\":\"" + now + "\",\"endsAt\":\"" + now.plusSeconds(9)
                        + "\",\"discountCents\":1}",
                "{\"name\":\"x\",\"quantity\":5,\"startsAt\":\"" + now + "\",\"endsAt\":\"" + now
                        + "\",\"discountCents\":1}",
                "{\"name\":\"x\",\"quantity\":5,\"startsAt\":\"" + now + "\",\"endsAt\":\"" + now.plusSeconds(9)
                        + "\",\"discountCents\":-1}",
                "{\"name\":\"x\",\"unknown\":1}")) {
            assertThat(http.post("/api/admin/coupon-campaigns", ADMIN, bad).status())
                    .as(bad)
                    .isEqualTo(400);
        }
        assertThat(http.post("/api/admin/coupon-campaigns", token, "{}").status())
                .isEqualTo(401);
    }

    @Test
    void aCouponLowersTheAmountIsUsedOnceAndComesBackWhenItsOrderIsCancelledOrExpires() {
        String token = http.login("saver");
        String c = campaign(10, 1, 1200);
        String code = claim(c, token, "k").json().path("code").asString();
        String sale = sale(10);

        Http.Response bought = buy(sale, token, "o1", code);
        assertThat(bought.status()).as(bought.body()).isEqualTo(201);
        assertThat(bought.json().path("amountCents").asLong()).isEqualTo(3800);
        String orderId = bought.json().path("orderId").asString();
        assertThat(couponStatus(token, code)).isEqualTo("REDEEMED");

        Http.Response again = buy(sale(10), token, "o2", code);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("INVALID_STATE");
        assertThat(buy(sale, http.login("thief"), "o1", code).status())
                .as("another user's code")
                .isEqualTo(400);
        assertThat(buy(sale, token, "o3", "NOTACODE").status()).isEqualTo(400);

        assertThat(http.post("/api/orders/" + orderId + "/cancel", token, "").status())
                .isEqualTo(200);
        assertThat(couponStatus(token, code)).isEqualTo("CLAIMED");

        // used again, then released by expiry
        String sale2 = sale(5);
        Http.Response second = buy(sale2, token, "o4", code);
        assertThat(second.status()).isEqualTo(201);
        assertThat(couponStatus(token, code)).isEqualTo("REDEEMED");
        clock.advance(Duration.ofMinutes(11));
        sweeper.sweep();
        assertThat(couponStatus(token, code)).isEqualTo("CLAIMED");
        assertThat(jdbc.sql("SELECT type FROM events WHERE type LIKE 'coupon.%' AND data LIKE ? ORDER BY seq")
                        .param("%" + first(token, code) + "%")
                        .query(String.class)
                        .list())
                .containsExactly(
                        "coupon.claimed", "coupon.redeemed", "coupon.released", "coupon.redeemed", "coupon.released");
    }

    @Test
    void twoOrdersRacingForOneCouponOnlyOneRedeemsItAndTheLoserTakesNoUnit() throws Exception {
        String token = http.login("racer");
        String code = claim(campaign(5, 1, 700), token, "k").json().path("code").asString();
        String sale = sale(20);
        List<Callable<Object>> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String key = "race-" + i;
            tasks.add(() -> buy(sale, token, key, code));
        }
        // the user's limit is 1 per sale, so race across sales too: one sale per attempt
        List<String> sales = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String s = sale(3);
            sales.add(s);
            String key = "race-x" + i;
            tasks.add(() -> buy(s, token, key, code));
        }
        List<Object> answers = Together.run(tasks);
        long won = answers.stream()
                .filter(a -> ((Http.Response) a).status() == 201)
                .count();
        assertThat(won).isEqualTo(1);
        assertThat(answers)
                .allSatisfy(a -> assertThat(((Http.Response) a).status()).isIn(201, 409));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM orders WHERE coupon_id IS NOT NULL AND user_id = 'racer'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        // every losing reservation was given back
        long held = 0;
        for (String s : sales) {
            held += http.get("/api/sales/" + s, null)
                    .json()
                    .path("stock")
                    .path("reserved")
                    .asLong();
        }
        held += http.get("/api/sales/" + sale, null)
                .json()
                .path("stock")
                .path("reserved")
                .asLong();
        assertThat(held).isEqualTo(1);
    }

    private String first(String token, String code) {
        return http.get("/api/me/coupons", token)
                .json()
                .path("items")
                .valueStream()
                .filter(c -> c.path("code").asString().equals(code))
                .findFirst()
                .orElseThrow()
                .path("couponId")
                .asString();
    }
}
