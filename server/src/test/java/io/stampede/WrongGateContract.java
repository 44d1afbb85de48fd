package io.stampede;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.stampede.coupon.application.CampaignService;
import io.stampede.coupon.application.ClaimOutcome;
import io.stampede.coupon.application.CouponClaims;
import io.stampede.coupon.domain.Campaign;
import io.stampede.inventory.application.Reconciliation;
import io.stampede.order.application.OrderLifecycle;
import io.stampede.order.application.PurchaseOutcome;
import io.stampede.order.application.Purchases;
import io.stampede.order.domain.Order;
import io.stampede.order.domain.OrderStatus;
import io.stampede.order.domain.Transition;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.Offers;
import io.stampede.testsupport.RedisProcess;
import io.stampede.testsupport.Together;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The database refuses what a wrong Redis allows (issue 12). For every path whose units are counted in Redis, Redis
 * is made to lie in the middle of a burst: the gate (or the token list) gains units it does not have and forgets some
 * buyers' counts and keys, as a replica promoted after its primary died would; or Redis is restarted from a snapshot
 * taken before the last few hundred purchases. After each: nothing oversold, no buyer over the limit, every
 * acknowledged order in the database, the gate rebuilt, and the sale then sells exactly its stock. The bursts run
 * in-process through the purchase and claim services, released together on virtual threads. Each subclass gives the
 * service a Redis of its own ({@link #ownRedis()}).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "stampede.admin-token=" + IntegrationTest.ADMIN_TOKEN,
            "stampede.jwt-secret=" + IntegrationTest.JWT_SECRET,
            "stampede.payment-secret=" + IntegrationTest.PAYMENT_SECRET,
            // the test decides when the gate is compared with the database: only the database's refusals rebuild it
            "stampede.reconciliation.interval=1h",
            // every attempt asks the gate, so that the lies are taken (the flag answers without it; tested on its own)
            "stampede.sold-out-flag-ttl=0s"
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class WrongGateContract {
    private static final int LIMIT = 1;

    @Autowired
    SaleService sales;

    @Autowired
    Purchases purchases;

    @Autowired
    CampaignService campaigns;

    @Autowired
    CouponClaims claims;

    @Autowired
    Reconciliation reconciliation;

    @Autowired
    OrderRepository orders;

    @Autowired
    OrderLifecycle lifecycle;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    MeterRegistry meters;

    /** The Redis of this class, which the restart scenarios restart. */
    abstract RedisProcess ownRedis();

    /** Whether this class runs the paths other than QUEUED (the RabbitMQ subclass runs QUEUED alone). */
    abstract boolean allPaths();

    /** The Redis-counted purchase paths. */
    enum Path {
        DIRECT(StockStrategy.REDIS_LUA, Intake.DIRECT),
        QUEUED(StockStrategy.REDIS_LUA, Intake.QUEUED),
        TOKEN_QUEUE(StockStrategy.TOKEN_QUEUE, Intake.DIRECT);

        final StockStrategy strategy;
        final Intake intake;

        Path(StockStrategy strategy, Intake intake) {
            this.strategy = strategy;
            this.intake = intake;
        }
    }

    record Attempt(String userId, String key) {}

    record Answer<T>(Attempt attempt, T outcome) {}

    @ParameterizedTest
    @EnumSource(Path.class)
    void aGateThatLiesInTheMiddleOfABurstOversellsNothingAndIsRebuilt(Path path) throws Exception {
        assumeTrue(allPaths() || path == Path.QUEUED);
        int stock = 100;
        Sale sale = openSale(path, stock);
        double contradictedBefore = contradictions();
        List<Attempt> plan = new ArrayList<>();
        for (int u = 0; u < 200; u++) {
            plan.add(new Attempt("buyer-" + u, "a"));
            plan.add(new Attempt("buyer-" + u, "b"));
        }
        Collections.shuffle(plan, new Random(12));
        // the burst comes in two waves; between them the gate starts to lie, and more buyers come in the second
        List<Answer<PurchaseOutcome>> answers =
                burst(plan.subList(0, plan.size() / 2), (a, i) -> purchases.purchase(sale, a.userId(), a.key(), 1));
        List<String> forgotten = lie(sale, path);
        List<Attempt> second = new ArrayList<>(plan.subList(plan.size() / 2, plan.size()));
        second.addAll(buyers("late-", 50, "a"));
        // the buyers the gate forgot try their first key again: it must find their order, not make a second one
        forgotten.forEach(u -> second.add(new Attempt(u, "a")));
        Collections.shuffle(second, new Random(13));
        answers.addAll(burst(second, (a, i) -> purchases.purchase(sale, a.userId(), a.key(), 1)));

        assertNothingOversoldAndEveryAcknowledgedOrderKept(sale, stock, answers);
        assertThat(contradictions())
                .as("the database refused what the lying gate admitted; answers: %s", summary(answers))
                .isGreaterThan(contradictedBefore);
        assertRebuiltAndSellsExactlyItsStock(sale, stock);
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void aRedisRestartedFromASnapshotTakenBeforeTheLastPurchasesOversellsNothing(Path path) throws Exception {
        assumeTrue(allPaths() || path == Path.QUEUED);
        int stock = 300;
        Sale sale = openSale(path, stock);
        List<Answer<PurchaseOutcome>> answers = new ArrayList<>();
        answers.addAll(burst(buyers("early-", 150, "k"), (a, i) -> purchases.purchase(sale, a.userId(), a.key(), 1)));
        awaitWritten(answers);
        ownRedis().snapshot();
        List<Attempt> late = buyers("late-", 150, "k");
        answers.addAll(burst(late, (a, i) -> purchases.purchase(sale, a.userId(), a.key(), 1)));
        awaitWritten(answers);
        assertThat(liveUnits(sale)).as("sold out before the restart").isEqualTo(stock);

        // Redis comes back without the last 150 purchases: 150 units free again, their buyers unknown
        ownRedis().restartFromSnapshot();
        awaitRedis();
        List<Attempt> after = new ArrayList<>(buyers("new-", 150, "k"));
        late.forEach(a -> after.add(new Attempt(a.userId(), "k"))); // replays of orders the gate forgot
        late.forEach(a -> after.add(new Attempt(a.userId(), "second"))); // and second tries of their buyers
        Collections.shuffle(after, new Random(7));
        List<Answer<PurchaseOutcome>> afterAnswers =
                burst(after, (a, i) -> purchases.purchase(sale, a.userId(), a.key(), 1));
        answers.addAll(afterAnswers);

        assertNothingOversoldAndEveryAcknowledgedOrderKept(sale, stock, answers);
        for (Answer<PurchaseOutcome> a : afterAnswers) {
            if (a.attempt().userId().startsWith("new-")) {
                // the units the snapshot gave back were sold already: never placed, at most accepted and then refused
                assertThat(a.outcome()).isNotInstanceOf(PurchaseOutcome.Placed.class);
                if (a.outcome() instanceof PurchaseOutcome.Queued q) {
                    assertThat(orders.find(q.order().id()).orElseThrow().status())
                            .isEqualTo(OrderStatus.REJECTED);
                }
            }
        }
        assertRebuiltAndSellsExactlyItsStock(sale, stock);
    }

    @Test
    void aCampaignGateThatLiesInTheMiddleOfARushIssuesNoMoreThanItsQuantity() throws Exception {
        assumeTrue(allPaths());
        int quantity = 100;
        Campaign campaign = openCampaign(quantity);
        List<Attempt> plan = new ArrayList<>();
        for (int u = 0; u < 200; u++) {
            plan.add(new Attempt("claimer-" + u, "a"));
            plan.add(new Attempt("claimer-" + u, "b"));
        }
        Collections.shuffle(plan, new Random(5));
        List<Answer<ClaimOutcome>> answers =
                burst(plan.subList(0, plan.size() / 2), (a, i) -> claims.claim(campaign, a.userId(), a.key()));
        List<String> forgotten = lieAtGate("{campaign:" + campaign.id() + "}", 20, 10);
        List<Attempt> second = new ArrayList<>(plan.subList(plan.size() / 2, plan.size()));
        second.addAll(buyers("late-", 50, "a"));
        forgotten.forEach(u -> second.add(new Attempt(u, "a")));
        Collections.shuffle(second, new Random(6));
        answers.addAll(burst(second, (a, i) -> claims.claim(campaign, a.userId(), a.key())));

        assertNoCouponOverIssuedAndEveryClaimKept(campaign, answers);
        assertCampaignRebuiltAndIssuesExactlyItsQuantity(campaign);
    }

    @Test
    void aCampaignGateRestartedFromAnOldSnapshotIssuesNoMoreThanItsQuantity() throws Exception {
        assumeTrue(allPaths());
        int quantity = 200;
        Campaign campaign = openCampaign(quantity);
        List<Answer<ClaimOutcome>> answers = new ArrayList<>(
                burst(buyers("early-", 100, "k"), (a, i) -> claims.claim(campaign, a.userId(), a.key())));
        ownRedis().snapshot();
        List<Attempt> late = buyers("late-", 100, "k");
        answers.addAll(burst(late, (a, i) -> claims.claim(campaign, a.userId(), a.key())));
        ownRedis().restartFromSnapshot();
        awaitRedis();
        List<Attempt> after = new ArrayList<>(buyers("new-", 100, "k"));
        late.forEach(a -> after.add(new Attempt(a.userId(), "k")));
        late.forEach(a -> after.add(new Attempt(a.userId(), "second")));
        answers.addAll(burst(after, (a, i) -> claims.claim(campaign, a.userId(), a.key())));

        assertNoCouponOverIssuedAndEveryClaimKept(campaign, answers);
        assertCampaignRebuiltAndIssuesExactlyItsQuantity(campaign);
    }

    // ---- the lies ----

    /** Makes the sale's Redis counter lie: 20 units too many, and (for a gate) 10 buyers and their keys forgotten. */
    private List<String> lie(Sale sale, Path path) {
        if (path == Path.TOKEN_QUEUE) {
            // an empty list is no key at all in Redis: find it by its build number's key
            String epoch = redis.keys("*{sale:" + sale.id() + "}:tokens:epoch")
                    .iterator()
                    .next();
            String list = epoch.substring(0, epoch.length() - ":epoch".length());
            String token = redis.opsForValue().get(epoch);
            for (int i = 0; i < 20; i++) {
                redis.opsForList().rightPush(list, token);
            }
            return List.of();
        }
        return lieAtGate("{sale:" + sale.id() + "}", 20, 10);
    }

    /** The gate gains {@code units} and forgets {@code buyers} buyers who hold units, with their keys. */
    private List<String> lieAtGate(String tag, int units, int buyers) {
        String gate = redis.keys("*" + tag + ":gate").iterator().next();
        String users = gate.replaceFirst(":gate$", ":users");
        String keys = gate.replaceFirst(":gate$", ":keys");
        redis.opsForHash().increment(gate, "available", units);
        List<String> forgotten = redis.opsForHash().keys(users).stream()
                .map(Object::toString)
                .limit(buyers)
                .toList();
        for (String user : forgotten) {
            redis.opsForHash().delete(users, user);
            redis.opsForHash().keys(keys).stream()
                    .map(Object::toString)
                    .filter(f -> f.startsWith(user + "\n"))
                    .forEach(f -> redis.opsForHash().delete(keys, f));
        }
        return forgotten;
    }

    // ---- the checks ----

    private void assertNothingOversoldAndEveryAcknowledgedOrderKept(
            Sale sale, int stock, List<Answer<PurchaseOutcome>> answers) {
        awaitWritten(answers);
        assertThat(liveUnits(sale)).as("units held by live orders").isLessThanOrEqualTo(stock);
        assertThat(jdbc.sql(
                                "SELECT user_id FROM orders WHERE sale_id = ? AND status IN "
                                        + "('QUEUED','PENDING_PAYMENT','PAID','FULFILLED') GROUP BY user_id HAVING SUM(quantity) > ?")
                        .params(sale.id(), LIMIT)
                        .query(String.class)
                        .list())
                .as("buyers over the limit")
                .isEmpty();
        Map<Attempt, String> acknowledged = new HashMap<>();
        for (Answer<PurchaseOutcome> a : answers) {
            Order order = switch (a.outcome()) {
                case PurchaseOutcome.Placed p -> p.order();
                case PurchaseOutcome.Queued q -> q.order();
                default -> null;
            };
            if (order != null) {
                // the order the shopper finds under the id they were given (an id accepted again for a key that had
                // its order already stands for that order)
                Order stored = orders.find(order.id()).orElse(null);
                assertThat(stored)
                        .as("acknowledged order " + order.id() + " is in the database")
                        .isNotNull();
                String earlier = acknowledged.putIfAbsent(a.attempt(), stored.id());
                assertThat(earlier == null || earlier.equals(stored.id()))
                        .as("a key, one order: " + a.attempt())
                        .isTrue();
                if (sale.intake() == Intake.DIRECT) {
                    assertThat(stored.status()).isEqualTo(OrderStatus.PENDING_PAYMENT);
                } else {
                    // an accepted order is written, or refused visibly: REJECTED with the reason
                    assertThat(stored.status()).isIn(OrderStatus.PENDING_PAYMENT, OrderStatus.REJECTED);
                    if (stored.status() == OrderStatus.REJECTED) {
                        assertThat(stored.refusal()).isIn("SOLD_OUT", "LIMIT_EXCEEDED");
                    }
                }
            }
        }
    }

    private void assertRebuiltAndSellsExactlyItsStock(Sale sale, int stock) throws Exception {
        awaitConsistent(sale);
        // units that come back now go through the rebuilt gate and must sell again
        List<Order> live = jdbc
                .sql("SELECT id FROM orders WHERE sale_id = ? AND status = 'PENDING_PAYMENT'")
                .param(sale.id())
                .query(String.class)
                .list()
                .stream()
                .limit(10)
                .map(id -> orders.find(id).orElseThrow())
                .toList();
        live.forEach(o -> assertThat(lifecycle.cancel(o.id(), o.userId())).isInstanceOf(Transition.Done.class));
        long left = stock - liveUnits(sale);
        List<Answer<PurchaseOutcome>> more = burst(
                buyers("after-", (int) left + 50, "k"), (a, i) -> purchases.purchase(sale, a.userId(), a.key(), 1));
        awaitWritten(more);
        assertThat(liveUnits(sale)).as("the sale sells exactly its stock").isEqualTo(stock);
        awaitConsistent(sale);
        var report = reconciliation.report(sale);
        assertThat(report.database().available()).isZero();
        assertThat(report.ledger()).isEqualTo(report.database());
    }

    private void assertNoCouponOverIssuedAndEveryClaimKept(Campaign campaign, List<Answer<ClaimOutcome>> answers) {
        assertThat(issued(campaign)).as("coupons issued").isLessThanOrEqualTo(campaign.quantity());
        assertThat(jdbc.sql("SELECT user_id FROM coupons WHERE campaign_id = ? GROUP BY user_id HAVING COUNT(*) > ?")
                        .params(campaign.id(), campaign.perUserLimit())
                        .query(String.class)
                        .list())
                .isEmpty();
        Map<Attempt, String> claimed = new HashMap<>();
        for (Answer<ClaimOutcome> a : answers) {
            if (a.outcome() instanceof ClaimOutcome.Claimed c) {
                String earlier = claimed.putIfAbsent(a.attempt(), c.coupon().id());
                assertThat(earlier == null || earlier.equals(c.coupon().id())).isTrue();
                assertThat(jdbc.sql("SELECT COUNT(*) FROM coupons WHERE id = ?")
                                .param(c.coupon().id())
                                .query(Long.class)
                                .single())
                        .as("claimed coupon is in the database")
                        .isEqualTo(1);
            }
        }
        assertThat(jdbc.sql("SELECT issued FROM campaign_counts WHERE campaign_id = ?")
                        .param(campaign.id())
                        .query(Long.class)
                        .single())
                .as("the counted issue equals the coupons")
                .isEqualTo(issued(campaign));
    }

    private void assertCampaignRebuiltAndIssuesExactlyItsQuantity(Campaign campaign) throws Exception {
        // a rebuild drops the gate before it writes it anew: poll until the rebuilt one is there and right
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> Long.parseLong((String) redis.opsForHash()
                                .get(
                                        redis.keys("*{campaign:" + campaign.id() + "}:gate")
                                                .iterator()
                                                .next(),
                                        "available"))
                        == campaign.quantity() - issued(campaign));
        long left = campaign.quantity() - issued(campaign);
        burst(buyers("after-", (int) left + 30, "k"), (a, i) -> claims.claim(campaign, a.userId(), a.key()));
        assertThat(issued(campaign))
                .as("the campaign issues exactly its quantity")
                .isEqualTo(campaign.quantity());
    }

    // ---- helpers ----

    /** Releases every attempt at once, on virtual threads; the answers in no particular order. */
    private <T> List<Answer<T>> burst(List<Attempt> plan, BiFunction<Attempt, Integer, T> attempt) throws Exception {
        List<Callable<Answer<T>>> tasks = new ArrayList<>(plan.size());
        for (int i = 0; i < plan.size(); i++) {
            Attempt a = plan.get(i);
            int index = i;
            tasks.add(() -> new Answer<>(a, attempt.apply(a, index)));
        }
        return Together.run(tasks);
    }

    /** Every accepted QUEUED order written (or refused), and no records left beside the gate. */
    private void awaitWritten(List<Answer<PurchaseOutcome>> answers) {
        Set<String> accepted = new HashSet<>();
        answers.forEach(a -> {
            if (a.outcome() instanceof PurchaseOutcome.Queued q) {
                accepted.add(q.order().id());
            }
        });
        if (!accepted.isEmpty()) {
            // an order accepted again under a new id for a key that had its order stands for that order (an alias)
            Awaitility.await()
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() ->
                            accepted.stream().allMatch(id -> orders.find(id).isPresent()));
        }
    }

    private void awaitConsistent(Sale sale) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    var report = reconciliation.report(sale);
                    assertThat(report.consistent()).as("%s", report).isTrue();
                });
    }

    private void awaitRedis() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> "PONG".equals(redis.execute((RedisCallback<String>) c -> c.ping())));
    }

    private static Map<String, Long> summary(List<? extends Answer<?>> answers) {
        return answers.stream()
                .collect(Collectors.groupingBy(
                        a -> a.outcome().getClass().getSimpleName(), TreeMap::new, Collectors.counting()));
    }

    private static List<Attempt> buyers(String prefix, int n, String key) {
        List<Attempt> plan = new ArrayList<>(n);
        for (int u = 0; u < n; u++) {
            plan.add(new Attempt(prefix + u, key));
        }
        return plan;
    }

    private long liveUnits(Sale sale) {
        return jdbc.sql("SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE sale_id = ? AND status IN "
                        + "('QUEUED','PENDING_PAYMENT','PAID','FULFILLED')")
                .param(sale.id())
                .query(Long.class)
                .single();
    }

    private long issued(Campaign campaign) {
        return jdbc.sql("SELECT COUNT(*) FROM coupons WHERE campaign_id = ?")
                .param(campaign.id())
                .query(Long.class)
                .single();
    }

    private double contradictions() {
        return meters.counter("stampede.gates.contradicted").count();
    }

    private Sale openSale(Path path, long stock) {
        return Offers.sale()
                .name("wrong gate " + path)
                .stock(stock)
                .limit(LIMIT)
                .strategy(path.strategy)
                .intake(path.intake)
                .openWith(sales);
    }

    private Campaign openCampaign(long quantity) {
        return Offers.campaign().name("wrong gate").quantity(quantity).openWith(campaigns);
    }
}
