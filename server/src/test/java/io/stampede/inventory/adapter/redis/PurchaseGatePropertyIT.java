package io.stampede.inventory.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.domain.Reservation;
import io.stampede.shared.SharedSettings;
import io.stampede.testsupport.Gen;
import io.stampede.testsupport.Property;
import io.stampede.testsupport.Shrink;
import io.stampede.testsupport.Statistics;
import io.stampede.testsupport.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Random purchase, compensation and restock sequences on the real Lua gate agree, step by step, with a plain model.
 * The inputs come from a seed: a failure names it and the command that replays it (see {@link Property}).
 */
class PurchaseGatePropertyIT {
    private static final String SALE = "sale-1";
    private static final Instant STARTS = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant ENDS = STARTS.plus(Duration.ofHours(1));
    /** The build of the gate each try rebuilds: every reservation carries it. */
    private static final long EPOCH = 7;

    private static LettuceConnectionFactory connections;
    private static StringRedisTemplate redis;

    @BeforeAll
    static void connect() {
        TestServices services = TestServices.get();
        connections = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(services.redisHost(), services.redisPort()));
        connections.afterPropertiesSet();
        connections.start();
        redis = new StringRedisTemplate(connections);
    }

    @AfterAll
    static void disconnect() {
        if (connections != null) {
            connections.destroy();
        }
    }

    @Test
    void gateAgreesWithTheModelAfterEveryStep() {
        Property.forAll(CASES).tries(200).shrinkWith(Case::shorter).check(c -> run(c.stock(), c.limit(), c.actions()));
    }

    /** One try: a gate of the given stock and per-user limit, driven through the actions and checked after each. */
    private static void run(int stock, int limit, List<Action> actions) {
        // a fresh prefix per try, so no try sees another's keys
        SharedSettings properties = new SharedSettings(
                null,
                "admin",
                null,
                "pay",
                false,
                new SharedSettings.Redis(TestServices.get().newKeyPrefix()),
                null);
        RedisPurchaseGate gate = new RedisPurchaseGate(redis, properties);
        Model model = new Model(STARTS.toEpochMilli(), ENDS.toEpochMilli(), limit, stock);
        try {
            assertThat(gate.rebuild(
                            SALE,
                            () -> new GateState(
                                    STARTS.toEpochMilli(),
                                    ENDS.toEpochMilli(),
                                    limit,
                                    stock,
                                    Map.of(),
                                    Map.of(),
                                    Set.of(),
                                    EPOCH)))
                    .isTrue();
            check(gate, model, "after rebuild");

            int step = 0;
            for (Action action : actions) {
                step++;
                String where = "step " + step + " " + action;
                switch (action) {
                    case Reserve r -> {
                        String newOrderId = "order-" + step;
                        Instant now = r.when().at();
                        Reservation expected =
                                model.reserve(r.user(), r.key(), r.quantity(), newOrderId, now.toEpochMilli());
                        Reservation actual = gate.reserve(SALE, r.user(), r.key(), r.quantity(), newOrderId, now);
                        Statistics.label("decision").collect(actual.getClass().getSimpleName());
                        assertThat(actual).as(where).isEqualTo(expected);
                    }
                    case Compensate c -> {
                        Model.Placed target = model.pick(c.pick());
                        // a second call stands for a retry or a competing caller: it must not return the units again
                        for (int call = 1; call <= (c.twice() ? 2 : 1); call++) {
                            boolean expected = model.compensate(target);
                            boolean actual = gate.compensate(
                                    SALE, target.user(), target.key(), target.orderId(), target.quantity());
                            Statistics.label("compensate").collect(actual ? "returned" : "refused");
                            assertThat(actual).as(where + " call " + call).isEqualTo(expected);
                        }
                    }
                    case AddStock a -> {
                        model.addStock(a.quantity());
                        gate.addStock(SALE, a.quantity());
                    }
                }
                check(gate, model, where);
            }
        } finally {
            redis.delete(gate.keys(SALE));
        }
    }

    /** The gate's whole state equals the model's, and the invariants hold on what the gate holds. */
    private static void check(RedisPurchaseGate gate, Model model, String where) {
        GateState state = gate.read(SALE).orElseThrow(() -> new AssertionError(where + ": gate missing"));

        assertThat(state.available()).as(where + ": available").isEqualTo(model.available);
        assertThat(state.unitsByUser()).as(where + ": units by user").isEqualTo(model.unitsByUser);
        assertThat(state.orderByKey()).as(where + ": order by key").isEqualTo(model.orderByKey);
        assertThat(List.of(state.startsAtMillis(), state.endsAtMillis(), (long) state.perUserLimit()))
                .as(where + ": window and limit never change")
                .containsExactly(model.starts, model.ends, (long) model.limit);

        long held =
                state.unitsByUser().values().stream().mapToLong(Long::longValue).sum();
        assertThat(state.available()).as(where + ": no oversell").isGreaterThanOrEqualTo(0);
        assertThat(held + state.available())
                .as(where + ": units are conserved")
                .isEqualTo(model.initialStock + model.addedStock);
        assertThat(state.unitsByUser().values())
                .as(where + ": nobody over the limit")
                .allSatisfy(units -> assertThat(units).isBetween(1L, (long) model.limit));
    }

    // ---- the model: the gate's rules written the plain way, in memory ----

    /** What the gate should hold and answer, with every order it ever reserved kept so compensations can target them. */
    static final class Model {
        record Placed(String user, String key, String orderId, int quantity) {}

        final long starts;
        final long ends;
        final int limit;
        final long initialStock;
        long addedStock;
        long available;
        final Map<String, Long> unitsByUser = new HashMap<>();
        final Map<String, String> orderByKey = new HashMap<>();
        final List<Placed> everReserved = new ArrayList<>();

        Model(long starts, long ends, int limit, long stock) {
            this.starts = starts;
            this.ends = ends;
            this.limit = limit;
            this.initialStock = stock;
            this.available = stock;
        }

        Reservation reserve(String user, String key, int quantity, String newOrderId, long now) {
            String field = GateState.keyField(user, key);
            // a known key answers its order whatever else has changed, even after the window closed
            if (orderByKey.containsKey(field)) {
                return new Reservation.Duplicate(orderByKey.get(field));
            }
            if (now < starts || now >= ends) {
                return new Reservation.NotActive();
            }
            if (unitsByUser.getOrDefault(user, 0L) + quantity > limit) {
                return new Reservation.LimitExceeded();
            }
            if (available < quantity) {
                return new Reservation.SoldOut();
            }
            available -= quantity;
            unitsByUser.merge(user, (long) quantity, Long::sum);
            orderByKey.put(field, newOrderId);
            everReserved.add(new Placed(user, key, newOrderId, quantity));
            return new Reservation.Reserved(newOrderId, EPOCH);
        }

        /** Units come back only while the key still points at that very order. */
        boolean compensate(Placed order) {
            String field = GateState.keyField(order.user(), order.key());
            if (!order.orderId().equals(orderByKey.get(field))) {
                return false;
            }
            orderByKey.remove(field);
            available += order.quantity();
            long left = unitsByUser.merge(order.user(), (long) -order.quantity(), Long::sum);
            if (left <= 0) {
                unitsByUser.remove(order.user());
            }
            return true;
        }

        void addStock(int quantity) {
            available += quantity;
            addedStock += quantity;
        }

        /** One of the orders reserved so far (possibly already compensated), or one the gate never saw. */
        Placed pick(int index) {
            if (everReserved.isEmpty()) {
                return new Placed("u0", "k0", "order-never-reserved", 1);
            }
            return everReserved.get(index % everReserved.size());
        }
    }

    // ---- the actions and their generators ----

    sealed interface Action {}

    record Reserve(String user, String key, int quantity, When when) implements Action {}

    record Compensate(int pick, boolean twice) implements Action {}

    record AddStock(int quantity) implements Action {}

    /** Instants around both window edges, since [startsAt, endsAt) is where off-by-one mistakes live. */
    enum When {
        BEFORE(STARTS.minusSeconds(60)),
        JUST_BEFORE(STARTS.minusMillis(1)),
        AT_START(STARTS),
        INSIDE(STARTS.plusSeconds(600)),
        LAST_MILLISECOND(ENDS.minusMillis(1)),
        AT_END(ENDS),
        AFTER(ENDS.plusSeconds(60));

        private final Instant at;

        When(Instant at) {
            this.at = at;
        }

        Instant at() {
            return at;
        }
    }

    /** The input of one try. */
    record Case(int stock, int limit, List<Action> actions) {
        /** The same gate with fewer actions (at least one), for a shorter failing sequence. */
        Stream<Case> shorter() {
            return Shrink.list(actions, 1).map(fewer -> new Case(stock, limit, fewer));
        }

        @Override
        public String toString() {
            return "stock=" + stock + " limit=" + limit + ", " + actions.size() + " actions:\n"
                    + IntStream.range(0, actions.size())
                            .mapToObj(i -> "  step " + (i + 1) + " " + actions.get(i))
                            .collect(Collectors.joining("\n"));
        }
    }

    private static final Gen<When> WHEN = Gen.frequency(
            Gen.weight(12, When.INSIDE),
            Gen.weight(2, When.AT_START),
            Gen.weight(2, When.LAST_MILLISECOND),
            Gen.weight(1, When.BEFORE),
            Gen.weight(1, When.JUST_BEFORE),
            Gen.weight(1, When.AT_END),
            Gen.weight(1, When.AFTER));

    // few users and keys, so keys repeat (duplicates) and users pile up units (limit)
    private static final Gen<String> USER = Gen.oneOf("u0", "u1", "u2", "u3", "u4");
    private static final Gen<String> KEY = Gen.oneOf("k0", "k1", "k2", "k3");
    private static final Gen<Integer> RESERVE_QUANTITY = Gen.ints(1, 3);
    private static final Gen<Action> RESERVE =
            r -> new Reserve(USER.next(r), KEY.next(r), RESERVE_QUANTITY.next(r), WHEN.next(r));

    private static final Gen<Integer> PICK = Gen.ints(0, 1_000);
    private static final Gen<Action> COMPENSATE =
            r -> new Compensate(PICK.next(r), Gen.booleans().next(r));

    private static final Gen<Action> ADD_STOCK = Gen.ints(1, 4).map(AddStock::new);

    // sizes uniform in [1, 40]: long runs are where stock and limits run out
    private static final Gen<List<Action>> ACTIONS = Gen.<Action>frequencyOf(
                    Gen.weight(7, RESERVE), Gen.weight(3, COMPENSATE), Gen.weight(1, ADD_STOCK))
            .list(1, 40);

    private static final Gen<Integer> STOCK = Gen.ints(1, 12);
    private static final Gen<Integer> LIMIT = Gen.ints(1, 5);
    private static final Gen<Case> CASES = r -> new Case(STOCK.next(r), LIMIT.next(r), ACTIONS.next(r));
}
