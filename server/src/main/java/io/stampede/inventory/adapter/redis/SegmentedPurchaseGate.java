package io.stampede.inventory.adapter.redis;

import io.lettuce.core.cluster.SlotHash;
import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.inventory.port.StockBuckets;
import io.stampede.shared.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * A hot sale's gate spread over K segments, each a whole gate of its own under the hash tag {@code {sale:<id>/<s>}}
 * (segment 0 is the plain {@code {sale:<id>}}), so that on a Redis Cluster the segments land in different slots and
 * can live on different masters. Each buyer has a home segment (from the user id), which holds the buyer's units and
 * idempotency keys: the per-user limit and the key stay atomic in one script, as with one gate. The stock is split
 * evenly; a buyer whose home is dry borrows units from the other segments, one at a time in a random order, through
 * a move that takes the units out of the giver before it adds them to the home ({@code move_out.lua},
 * {@code move_in.lua}), fenced by the gate epoch so that a rebuild in between does not count them twice. A crash
 * between the two strands the units (an undersell), which the scheduled reconciliation sees as drift and repairs by a
 * rebuild. The answer is sold out only when no segment had a unit to give and two reads of every segment, one sweep
 * after the other, agree that fewer units than wanted are left (none moving, none arrived in between); a buyer waits
 * up to half a second for units on their way. A sale of one segment goes straight to the one gate, as before.
 */
final class SegmentedPurchaseGate implements PurchaseGate {
    /** Passes over the other segments before a buyer who keeps losing the borrowed units to others gives up. */
    private static final int MAX_PASSES = 16;
    /** How long a buyer waits for units moving between segments before it takes them as stranded by a crash. */
    private static final Duration MAX_WAIT = Duration.ofMillis(500);

    private final RedisPurchaseGate gate;
    private final ToIntFunction<String> segmentsOf;
    private final String prefix;
    /** Segment ids per sale with more than one segment; a sale's segments never change. */
    private final Map<String, String[]> ids = new ConcurrentHashMap<>();

    SegmentedPurchaseGate(RedisPurchaseGate gate, ToIntFunction<String> segmentsOf, String prefix) {
        this.gate = gate;
        this.segmentsOf = segmentsOf;
        this.prefix = prefix;
    }

    /**
     * The id under which segment {@code s} of the sale keeps its keys: segment 0 is the sale's own id; segment s is
     * the id with a suffix chosen so that its hash tag falls in the middle of the K-th of the slot space s after
     * segment 0's. A cluster of K masters that each hold an even, contiguous share of the slots (as {@code redis-cli
     * --cluster create} makes) then has each segment on a different master.
     */
    private String segment(String saleId, int s) {
        if (s == 0) {
            return saleId;
        }
        return ids.computeIfAbsent(saleId, id -> spread(prefix, id, segments(id)))[s];
    }

    /** The ids of the sale's K segments, spread over the slot space as {@link #segment} says. */
    static String[] spread(String prefix, String saleId, int k) {
        String[] ids = new String[k];
        ids[0] = saleId;
        int base = SlotHash.getSlot(tag(prefix, saleId));
        int width = SlotHash.SLOT_COUNT / k;
        int first = Math.min(base / width, k - 1);
        for (int s = 1; s < k; s++) {
            // the middle half of the next K-th of the slot space: clear of where a cluster's ranges may end
            int from = ((first + s) % k) * width + width / 4;
            for (int n = 0; ; n++) {
                String candidate = saleId + "/" + s + "." + n;
                int slot = SlotHash.getSlot(tag(prefix, candidate));
                if (slot >= from && slot < from + width / 2) {
                    ids[s] = candidate;
                    break;
                }
            }
        }
        return ids;
    }

    /** A key of the segment, as the gate names it (only its hash tag decides the slot). */
    private static String tag(String prefix, String segmentId) {
        return prefix + "{sale:" + segmentId + "}:gate";
    }

    /** The buyer's home segment: the same on every instance (String.hashCode is specified). */
    static int home(String userId, int segments) {
        return Math.floorMod(userId.hashCode(), segments);
    }

    private int segments(String saleId) {
        return Math.max(1, segmentsOf.applyAsInt(saleId));
    }

    @Override
    public Reservation reserve(
            String saleId, String userId, String idempotencyKey, int quantity, String newOrderId, Instant now) {
        int k = segments(saleId);
        if (k == 1) {
            return gate.reserve(saleId, userId, idempotencyKey, quantity, newOrderId, now);
        }
        int home = home(userId, k);
        String homeId = segment(saleId, home);
        Reservation r = gate.reserve(homeId, userId, idempotencyKey, quantity, newOrderId, now);
        int givingPasses = 0;
        long waitingSince = 0;
        long pauseMillis = 1;
        while (r instanceof Reservation.SoldOut) {
            boolean anyGiven = false;
            int start = ThreadLocalRandom.current().nextInt(k - 1);
            for (int step = 0; step < k - 1 && r instanceof Reservation.SoldOut; step++) {
                String giver = segment(saleId, (home + 1 + (start + step) % (k - 1)) % k);
                Optional<RedisPurchaseGate.Moved> moved = gate.moveOut(giver, quantity);
                if (moved.isEmpty()) {
                    return new Reservation.GateMissing(); // a segment is not built: rebuild the whole gate
                }
                if (moved.get().units() == 0) {
                    continue;
                }
                anyGiven = true;
                try {
                    gate.moveIn(homeId, moved.get()); // refused after a rebuild: it counted the units already
                } finally {
                    // moving no longer, arrived or not: units lost with a failed move_in are reconciliation's
                    gate.moveDone(giver, moved.get());
                }
                r = gate.reserve(homeId, userId, idempotencyKey, quantity, newOrderId, now);
            }
            if (anyGiven) {
                if (++givingPasses >= MAX_PASSES) {
                    return r; // keeps losing the borrowed units to other buyers: sold out for this one
                }
                continue;
            }
            switch (left(saleId, k, quantity)) {
                case FEWER -> {
                    return r;
                }
                case MISSING -> {
                    return new Reservation.GateMissing();
                }
                case MAYBE_ENOUGH -> {
                    // units on their way between segments, or arrived where this pass had looked already
                }
            }
            long nanos = System.nanoTime();
            if (waitingSince == 0) {
                waitingSince = nanos;
            } else if (nanos - waitingSince > MAX_WAIT.toNanos()) {
                return r; // units that stay moving were stranded by a crash: reconciliation brings them back
            }
            pause(pauseMillis);
            pauseMillis = Math.min(pauseMillis * 2, 16);
        }
        return r;
    }

    /** What two reads of every segment say about the units left. */
    enum Left {
        /** At one instant between the two reads, the sale had fewer units than wanted. */
        FEWER,
        /** Units were moving, arrived in between, or are there: look again. */
        MAYBE_ENOUGH,
        /** A segment is not built. */
        MISSING
    }

    /**
     * Whether the sale surely had fewer than {@code quantity} units at some instant: every segment read once (its
     * available units plus those moving out of it, which counts each unit on its way at least once), then every
     * segment read again. A segment's units grow only when moved units arrive (or come back, which a buyer may
     * miss as with one gate); if no segment saw an arrival or a rebuild between its two reads, then at the instant
     * between the two sweeps each segment held at most what its first read showed. Without this, a buyer could look
     * at a segment before units arrived there and at their giver after they had left, and answer sold out while
     * they sat unsold.
     */
    private Left left(String saleId, int k, int quantity) {
        RedisPurchaseGate.Flow[] first = sweep(saleId, k);
        if (first == null) {
            return Left.MISSING;
        }
        long units = 0;
        for (RedisPurchaseGate.Flow flow : first) {
            units += flow.available() + flow.moving();
        }
        if (units >= quantity) {
            return Left.MAYBE_ENOUGH;
        }
        RedisPurchaseGate.Flow[] second = sweep(saleId, k);
        if (second == null) {
            return Left.MISSING;
        }
        for (int s = 0; s < k; s++) {
            if (second[s].arrivals() != first[s].arrivals() || second[s].epoch() != first[s].epoch()) {
                return Left.MAYBE_ENOUGH;
            }
        }
        return Left.FEWER;
    }

    /** One read of every segment, in order; null when one is not built. */
    private RedisPurchaseGate.Flow @Nullable [] sweep(String saleId, int k) {
        RedisPurchaseGate.Flow[] flows = new RedisPurchaseGate.Flow[k];
        for (int s = 0; s < k; s++) {
            Optional<RedisPurchaseGate.Flow> flow = gate.flow(segment(saleId, s));
            if (flow.isEmpty()) {
                return null;
            }
            flows[s] = flow.get();
        }
        return flows;
    }

    /** A moment for units on their way between segments to arrive. */
    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Forgets the segment ids of a sale that ended. */
    void forget(String saleId) {
        ids.remove(saleId);
    }

    /** How many sales' segment ids this instance keeps. */
    int tracked() {
        return ids.size();
    }

    @Override
    public boolean compensate(String saleId, String userId, String idempotencyKey, String orderId, int quantity) {
        return gate.compensate(home(saleId, userId), userId, idempotencyKey, orderId, quantity);
    }

    @Override
    public Release release(String saleId, String userId, String orderId, int quantity) {
        return gate.release(home(saleId, userId), userId, orderId, quantity);
    }

    @Override
    public Optional<Boolean> hasKey(String saleId, String userId, String idempotencyKey) {
        return gate.hasKey(home(saleId, userId), userId, idempotencyKey);
    }

    private String home(String saleId, String userId) {
        int k = segments(saleId);
        return k == 1 ? saleId : segment(saleId, home(userId, k));
    }

    @Override
    public void addStock(String saleId, long quantity) {
        int k = segments(saleId);
        for (int s = 0; s < k; s++) {
            long share = StockBuckets.share(quantity, k, s);
            if (share > 0) {
                gate.addStock(segment(saleId, s), share);
            }
        }
    }

    @Override
    public boolean rebuild(String saleId, Supplier<GateState> truth) {
        int k = segments(saleId);
        if (k == 1) {
            return gate.rebuild(saleId, truth);
        }
        // first every lease, deleting nothing (a rebuild that cannot have them all leaves the gate as it is); then
        // every segment is dropped before the truth is read, so no purchase lands in one between the read and its write
        String owner = Ids.newId();
        List<String> held = new ArrayList<>();
        for (int s = 0; s < k; s++) {
            if (!gate.takeLease(segment(saleId, s), owner)) {
                held.forEach(id -> gate.giveLease(id, owner));
                return false;
            }
            held.add(segment(saleId, s));
        }
        GateState state;
        try {
            for (String id : held) {
                if (!gate.dropUnderLease(id, owner)) {
                    held.forEach(h -> gate.giveLease(h, owner));
                    return false; // a lease lapsed under a stalled rebuild; whoever has it now rebuilds
                }
            }
            state = truth.get();
        } catch (RuntimeException e) {
            held.forEach(id -> gate.giveLease(id, owner));
            throw e;
        }
        // segment 0 last: every rebuild asks for its lease first, so none can start (and drop a segment already
        // written) before the whole gate is written
        boolean whole = true;
        for (int s = k - 1; s >= 0; s--) {
            whole &= gate.writeRebuilt(segment(saleId, s), owner, part(state, k, s));
        }
        return whole;
    }

    /** Segment {@code s}'s part of the sale's state: its buyers, their keys, its share of the units. */
    static GateState part(GateState state, int k, int s) {
        Map<String, Long> users = new HashMap<>();
        state.unitsByUser().forEach((user, units) -> {
            if (home(user, k) == s) {
                users.put(user, units);
            }
        });
        Map<String, String> keys = new HashMap<>();
        state.orderByKey().forEach((field, order) -> {
            if (home(field.substring(0, field.indexOf('\n')), k) == s) {
                keys.put(field, order);
            }
        });
        // every segment remembers every released order: a release goes to the buyer's home, which finds it there
        return new GateState(
                state.startsAtMillis(),
                state.endsAtMillis(),
                state.perUserLimit(),
                StockBuckets.share(state.available(), k, s),
                users,
                keys,
                state.released(),
                state.epoch());
    }

    @Override
    public boolean exists(String saleId) {
        int k = segments(saleId);
        for (int s = 0; s < k; s++) {
            if (!gate.exists(segment(saleId, s))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean underLease(String saleId, Duration wait, Runnable action) {
        return underLeases(saleId, 0, segments(saleId), wait, action);
    }

    /** Holds the leases of segments {@code s} to K-1, in the order a rebuild takes them, around the action. */
    private boolean underLeases(String saleId, int s, int k, Duration wait, Runnable action) {
        if (s == k) {
            action.run();
            return true;
        }
        boolean[] inner = {false};
        boolean held =
                gate.underLease(segment(saleId, s), wait, () -> inner[0] = underLeases(saleId, s + 1, k, wait, action));
        return held && inner[0];
    }

    @Override
    public Optional<GateState> read(String saleId) {
        int k = segments(saleId);
        if (k == 1) {
            return gate.read(saleId);
        }
        Optional<GateState> head = gate.read(saleId);
        if (head.isEmpty()) {
            return Optional.empty();
        }
        GateState first = head.get();
        long available = 0;
        Map<String, Long> users = new HashMap<>();
        Map<String, String> keys = new HashMap<>();
        Set<String> released = new HashSet<>();
        long epoch = Long.MAX_VALUE;
        for (int s = 0; s < k; s++) {
            Optional<GateState> part = s == 0 ? head : gate.read(segment(saleId, s));
            if (part.isEmpty()) {
                return Optional.empty();
            }
            GateState p = part.get();
            available += p.available();
            p.unitsByUser().forEach((user, units) -> users.merge(user, units, Long::sum));
            keys.putAll(p.orderByKey());
            released.addAll(p.released());
            epoch = Math.min(epoch, p.epoch());
        }
        return Optional.of(new GateState(
                first.startsAtMillis(),
                first.endsAtMillis(),
                first.perUserLimit(),
                available,
                users,
                keys,
                released,
                epoch));
    }
}
