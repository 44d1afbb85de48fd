package io.stampede.inventory.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import io.stampede.inventory.application.Reconciliation;
import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.order.application.OrderLifecycle;
import io.stampede.order.application.PurchaseOutcome;
import io.stampede.order.application.Purchases;
import io.stampede.order.domain.Transition;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.SaleEnded;
import io.stampede.shared.Ids;
import io.stampede.shared.SharedSettings;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.Offers;
import io.stampede.testsupport.Together;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A hot sale's gate in K segments (see {@link SegmentedPurchaseGate}): bursts sell exactly the stock with buyers in
 * every segment, a buyer whose home segment is dry borrows from the others, the per-user limit and idempotency hold,
 * units returned to one segment are sold to buyers of any, and units stranded by a crash in the middle of a move come
 * back through reconciliation.
 */
@IntegrationTest
class SegmentedGateIT {
    private static final int K = 4;

    @Autowired
    SaleService sales;

    @Autowired
    Purchases purchases;

    @Autowired
    OrderLifecycle lifecycle;

    @Autowired
    Reconciliation reconciliation;

    @Autowired
    PurchaseGate gate;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    SharedSettings settings;

    private Sale open(long stock, int limit) {
        return Offers.sale().name("hot").stock(stock).limit(limit).segments(K).openWith(sales);
    }

    @Test
    void aBurstSellsExactlyTheStockWithBuyersInEverySegmentAndCancelledUnitsSellAgain() throws Exception {
        Sale sale = open(200, 1);
        List<Placed> won = burst(sale, "b", 600);
        assertThat(won).hasSize(200);
        assertThat(gate.read(sale.id()).orElseThrow().available()).isZero();
        String[] segments = SegmentedPurchaseGate.spread(settings.redis().keyPrefix(), sale.id(), K);
        Set<Integer> slots = new HashSet<>();
        for (String segment : segments) {
            assertThat(redis.opsForHash().size(key(segment, "users")))
                    .as("buyers at home in segment " + segment)
                    .isPositive();
            slots.add(SlotHash.getSlot(key(segment, "gate")));
        }
        assertThat(slots).as("each segment in a slot of its own").hasSize(K);
        assertThat(reconciliation.report(sale).consistent()).isTrue();

        // a winner's replay finds its order; a second key of the same buyer is over the limit of one
        Placed first = won.getFirst();
        assertThat(purchases.purchase(sale, first.user(), first.key(), 1))
                .isInstanceOfSatisfying(
                        PurchaseOutcome.Placed.class,
                        p -> assertThat(p.order().id()).isEqualTo(first.orderId()));
        assertThat(purchases.purchase(sale, first.user(), "another", 1))
                .isInstanceOf(PurchaseOutcome.LimitExceeded.class);

        // twenty cancel: their units go back to their own segments, and buyers of every segment can have them
        for (Placed p : won.subList(0, 20)) {
            assertThat(lifecycle.cancel(p.orderId(), p.user())).isInstanceOf(Transition.Done.class);
        }
        List<Placed> again = burst(sale, "c", 200);
        assertThat(again).hasSize(20);
        assertThat(purchases.purchase(sale, "late", "k", 1)).isInstanceOf(PurchaseOutcome.SoldOut.class);
        assertThat(reconciliation.report(sale).consistent()).isTrue();
    }

    @Test
    void aBuyerWhoseSegmentIsDryBorrowsUntilEverySegmentIsDry() {
        Sale sale = open(K, 1); // one unit per segment
        List<String> sameHome = new ArrayList<>();
        for (int u = 0; sameHome.size() < K + 1; u++) {
            if (SegmentedPurchaseGate.home("same-" + u, K) == 0) {
                sameHome.add("same-" + u);
            }
        }
        for (String user : sameHome.subList(0, K)) {
            assertThat(purchases.purchase(sale, user, "k", 1))
                    .as(user + " buys, borrowing once its home is dry")
                    .isInstanceOf(PurchaseOutcome.Placed.class);
        }
        assertThat(purchases.purchase(sale, sameHome.get(K), "k", 1)).isInstanceOf(PurchaseOutcome.SoldOut.class);
        assertThat(reconciliation.report(sale).consistent()).isTrue();
    }

    @Test
    void aBuyerWhoseLastUnitIsOnItsWayToAnotherSegmentGetsItInsteadOfSoldOut() throws Exception {
        Sale sale = Offers.sale().name("moving").stock(2).limit(1).segments(2).openWith(sales);
        String[] segments = SegmentedPurchaseGate.spread(settings.redis().keyPrefix(), sale.id(), 2);
        String atHome0 = userWithHome("zero", 0, 2);
        String atHome1 = userWithHome("one", 1, 2);
        assertThat(purchases.purchase(sale, atHome0, "k", 1)).isInstanceOf(PurchaseOutcome.Placed.class);
        assertThat(gate.read(sale.id()).orElseThrow().available()).isEqualTo(1); // segment 1's unit

        // a buyer at home in segment 0 who wants two is moving segment 1's last unit home (move_out.lua has run)
        redis.opsForHash().increment(key(segments[1], "gate"), "available", -1);
        redis.opsForHash().increment(key(segments[1], "gate"), "moving", 1);
        // meanwhile a buyer at home in segment 1 finds its home dry and segment 0 dry too
        CompletableFuture<PurchaseOutcome> buyer = CompletableFuture.supplyAsync(
                () -> purchases.purchase(sale, atHome1, "k", 1), Thread::startVirtualThread);
        Thread.sleep(50);
        // the unit arrives in segment 0 (move_in.lua, then move_done.lua); the mover, wanting two, goes away
        redis.opsForHash().increment(key(segments[0], "gate"), "available", 1);
        redis.opsForHash().increment(key(segments[0], "gate"), "arrivals", 1);
        redis.opsForHash().increment(key(segments[1], "gate"), "moving", -1);

        PurchaseOutcome outcome = buyer.get(10, TimeUnit.SECONDS);
        assertThat(outcome)
                .as(
                        "the last unit was moving, not gone: its buyer waits for it rather than answer sold out"
                                + " (segment 0 %s, segment 1 %s)",
                        redis.opsForHash().entries(key(segments[0], "gate")),
                        redis.opsForHash().entries(key(segments[1], "gate")))
                .isInstanceOf(PurchaseOutcome.Placed.class);
        assertThat(gate.read(sale.id()).orElseThrow().available()).isZero();
        assertThat(reconciliation.report(sale).consistent()).isTrue();
    }

    @Test
    void mixedQuantitiesOverSegmentsSellEveryUnitAndNobodyPassesTheLimit() throws Exception {
        for (int round = 0; round < 3; round++) {
            Sale sale = open(15, 2);
            List<Callable<PurchaseOutcome>> tasks = new ArrayList<>();
            for (int u = 0; u < 60; u++) {
                String user = "m" + round + "-" + u;
                for (int k = 0; k < 3; k++) {
                    int quantity = 1 + (u + k) % 2;
                    String key = "k" + k;
                    tasks.add(() -> purchases.purchase(sale, user, key, quantity));
                }
            }
            long sold = Together.run(tasks).stream()
                    .filter(o -> o instanceof PurchaseOutcome.Placed)
                    .mapToLong(o -> ((PurchaseOutcome.Placed) o).order().quantity())
                    .sum();
            assertThat(sold)
                    .as("round %d: every unit sold, none stranded in a segment", round)
                    .isEqualTo(15);
            assertThat(gate.read(sale.id()).orElseThrow().available()).isZero();
            assertThat(gate.read(sale.id()).orElseThrow().unitsByUser().values())
                    .allSatisfy(units -> assertThat(units).isBetween(1L, 2L));
            assertThat(reconciliation.report(sale).consistent()).isTrue();
        }
    }

    private static String userWithHome(String prefix, int home, int k) {
        for (int u = 0; ; u++) {
            if (SegmentedPurchaseGate.home(prefix + "-" + u, k) == home) {
                return prefix + "-" + u;
            }
        }
    }

    @Test
    void unitsStrandedByACrashInTheMiddleOfAMoveComeBackThroughReconciliation() throws Exception {
        Sale sale = open(40, 1);
        String[] segments = SegmentedPurchaseGate.spread(settings.redis().keyPrefix(), sale.id(), K);
        purchases.purchase(sale, "warm", "k", 1); // builds the gate
        // move_out.lua took 5 units from segment 2 and the process died before move_in.lua added them anywhere
        redis.opsForHash().increment(key(segments[2], "gate"), "available", -5);
        redis.opsForHash().increment(key(segments[2], "gate"), "moving", 5);

        assertThat(burst(sale, "s", 120)).hasSize(34);
        Reconciliation.Report stranded = reconciliation.report(sale);
        assertThat(stranded.consistent()).isFalse();
        assertThat(stranded.drift()).isEqualTo(-5);

        assertThat(reconciliation.rebuild(sale).consistent()).isTrue();
        assertThat(burst(sale, "t", 30)).hasSize(5);
        assertThat(reconciliation.report(sale).consistent()).isTrue();
    }

    @Test
    void aSegmentLostFromRedisIsRebuiltWithTheOthersAndTheSaleStillSellsExactly() throws Exception {
        Sale sale = open(100, 1);
        assertThat(burst(sale, "x", 40)).hasSize(40);
        String[] segments = SegmentedPurchaseGate.spread(settings.redis().keyPrefix(), sale.id(), K);
        redis.delete(List.of(key(segments[1], "gate"), key(segments[1], "users"), key(segments[1], "keys")));
        assertThat(gate.exists(sale.id())).isFalse();

        assertThat(burst(sale, "y", 150)).hasSize(60);
        assertThat(reconciliation.report(sale).consistent()).isTrue();
    }

    @Test
    void rebuildsRacingABurstLeaveOneWholeGateAndTheSaleSellsExactly() throws Exception {
        Sale sale = open(200, 1);
        List<Callable<Object>> tasks = new ArrayList<>();
        for (int u = 0; u < 300; u++) {
            String user = "r-" + u;
            tasks.add(() -> purchases.purchase(sale, user, "k", 1));
        }
        for (int r = 0; r < 4; r++) {
            tasks.add(() -> {
                for (int i = 0; i < 3; i++) {
                    reconciliation.rebuild(sale);
                }
                return "rebuilt";
            });
        }
        List<Object> outcomes = Together.run(tasks);
        long placed = outcomes.stream()
                .filter(o -> o instanceof PurchaseOutcome.Placed)
                .count();
        assertThat(outcomes.subList(0, 300))
                .allSatisfy(o -> assertThat(o)
                        .isInstanceOfAny(
                                PurchaseOutcome.Placed.class,
                                PurchaseOutcome.SoldOut.class,
                                PurchaseOutcome.Unavailable.class));
        // the racing rebuilds left a whole gate that agrees with the database, and the rest sells to the last unit
        assertThat(reconciliation.rebuild(sale).consistent()).isTrue();
        List<Placed> rest = burst(sale, "after", 250);
        assertThat(placed + rest.size()).isEqualTo(200);
        assertThat(reconciliation.report(sale).consistent()).isTrue();
    }

    @Test
    void aRebuildOnAnotherInstanceWhileOneIsWritingNeitherDropsASegmentNorStarts() {
        // a gate of no sale of this service's, so that none of its own repair passes touches it
        String id = Ids.newId();
        GateState state = new GateState(
                0L,
                Long.MAX_VALUE / 2,
                1,
                90,
                Map.of("alice", 1L),
                Map.of(GateState.keyField("alice", "k"), "o1"),
                Set.of(),
                3);
        SegmentedPurchaseGate other = new SegmentedPurchaseGate(
                new RedisPurchaseGate(redis, settings), x -> K, settings.redis().keyPrefix());
        boolean[] otherStarted = {true};
        // this instance's rebuild, and between its first and its second segment's write, another instance's
        SegmentedPurchaseGate writing = new SegmentedPurchaseGate(
                new RedisPurchaseGate(redis, settings) {
                    private boolean first = true;

                    @Override
                    boolean writeRebuilt(String segmentId, String owner, GateState part) {
                        boolean written = super.writeRebuilt(segmentId, owner, part);
                        if (first) {
                            first = false;
                            otherStarted[0] = other.rebuild(id, () -> state);
                        }
                        return written;
                    }
                },
                x -> K,
                settings.redis().keyPrefix());

        assertThat(writing.rebuild(id, () -> state)).isTrue();
        assertThat(otherStarted[0]).as("the other rebuild could not start").isFalse();
        assertThat(writing.exists(id)).as("every segment written, none dropped").isTrue();
        assertThat(writing.read(id).orElseThrow().available()).isEqualTo(90);
        assertThat(writing.read(id).orElseThrow().unitsByUser()).containsExactly(Map.entry("alice", 1L));
        redis.delete(redis.keys(settings.redis().keyPrefix() + "{sale:" + id + "*"));
    }

    @Test
    void theSegmentIdsOfASaleAreForgottenWhenItEnds() throws Exception {
        Sale sale = open(10, 1);
        assertThat(burst(sale, "e", 5)).hasSize(5);
        SegmentedPurchaseGate segmented = (SegmentedPurchaseGate) gate;
        int before = segmented.tracked();
        assertThat(before).isPositive();
        events.publishEvent(new SaleEnded(sale.id()));
        assertThat(segmented.tracked()).isEqualTo(before - 1);
    }

    @Autowired
    ApplicationEventPublisher events;

    private String key(String segment, String name) {
        return settings.redis().keyPrefix() + "{sale:" + segment + "}:" + name;
    }

    record Placed(String user, String key, String orderId) {}

    /** Distinct buyers released together; returns the ones placed. */
    private List<Placed> burst(Sale sale, String who, int buyers) throws Exception {
        List<Callable<PurchaseOutcome>> tasks = new ArrayList<>();
        for (int u = 0; u < buyers; u++) {
            String user = who + "-" + u;
            tasks.add(() -> purchases.purchase(sale, user, "key-" + user, 1));
        }
        List<PurchaseOutcome> outcomes = Together.run(tasks);
        List<Placed> placed = new ArrayList<>();
        for (int u = 0; u < buyers; u++) {
            PurchaseOutcome o = outcomes.get(u);
            assertThat(o).isInstanceOfAny(PurchaseOutcome.Placed.class, PurchaseOutcome.SoldOut.class);
            if (o instanceof PurchaseOutcome.Placed p) {
                placed.add(new Placed(
                        who + "-" + u, "key-" + who + "-" + u, p.order().id()));
            }
        }
        return placed;
    }
}
