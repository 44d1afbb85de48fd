package io.stampede.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.StampedeApplication;
import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.inventory.port.UnitHolders;
import io.stampede.order.application.OrderExpirySweeper;
import io.stampede.testsupport.Gen;
import io.stampede.testsupport.Http;
import io.stampede.testsupport.MutableClock;
import io.stampede.testsupport.MutableClockConfig;
import io.stampede.testsupport.Property;
import io.stampede.testsupport.ServicesInitializer;
import io.stampede.testsupport.Shrink;
import io.stampede.testsupport.Statistics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The order lifecycle as a state machine (issue 4): random sequences of purchases, payment callbacks (good, forged,
 * duplicate, late, wrong amount, failed), cancellations, expiry sweeps, clock advances, fulfilments and refunds are
 * run against the real service over HTTP, and after every step its answers and its whole state are compared with a
 * plain in-memory model: the answer of the step, every order with its history (no illegal transition), the stock
 * figures (total = available + reserved + sold), per-user limits, the gate in Redis against the database, the
 * refunds owed, the order events and the on-hand stock.
 *
 * <p>The class starts one service of its own before its tries (a database and key prefix of its own, a clock the test
 * moves) and stops it after them; each try makes a sale and users of its own on it. The scheduled expiry sweep, gate
 * repair and reconciliation run once an hour, so expiry happens only when a step sweeps and nothing mends the gate
 * behind the test's back. The tries come from a seed: a failure names it and the command that replays it (see
 * {@link Property}).
 */
class OrderLifecycleModelIT {
    private static final String ADMIN = "model-it-admin-token-0123456789";
    private static final String JWT_SECRET = "model-it-jwt-secret-0123456789-0123456789-0123456789";
    private static final String PAYMENT_SECRET = "model-it-payment-secret-0123456789";
    private static final String FORGER_SECRET = "not-the-payment-secret-0123456789";
    private static final long PRICE = 2500;
    private static final Duration PAYMENT_TIMEOUT = Duration.ofMinutes(10);
    private static final int USERS = 3;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    // ---- the service under test: one Spring context for the whole class ----

    /** The running service and the beans the checks read. */
    private static final class Service {
        final ConfigurableApplicationContext context;
        final Http http;
        final MutableClock clock;
        final OrderExpirySweeper sweeper;
        final PurchaseGate gate;
        final UnitHolders holders;
        final JdbcClient jdbc;

        private Service(ConfigurableApplicationContext context) {
            this.context = context;
            this.http = new Http("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
            this.clock = context.getBean(MutableClock.class);
            this.sweeper = context.getBean(OrderExpirySweeper.class);
            this.gate = context.getBean(PurchaseGate.class);
            this.holders = context.getBean(UnitHolders.class);
            this.jdbc = context.getBean(JdbcClient.class);
        }

        static Service start() {
            // command-line arguments, so that they win over application.yml (its server.port is 8080)
            return new Service(new SpringApplicationBuilder(StampedeApplication.class, MutableClockConfig.class)
                    .initializers(new ServicesInitializer())
                    .run(
                            "--server.port=0",
                            "--stampede.admin-token=" + ADMIN,
                            "--stampede.jwt-secret=" + JWT_SECRET,
                            "--stampede.payment-secret=" + PAYMENT_SECRET,
                            "--stampede.demo-login=true",
                            // the test decides when orders expire: the scheduled sweep and repair stay away
                            "--stampede.expiry.interval=1h",
                            "--stampede.gate.repair-interval=1h",
                            // as does reconciliation, which would mend a drift this test is there to see
                            "--stampede.reconciliation.interval=1h",
                            // the steps send many purchases per user and second on purpose
                            "--stampede.admission.per-user-per-second=100000"));
        }
    }

    private static Service service;

    @BeforeAll
    static void startService() {
        service = Service.start();
    }

    @AfterAll
    static void stopService() {
        if (service != null) {
            service.context.close();
            service = null;
        }
    }

    // ---- the property ----

    @Test
    void theOrderLifecycleFollowsThePlainModelAfterEveryStep() {
        Property.forAll(CASES).tries(25).shrinkWith(Case::shorter).check(c -> {
            Run run = new Run(service, c.stock(), c.limit());
            run.check();
            for (Action action : c.actions()) {
                run.step(action);
                run.check();
            }
        });
    }

    // ---- the model: the contract's rules written the plain way, in memory ----

    /** Order states of the contract (an intake-DIRECT sale never shows QUEUED). */
    enum State {
        PENDING_PAYMENT,
        PAID,
        FULFILLED,
        CANCELLED,
        EXPIRED,
        REFUNDED;

        static final Set<State> RESERVING = EnumSet.of(PENDING_PAYMENT);
        static final Set<State> SELLING = EnumSet.of(PAID, FULFILLED);
        static final Set<State> RETURNED = EnumSet.of(CANCELLED, EXPIRED, REFUNDED);

        boolean isLive() {
            return RESERVING.contains(this) || SELLING.contains(this);
        }

        boolean mayBecome(State next) {
            return switch (this) {
                case PENDING_PAYMENT -> next == PAID || next == CANCELLED || next == EXPIRED;
                case PAID -> next == FULFILLED || next == REFUNDED;
                case FULFILLED, CANCELLED, EXPIRED, REFUNDED -> false;
            };
        }

        String eventType() {
            return switch (this) {
                case PENDING_PAYMENT -> "order.placed";
                case PAID -> "order.paid";
                case FULFILLED -> "order.fulfilled";
                case CANCELLED -> "order.cancelled";
                case EXPIRED -> "order.expired";
                case REFUNDED -> "order.refunded";
            };
        }
    }

    /** One order as the model knows it. */
    static final class ModelOrder {
        final String id;
        final String user;
        final String key;
        final int quantity;
        final long amount;
        final Instant expiresAt;
        final List<State> history = new ArrayList<>(List.of(State.PENDING_PAYMENT));
        State state = State.PENDING_PAYMENT;
        String paidBy;

        ModelOrder(String id, String user, String key, int quantity, long amount, Instant expiresAt) {
            this.id = id;
            this.user = user;
            this.key = key;
            this.quantity = quantity;
            this.amount = amount;
            this.expiresAt = expiresAt;
        }

        void become(State next) {
            if (!state.mayBecome(next)) {
                throw new IllegalStateException("model error: " + state + " -> " + next);
            }
            state = next;
            history.add(next);
        }

        /** What the service must show of the order. */
        OrderSummary summary() {
            return new OrderSummary(
                    state.name(),
                    quantity,
                    amount,
                    expiresAt,
                    history.stream().map(State::name).toList());
        }
    }

    record OrderSummary(String status, int quantity, long amountCents, Instant expiresAt, List<String> history) {}

    /** The answer a payment callback gets: kept per paymentId, since the same paymentId must get it again. */
    record Answer(int status, String code, String orderId) {}

    /** Money owed back. */
    record Owed(String orderId, String paymentId, long amountCents, String reason) {}

    /** What a purchase must answer. */
    sealed interface Verdict {}

    record Replay(ModelOrder order) implements Verdict {}

    record Create() implements Verdict {}

    record Reject(Set<String> codes) implements Verdict {}

    static final class Model {
        final long total;
        final int limit;
        Instant now;
        final List<ModelOrder> orders = new ArrayList<>();
        final Map<String, ModelOrder> byKey = new HashMap<>();
        final Map<String, Answer> answers = new HashMap<>();
        final Map<String, String> bodies = new HashMap<>();
        final List<String> paymentIds = new ArrayList<>();
        final List<Owed> owed = new ArrayList<>();

        Model(long total, int limit, Instant now) {
            this.total = total;
            this.limit = limit;
            this.now = now;
        }

        /** The service keeps milliseconds. */
        Instant nowMs() {
            return now.truncatedTo(ChronoUnit.MILLIS);
        }

        long units(Predicate<State> which) {
            return orders.stream()
                    .filter(o -> which.test(o.state))
                    .mapToLong(o -> o.quantity)
                    .sum();
        }

        long reserved() {
            return units(State.RESERVING::contains);
        }

        long sold() {
            return units(State.SELLING::contains);
        }

        long available() {
            return total - reserved() - sold();
        }

        long fulfilled() {
            return units(s -> s == State.FULFILLED);
        }

        long held(String user) {
            return orders.stream()
                    .filter(o -> o.user.equals(user) && o.state.isLive())
                    .mapToLong(o -> o.quantity)
                    .sum();
        }

        Map<String, Long> liveUnitsByUser() {
            return orders.stream()
                    .filter(o -> o.state.isLive())
                    .collect(Collectors.groupingBy(o -> o.user, Collectors.summingLong(o -> o.quantity)));
        }

        /** An order the model knows, or null for one the service never issued. */
        ModelOrder pick(int ref) {
            return ref < 0 || orders.isEmpty() ? null : orders.get(ref % orders.size());
        }

        /** A known key answers its order whatever changed since; otherwise the limit and the stock decide. */
        Verdict purchase(String user, String key, int quantity) {
            ModelOrder known = byKey.get(GateState.keyField(user, key));
            if (known != null) {
                return new Replay(known);
            }
            boolean overLimit = held(user) + quantity > limit;
            boolean soldOut = available() < quantity;
            if (overLimit && soldOut) {
                return new Reject(Set.of("LIMIT_EXCEEDED", "SOLD_OUT")); // the contract does not rank the two
            }
            if (overLimit) {
                return new Reject(Set.of("LIMIT_EXCEEDED"));
            }
            if (soldOut) {
                return new Reject(Set.of("SOLD_OUT"));
            }
            return new Create();
        }

        ModelOrder place(String id, String user, String key, int quantity) {
            ModelOrder o = new ModelOrder(id, user, key, quantity, PRICE * quantity, nowMs().plus(PAYMENT_TIMEOUT));
            orders.add(o);
            byKey.put(GateState.keyField(user, key), o);
            return o;
        }

        /** A verified callback: the first answer of a paymentId is its answer forever. */
        Answer pay(String paymentId, String body, ModelOrder target, String orderId, long amount, boolean succeeded) {
            Answer first = answers.get(paymentId);
            if (first != null) {
                return first;
            }
            Answer a;
            if (target == null) {
                a = new Answer(404, "NOT_FOUND", orderId);
            } else if (amount != target.amount) {
                a = new Answer(422, "AMOUNT_MISMATCH", target.id);
            } else if (!succeeded) {
                a = new Answer(200, null, target.id);
            } else if (target.state == State.PENDING_PAYMENT && nowMs().isBefore(target.expiresAt)) {
                target.become(State.PAID);
                target.paidBy = paymentId;
                a = new Answer(200, null, target.id);
            } else {
                // never resurrects the order: answered 409 and the money is owed back
                owed.add(new Owed(
                        target.id,
                        paymentId,
                        amount,
                        State.SELLING.contains(target.state) ? "DUPLICATE_PAYMENT" : "LATE_PAYMENT"));
                a = new Answer(409, "INVALID_STATE", target.id);
            }
            answers.put(paymentId, a);
            bodies.put(paymentId, body);
            paymentIds.add(paymentId);
            return a;
        }

        /** The owner cancels an unpaid order (even past its deadline, until the sweep expires it). */
        Answer cancel(ModelOrder target, boolean byOwner) {
            if (target == null || !byOwner) {
                return new Answer(404, "NOT_FOUND", null);
            }
            return change(target, State.PENDING_PAYMENT, State.CANCELLED);
        }

        /** Expires every unpaid order whose deadline has come; returns how many. */
        int sweep() {
            int expired = 0;
            for (ModelOrder o : orders) {
                if (o.state == State.PENDING_PAYMENT && !nowMs().isBefore(o.expiresAt)) {
                    o.become(State.EXPIRED);
                    expired++;
                }
            }
            return expired;
        }

        Answer fulfil(ModelOrder target) {
            return target == null ? new Answer(404, "NOT_FOUND", null) : change(target, State.PAID, State.FULFILLED);
        }

        Answer refund(ModelOrder target) {
            if (target == null) {
                return new Answer(404, "NOT_FOUND", null);
            }
            Answer a = change(target, State.PAID, State.REFUNDED);
            if (a.status() == 200) {
                owed.add(new Owed(target.id, target.paidBy, target.amount, "ADMIN_REFUND"));
            }
            return a;
        }

        private static Answer change(ModelOrder target, State from, State to) {
            if (target.state != from) {
                return new Answer(409, "INVALID_STATE", target.id);
            }
            target.become(to);
            return new Answer(200, null, target.id);
        }
    }

    // ---- one try: a fresh sale and three fresh users, driven step by step ----

    private static final class Run {
        final Service s;
        final Model model;
        final String tag = UUID.randomUUID().toString().substring(0, 8);
        final String sale;
        final List<String> users = new ArrayList<>();
        final Map<String, String> tokens = new HashMap<>();
        final String neverIssued = UUID.randomUUID().toString();
        final List<String> transcript = new ArrayList<>();
        int payments;
        int step;

        Run(Service s, int stock, int limit) {
            this.s = s;
            Instant now = s.clock.instant();
            this.model = new Model(stock, limit, now);
            Http.Response r = s.http.post(
                    "/api/admin/sales",
                    ADMIN,
                    "{\"name\":\"model-" + tag + "\",\"sku\":\"M-" + tag
                            + "\",\"stock\":" + stock + ",\"priceCents\":" + PRICE + ",\"startsAt\":\""
                            + now.minusSeconds(5)
                            + "\",\"endsAt\":\"" + now.plus(Duration.ofDays(2)) + "\",\"perUserLimit\":" + limit
                            + ",\"paymentTimeout\":\"" + PAYMENT_TIMEOUT + "\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            this.sale = r.json().path("id").asString();
            for (int i = 0; i < USERS; i++) {
                String user = "m" + tag + "-u" + i;
                users.add(user);
                tokens.put(user, s.http.login(user));
            }
            transcript.add("sale stock=" + stock + " perUserLimit=" + limit + " paymentTimeout=" + PAYMENT_TIMEOUT);
        }

        Supplier<String> where(String what) {
            List<String> lines = List.copyOf(transcript);
            return () -> what + "\n  transcript:\n    " + String.join("\n    ", lines) + "\n";
        }

        String nextPaymentId() {
            return "m" + tag + "-p" + payments;
        }

        void step(Action action) {
            step++;
            transcript.add("step " + step + ": " + action);
            switch (action) {
                case Purchase p -> purchase(users.get(p.user()), "k" + p.key(), p.quantity());
                case Pay p -> pay(model.pick(p.order()), 0, true);
                case PayWrongAmount p -> pay(model.pick(p.order()), p.delta(), true);
                case PayFailed p -> pay(model.pick(p.order()), 0, false);
                case PayLate p -> {
                    ModelOrder target = model.pick(p.order());
                    if (target != null && model.now.isBefore(target.expiresAt.plusSeconds(p.extraSeconds()))) {
                        advance(Duration.between(model.now, target.expiresAt.plusSeconds(p.extraSeconds())));
                    }
                    pay(target, 0, true);
                }
                case PayForged p -> forged(model.pick(p.order()), p.forgery());
                case PayAgain p -> payAgain(p);
                case Cancel c -> cancel(model.pick(c.order()), c.byOwner());
                case Sweep w -> {
                    s.sweeper.sweep();
                    int expired = model.sweep();
                    note("swept, " + expired + " expired");
                    Statistics.label("sweep").collect(expired > 0 ? "expired some" : "nothing due");
                }
                case Advance a -> advance(Duration.ofMinutes(a.minutes()));
                case Fulfil f ->
                    admin(model.pick(f.order()), "fulfil", model.fulfil(model.pick(f.order())), State.FULFILLED);
                case Refund f ->
                    admin(model.pick(f.order()), "refund", model.refund(model.pick(f.order())), State.REFUNDED);
            }
        }

        private void note(String outcome) {
            transcript.set(transcript.size() - 1, transcript.getLast() + " -> " + outcome);
        }

        private void advance(Duration by) {
            s.clock.advance(by);
            model.now = model.now.plus(by);
            note("clock +" + by);
        }

        private void purchase(String user, String key, int quantity) {
            Verdict verdict = model.purchase(user, key, quantity);
            Instant nowMs = model.nowMs();
            Http.Response r = s.http.post(
                    "/api/sales/" + sale + "/purchases",
                    tokens.get(user),
                    "{\"quantity\":" + quantity + "}",
                    "Idempotency-Key",
                    key);
            note(r.status() + " " + brief(r));
            Statistics.label("purchase")
                    .collect(r.status() + " "
                            + (verdict instanceof Replay ? "replay" : r.status() == 201 ? "new" : r.code()));
            switch (verdict) {
                case Replay replay -> {
                    assertThat(r.status())
                            .as(where("a replayed key answers as the first time"))
                            .isEqualTo(201);
                    assertThat(r.json().path("orderId").asString())
                            .as(where("a replay answers the same order"))
                            .isEqualTo(replay.order().id);
                    assertThat(r.json().path("status").asString())
                            .as(where("a replay shows the order as it is now"))
                            .isEqualTo(replay.order().state.name());
                }
                case Create create -> {
                    assertThat(r.status())
                            .as(where("a purchase within limit and stock is placed"))
                            .isEqualTo(201);
                    JsonNode o = r.json();
                    String id = o.path("orderId").asString();
                    assertThat(model.orders)
                            .as(where("a new order is a new order"))
                            .noneMatch(known -> known.id.equals(id));
                    assertThat(r.header("Location")).as(where("Location")).endsWith("/api/orders/" + id);
                    ModelOrder placed = model.place(id, user, key, quantity);
                    assertThat(o.path("status").asString())
                            .as(where("a new order"))
                            .isEqualTo("PENDING_PAYMENT");
                    assertThat(o.path("quantity").asInt()).as(where("quantity")).isEqualTo(quantity);
                    assertThat(o.path("amountCents").asLong())
                            .as(where("amount"))
                            .isEqualTo(placed.amount);
                    assertThat(o.path("userId").asString()).as(where("owner")).isEqualTo(user);
                    assertThat(o.path("saleId").asString()).as(where("sale")).isEqualTo(sale);
                    assertThat(Instant.parse(o.path("expiresAt").asString()))
                            .as(where("payment deadline"))
                            .isEqualTo(nowMs.plus(PAYMENT_TIMEOUT));
                }
                case Reject reject -> {
                    assertThat(r.status()).as(where("a refused purchase")).isEqualTo(409);
                    assertThat(r.code())
                            .as(where("why the purchase is refused"))
                            .isIn(reject.codes());
                }
            }
        }

        /** A signed callback with a new paymentId for the order (or for an order that never existed). */
        private void pay(ModelOrder target, long amountDelta, boolean succeeded) {
            String orderId = target == null ? neverIssued : target.id;
            long amount = (target == null ? PRICE : target.amount) + amountDelta;
            String paymentId = nextPaymentId();
            payments++;
            String body = callback(paymentId, orderId, amount, succeeded ? "SUCCEEDED" : "FAILED");
            Answer expected = model.pay(paymentId, body, target, orderId, amount, succeeded);
            Http.Response r =
                    s.http.post("/api/payments/callback", null, body, "X-Signature", sign(PAYMENT_SECRET, body));
            note(paymentId + " " + r.status() + " " + brief(r));
            Statistics.label("payment").collect((succeeded ? "" : "failed ") + r.status() + " " + brief(r));
            assertPaymentAnswer(r, expected, "the callback of " + paymentId);
        }

        /** A callback that is not the provider's: refused, and it records nothing (not even its paymentId). */
        private void forged(ModelOrder target, Forgery forgery) {
            String orderId = target == null ? neverIssued : target.id;
            long amount = target == null ? PRICE : target.amount;
            // the next signed payment reuses this id: it must still be new to the service
            String body = callback(nextPaymentId(), orderId, amount, "SUCCEEDED");
            Http.Response r = switch (forgery) {
                case WRONG_SECRET ->
                    s.http.post("/api/payments/callback", null, body, "X-Signature", sign(FORGER_SECRET, body));
                case NO_SIGNATURE -> s.http.post("/api/payments/callback", null, body);
                case OTHER_BODY ->
                    s.http.post(
                            "/api/payments/callback",
                            null,
                            body,
                            "X-Signature",
                            sign(PAYMENT_SECRET, callback(nextPaymentId(), orderId, amount + 1, "SUCCEEDED")));
                case NOT_HEX -> s.http.post("/api/payments/callback", null, body, "X-Signature", "z".repeat(64));
            };
            note(r.status() + " " + brief(r));
            Statistics.label("payment").collect("forged " + r.status());
            assertThat(r.status())
                    .as(where("a callback without the provider's signature"))
                    .isEqualTo(401);
            assertThat(r.code())
                    .as(where("a callback without the provider's signature"))
                    .isEqualTo("UNAUTHENTICATED");
        }

        /** An earlier paymentId again, with its very body or about another order: the first answer again. */
        private void payAgain(PayAgain p) {
            if (model.paymentIds.isEmpty()) {
                note("no payment yet: nothing to repeat");
                return;
            }
            String paymentId = model.paymentIds.get(p.payment() % model.paymentIds.size());
            String body;
            if (p.sameBody()) {
                body = model.bodies.get(paymentId);
            } else {
                ModelOrder other = model.pick(p.otherOrder());
                body = callback(
                        paymentId,
                        other == null ? neverIssued : other.id,
                        other == null ? PRICE : other.amount,
                        "SUCCEEDED");
            }
            Answer expected = model.pay(paymentId, body, null, null, 0, true);
            Http.Response r =
                    s.http.post("/api/payments/callback", null, body, "X-Signature", sign(PAYMENT_SECRET, body));
            note(paymentId + " " + r.status() + " " + brief(r));
            Statistics.label("payment").collect("again " + r.status() + " " + brief(r));
            assertPaymentAnswer(r, expected, "paymentId " + paymentId + " again");
        }

        private void assertPaymentAnswer(Http.Response r, Answer expected, String what) {
            assertThat(r.status()).as(where(what + ": status")).isEqualTo(expected.status());
            if (expected.status() == 200) {
                assertThat(r.json().path("id").asString())
                        .as(where(what + ": the order"))
                        .isEqualTo(expected.orderId());
                ModelOrder o = model.orders.stream()
                        .filter(x -> x.id.equals(expected.orderId()))
                        .findFirst()
                        .orElseThrow();
                assertThat(r.json().path("status").asString())
                        .as(where(what + ": the order's status"))
                        .isEqualTo(o.state.name());
            } else {
                assertThat(r.code()).as(where(what + ": code")).isEqualTo(expected.code());
            }
        }

        private void cancel(ModelOrder target, boolean byOwner) {
            String id = target == null ? neverIssued : target.id;
            String caller = target == null
                    ? users.getFirst()
                    : byOwner ? target.user : users.get((users.indexOf(target.user) + 1) % USERS);
            Answer expected = model.cancel(target, byOwner);
            Http.Response r = s.http.post("/api/orders/" + id + "/cancel", tokens.get(caller), "");
            note(r.status() + " " + brief(r));
            Statistics.label("cancel").collect(r.status() + " " + brief(r));
            assertTransition(r, expected, State.CANCELLED, "cancel");
        }

        private void admin(ModelOrder target, String verb, Answer expected, State to) {
            String id = target == null ? neverIssued : target.id;
            Http.Response r = s.http.post("/api/admin/orders/" + id + "/" + verb, ADMIN, "");
            note(r.status() + " " + brief(r));
            Statistics.label(verb).collect(r.status() + " " + brief(r));
            assertTransition(r, expected, to, verb);
        }

        private void assertTransition(Http.Response r, Answer expected, State to, String verb) {
            assertThat(r.status()).as(where(verb + ": status")).isEqualTo(expected.status());
            if (expected.status() == 200) {
                assertThat(r.json().path("status").asString())
                        .as(where(verb + ": the order"))
                        .isEqualTo(to.name());
            } else {
                assertThat(r.code()).as(where(verb + ": code")).isEqualTo(expected.code());
            }
        }

        // ---- after every step: the whole state against the model ----

        void check() {
            // stock figures, from the database through the API
            JsonNode saleView = s.http.get("/api/sales/" + sale, null).json();
            JsonNode stock = saleView.path("stock");
            long total = stock.path("total").asLong();
            long available = stock.path("available").asLong();
            long reserved = stock.path("reserved").asLong();
            long sold = stock.path("sold").asLong();
            assertThat(total)
                    .as(where("total = available + reserved + sold " + stock))
                    .isEqualTo(available + reserved + sold);
            assertThat(List.of(total, available, reserved, sold))
                    .as(where("stock figures [total, available, reserved, sold]"))
                    .containsExactly(model.total, model.available(), model.reserved(), model.sold());
            assertThat(available).as(where("no oversell")).isGreaterThanOrEqualTo(0);
            assertThat(saleView.path("state").asString())
                    .as(where("sale state"))
                    .isEqualTo(model.available() == 0 ? "SOLD_OUT" : "ACTIVE");

            // every order of the sale, as each owner sees it
            Map<String, Long> liveSeen = new HashMap<>();
            for (String user : users) {
                Map<String, OrderSummary> seen = new LinkedHashMap<>();
                s.http.get("/api/me/orders", tokens.get(user))
                        .json()
                        .path("items")
                        .valueStream()
                        .filter(o -> o.path("saleId").asString().equals(sale))
                        .forEach(o -> seen.put(o.path("id").asString(), summary(o)));
                Map<String, OrderSummary> expected = new LinkedHashMap<>();
                model.orders.stream().filter(o -> o.user.equals(user)).forEach(o -> expected.put(o.id, o.summary()));
                for (OrderSummary o : seen.values()) {
                    for (int i = 1; i < o.history().size(); i++) {
                        State from = State.valueOf(o.history().get(i - 1));
                        State next = State.valueOf(o.history().get(i));
                        assertThat(from.mayBecome(next))
                                .as(where("illegal transition " + from + " -> " + next + " in " + o.history()))
                                .isTrue();
                    }
                    if (State.valueOf(o.status()).isLive()) {
                        liveSeen.merge(user, (long) o.quantity(), Long::sum);
                    }
                }
                assertThat(seen).as(where("orders of " + user)).isEqualTo(expected);
                assertThat(liveSeen.getOrDefault(user, 0L))
                        .as(where("live units of " + user + " within the limit"))
                        .isLessThanOrEqualTo(model.limit);
            }

            // the gate in Redis holds what the database holds
            GateState gate = s.gate.read(sale).orElse(null);
            assertThat(gate).as(where("the gate of the sale")).isNotNull();
            assertThat(gate.available())
                    .as(where("gate available = database available"))
                    .isEqualTo(available);
            Map<String, Long> dbUnits = s.holders.liveUnitsByUser(sale);
            assertThat(dbUnits).as(where("live units by user in the database")).isEqualTo(model.liveUnitsByUser());
            assertThat(gate.unitsByUser())
                    .as(where("gate units by user = database"))
                    .isEqualTo(dbUnits);
            assertThat(gate.orderByKey())
                    .as(where("gate idempotency keys"))
                    .isEqualTo(model.byKey.entrySet().stream()
                            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().id)));
            assertThat(gate.released())
                    .as(where("orders whose units went back, each once"))
                    .isEqualTo(model.orders.stream()
                            .filter(o -> State.RETURNED.contains(o.state))
                            .map(o -> o.id)
                            .collect(Collectors.toSet()));

            // money owed back: late and duplicate payments, admin refunds
            Set<String> ids = model.orders.stream().map(o -> o.id).collect(Collectors.toSet());
            List<Owed> owed = s.http.get("/api/admin/refunds", ADMIN)
                    .json()
                    .path("items")
                    .valueStream()
                    .filter(x -> ids.contains(x.path("orderId").asString())
                            || x.path("orderId").asString().equals(neverIssued)
                            || x.path("paymentId").asString("").startsWith("m" + tag))
                    .map(x -> new Owed(
                            x.path("orderId").asString(),
                            x.path("paymentId").asString(null),
                            x.path("amountCents").asLong(),
                            x.path("reason").asString()))
                    .toList();
            assertThat(owed).as(where("refunds owed")).containsExactlyInAnyOrderElementsOf(model.owed);

            // each transition committed once, with its event
            Map<String, List<String>> events = new HashMap<>();
            Map<String, String> paidBy = new HashMap<>();
            s.jdbc.sql("SELECT type, data FROM events WHERE type LIKE 'order.%' AND data LIKE ? ORDER BY seq")
                    .param("%" + sale + "%")
                    .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)})
                    .list()
                    .forEach(e -> {
                        JsonNode data = JSON.readTree(e[1]);
                        events.computeIfAbsent(data.path("orderId").asString(), k -> new ArrayList<>())
                                .add(e[0]);
                        if (e[0].equals("order.paid")) {
                            paidBy.put(
                                    data.path("orderId").asString(),
                                    data.path("paymentId").asString());
                        }
                    });
            assertThat(events)
                    .as(where("order events"))
                    .isEqualTo(model.orders.stream()
                            .collect(Collectors.toMap(
                                    o -> o.id,
                                    o -> o.history.stream()
                                            .map(State::eventType)
                                            .toList())));
            assertThat(paidBy)
                    .as(where("the payment each order.paid names"))
                    .isEqualTo(model.orders.stream()
                            .filter(o -> o.paidBy != null)
                            .collect(Collectors.toMap(o -> o.id, o -> o.paidBy)));

            // fulfilled units left the warehouse
            long onHand = s.jdbc.sql("SELECT on_hand FROM sales WHERE id = ?")
                    .param(sale)
                    .query(Long.class)
                    .single();
            assertThat(onHand).as(where("units on hand")).isEqualTo(model.total - model.fulfilled());
        }

        private static OrderSummary summary(JsonNode o) {
            return new OrderSummary(
                    o.path("status").asString(),
                    o.path("quantity").asInt(),
                    o.path("amountCents").asLong(),
                    Instant.parse(o.path("expiresAt").asString()),
                    o.path("history")
                            .valueStream()
                            .map(h -> h.path("status").asString())
                            .toList());
        }

        private static String brief(Http.Response r) {
            if (r.status() >= 200 && r.status() < 300) {
                return r.json().path("status").asString();
            }
            try {
                return r.code();
            } catch (RuntimeException e) {
                return r.body();
            }
        }
    }

    private static String callback(String paymentId, String orderId, long amount, String outcome) {
        return "{\"paymentId\":\"" + paymentId + "\",\"orderId\":\"" + orderId + "\",\"amountCents\":" + amount
                + ",\"outcome\":\"" + outcome + "\"}";
    }

    private static String sign(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the actions and their generators ----

    /** Orders are referred to by index into the orders placed so far (modulo); -1 is one never issued. */
    sealed interface Action {}

    record Sweep() implements Action {}

    record Purchase(int user, int key, int quantity) implements Action {}

    record Pay(int order) implements Action {}

    record PayWrongAmount(int order, long delta) implements Action {}

    record PayFailed(int order) implements Action {}

    /** Moves the clock to the order's deadline plus some seconds (when not past it already), then pays. */
    record PayLate(int order, int extraSeconds) implements Action {}

    record PayForged(int order, Forgery forgery) implements Action {}

    record PayAgain(int payment, boolean sameBody, int otherOrder) implements Action {}

    record Cancel(int order, boolean byOwner) implements Action {}

    record Advance(int minutes) implements Action {}

    record Fulfil(int order) implements Action {}

    record Refund(int order) implements Action {}

    enum Forgery {
        WRONG_SECRET,
        NO_SIGNATURE,
        OTHER_BODY,
        NOT_HEX
    }

    /** The input of one try. */
    record Case(int stock, int limit, List<Action> actions) {
        /** The same sale with fewer actions (at least one), for a shorter failing sequence. */
        Stream<Case> shorter() {
            return Shrink.list(actions, 1).map(fewer -> new Case(stock, limit, fewer));
        }

        @Override
        public String toString() {
            return "stock=" + stock + " perUserLimit=" + limit + ", " + actions.size() + " actions:\n"
                    + IntStream.range(0, actions.size())
                            .mapToObj(i -> "  step " + (i + 1) + ": " + actions.get(i))
                            .collect(Collectors.joining("\n"));
        }
    }

    /** An order placed so far (any index, taken modulo their number), or 1 time in 20 one never issued. */
    private static final Gen<Integer> ORDER =
            Gen.frequencyOf(Gen.weight(19, Gen.ints(0, 999)), Gen.weight(1, Gen.constant(-1)));

    private static final Gen<Action> PURCHASE = r -> new Purchase(
            Gen.ints(0, USERS - 1).next(r),
            Gen.ints(0, 2).next(r),
            Gen.ints(1, 2).next(r));
    private static final Gen<Action> PAY = ORDER.map(Pay::new);
    private static final Gen<Action> WRONG_AMOUNT =
            r -> new PayWrongAmount(ORDER.next(r), Gen.oneOf(-1L, 1L, PRICE).next(r));
    private static final Gen<Action> FAILED = ORDER.map(PayFailed::new);
    private static final Gen<Action> LATE =
            r -> new PayLate(ORDER.next(r), Gen.oneOf(0, 1, 30, 90).next(r));
    private static final Gen<Action> FORGED =
            r -> new PayForged(ORDER.next(r), Gen.oneOf(Forgery.class).next(r));
    private static final Gen<Action> AGAIN =
            r -> new PayAgain(Gen.ints(0, 999).next(r), Gen.booleans().next(r), ORDER.next(r));
    private static final Gen<Action> CANCEL = r -> new Cancel(
            ORDER.next(r),
            Gen.frequency(Gen.weight(4, true), Gen.weight(1, false)).next(r));
    private static final Gen<Action> SWEEP = Gen.constant(new Sweep());
    private static final Gen<Action> ADVANCE = Gen.ints(1, 12).map(Advance::new);
    private static final Gen<Action> FULFIL = ORDER.map(Fulfil::new);
    private static final Gen<Action> REFUND = ORDER.map(Refund::new);

    /** Tries run 10 to 30 steps (uniform); a failure still shrinks down to a single step. */
    private static final Gen<List<Action>> ACTIONS = Gen.<Action>frequencyOf(
                    Gen.weight(2, SWEEP),
                    Gen.weight(7, PURCHASE),
                    Gen.weight(5, PAY),
                    Gen.weight(1, WRONG_AMOUNT),
                    Gen.weight(1, FAILED),
                    Gen.weight(1, LATE),
                    Gen.weight(1, FORGED),
                    Gen.weight(2, AGAIN),
                    Gen.weight(2, CANCEL),
                    Gen.weight(2, ADVANCE),
                    Gen.weight(2, FULFIL),
                    Gen.weight(2, REFUND))
            .list(10, 30);

    private static final Gen<Integer> STOCK = Gen.ints(1, 4);
    private static final Gen<Integer> LIMIT = Gen.ints(1, 2);
    private static final Gen<Case> CASES = r -> new Case(STOCK.next(r), LIMIT.next(r), ACTIONS.next(r));
}
