package io.stampede.inventory.adapter.redis;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.shared.Ids;
import io.stampede.shared.SharedSettings;
import io.stampede.shared.redis.LuaScripts;
import io.stampede.shared.redis.ScriptCalls;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The gate as Lua scripts in Redis, called by SHA (sent whole on a NOSCRIPT answer; see {@link ScriptCalls}). All
 * keys of a sale share the hash tag {@code {sale:<id>}} (of a coupon campaign {@code {campaign:<id>}}), so on a Redis
 * Cluster they live in one slot and each script stays atomic.
 *
 * <p>Each call of a script that a purchase or a release waits for is timed as {@code stampede.gate.latency} (tags
 * {@code gate}: sale or campaign, {@code operation}), with a percentile histogram so that p50 and p99 can be computed
 * over any number of instances.
 */
class RedisPurchaseGate implements PurchaseGate {
    private static final int CHUNK = 1_000;

    private final StringRedisTemplate redis;
    /** The scripts' calls, straight to Lettuce (see {@link ScriptCalls}). */
    private final ScriptCalls scripts;

    private final String prefix;
    private final String namespace;
    private final RedisScript<List> purchase = LuaScripts.load("purchase_gate", List.class);
    private final RedisScript<Long> compensate = LuaScripts.load("compensate", Long.class);
    private final RedisScript<Long> release = LuaScripts.load("release", Long.class);
    private final RedisScript<Long> addStock = LuaScripts.load("add_stock", Long.class);
    private final RedisScript<Long> beginRebuild = LuaScripts.load("begin_rebuild", Long.class);
    private final RedisScript<Long> finishRebuild = LuaScripts.load("finish_rebuild", Long.class);
    private final RedisScript<Long> keyKnown = LuaScripts.load("key_known", Long.class);
    private final RedisScript<List> moveOut = LuaScripts.load("move_out", List.class);
    private final RedisScript<Long> moveIn = LuaScripts.load("move_in", Long.class);
    private final RedisScript<Long> moveDone = LuaScripts.load("move_done", Long.class);
    private final RedisScript<Long> dropGate = LuaScripts.load("drop_gate", Long.class);
    private final Timer reserveTime;
    private final Timer compensateTime;
    private final Timer releaseTime;
    private final Timer keyKnownTime;

    RedisPurchaseGate(StringRedisTemplate redis, SharedSettings properties) {
        this(redis, properties, "sale");
    }

    /**
     * A gate whose keys are tagged {@code {<namespace>:<id>}}, timed in Micrometer's global registry (Spring Boot adds
     * the application's registry to it, and removes it when the context closes).
     */
    RedisPurchaseGate(StringRedisTemplate redis, SharedSettings properties, String namespace) {
        this(redis, properties, namespace, Metrics.globalRegistry);
    }

    /** A gate whose keys are tagged {@code {<namespace>:<id>}}, timed in {@code meters}. */
    RedisPurchaseGate(StringRedisTemplate redis, SharedSettings properties, String namespace, MeterRegistry meters) {
        this.redis = redis;
        this.scripts = ScriptCalls.of(redis);
        this.prefix = properties.redis().keyPrefix();
        this.namespace = namespace;
        this.reserveTime = timer(meters, namespace, "reserve");
        this.compensateTime = timer(meters, namespace, "compensate");
        this.releaseTime = timer(meters, namespace, "release");
        this.keyKnownTime = timer(meters, namespace, "key_known");
    }

    private static Timer timer(MeterRegistry meters, String namespace, String operation) {
        return Timer.builder("stampede.gate.latency")
                .description("calls of the Redis gate's scripts, as the caller waits for them")
                .tag("gate", namespace)
                .tag("operation", operation)
                .publishPercentileHistogram()
                .register(meters);
    }

    /** Keys of one sale: gate hash, users hash, keys hash, released set, rebuild lease. */
    List<String> keys(String saleId) {
        String tag = prefix + "{" + namespace + ":" + saleId + "}:";
        return List.of(tag + "gate", tag + "users", tag + "keys", tag + "released", tag + "rebuild");
    }

    @Override
    public Reservation reserve(
            String saleId, String userId, String idempotencyKey, int quantity, String newOrderId, Instant now) {
        long started = System.nanoTime();
        try {
            List<?> answer = scripts.execute(
                    purchase,
                    keys(saleId).subList(0, 3),
                    userId,
                    idempotencyKey,
                    Integer.toString(quantity),
                    newOrderId,
                    Long.toString(now.toEpochMilli()));
            if (answer == null) {
                throw new IllegalStateException("purchase gate answered nothing");
            }
            return reservation(answer);
        } finally {
            reserveTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /** The script's answer as a value. */
    static Reservation reservation(List<?> answer) {
        String verdict = String.valueOf(answer.get(0));
        return switch (verdict) {
            case "RESERVED" ->
                new Reservation.Reserved(String.valueOf(answer.get(1)), Long.parseLong(String.valueOf(answer.get(2))));
            case "DUPLICATE" -> new Reservation.Duplicate(String.valueOf(answer.get(1)));
            case "SOLD_OUT" -> new Reservation.SoldOut();
            case "LIMIT_EXCEEDED" -> new Reservation.LimitExceeded();
            case "NOT_ACTIVE" -> new Reservation.NotActive();
            case "MISSING" -> new Reservation.GateMissing();
            default -> throw new IllegalStateException("purchase gate answered " + verdict);
        };
    }

    @Override
    public boolean compensate(String saleId, String userId, String idempotencyKey, String orderId, int quantity) {
        long started = System.nanoTime();
        try {
            Long done = scripts.execute(
                    compensate,
                    keys(saleId).subList(0, 4),
                    userId,
                    idempotencyKey,
                    orderId,
                    Integer.toString(quantity));
            return done != null && done == 1;
        } finally {
            compensateTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public Release release(String saleId, String userId, String orderId, int quantity) {
        List<String> k = keys(saleId);
        long started = System.nanoTime();
        Long done;
        try {
            done = scripts.execute(
                    release, List.of(k.get(0), k.get(1), k.get(3)), userId, orderId, Integer.toString(quantity));
        } finally {
            releaseTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
        if (done == null || done < 0) {
            return Release.GATE_MISSING;
        }
        return done == 1 ? Release.RELEASED : Release.ALREADY_RELEASED;
    }

    @Override
    public void addStock(String saleId, long quantity) {
        scripts.execute(addStock, keys(saleId).subList(0, 1), Long.toString(quantity));
    }

    @Override
    public boolean rebuild(String saleId, Supplier<GateState> truth) {
        String owner = Ids.newId();
        if (!beginRebuild(saleId, owner)) {
            return false;
        }
        GateState state;
        try {
            state = truth.get();
        } catch (RuntimeException e) {
            // give the lease back at once: purchases would otherwise wait for it to lapse
            giveLease(saleId, owner);
            throw e;
        }
        return writeRebuilt(saleId, owner, state);
    }

    /** The first step of a rebuild: takes the lease for {@code owner} and drops the gate; false when it is taken. */
    boolean beginRebuild(String saleId, String owner) {
        Long begun = scripts.execute(beginRebuild, keys(saleId), owner, Long.toString(RebuildLease.LEASE.toMillis()));
        return begun != null && begun == 1;
    }

    /** Takes the rebuild lease for {@code owner} and nothing else; false when another holds it. */
    boolean takeLease(String saleId, String owner) {
        return Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(keys(saleId).get(4), owner, RebuildLease.LEASE));
    }

    /** Drops the gate while {@code owner} holds its lease (taken by {@link #takeLease}); false when it does not. */
    boolean dropUnderLease(String saleId, String owner) {
        Long dropped = scripts.execute(dropGate, keys(saleId), owner);
        return dropped != null && dropped == 1;
    }

    /** Gives back a rebuild lease that {@code owner} took and will not finish. */
    void giveLease(String saleId, String owner) {
        RebuildLease.give(redis, keys(saleId).get(4), owner);
    }

    /**
     * The last step of a rebuild: writes the state in chunks while {@code owner} still holds the lease, the gate
     * hash last, and gives the lease back; false as soon as the lease is not the owner's any more.
     */
    boolean writeRebuilt(String saleId, String owner, GateState state) {
        List<String> keys = keys(saleId);
        if (!putInChunks(keys.get(4), owner, keys.get(1), toText(state.unitsByUser()))
                || !putInChunks(keys.get(4), owner, keys.get(2), state.orderByKey())
                || !addInChunks(keys.get(4), owner, keys.get(3), state.released())) {
            return false;
        }
        Long finished = scripts.execute(
                finishRebuild,
                List.of(keys.get(0), keys.get(4)),
                owner,
                Long.toString(state.startsAtMillis()),
                Long.toString(state.endsAtMillis()),
                Integer.toString(state.perUserLimit()),
                Long.toString(state.available()),
                Long.toString(state.epoch()));
        return finished != null && finished == 1;
    }

    /**
     * Takes units out of one gate to move them to another of the same sale (see {@link SegmentedPurchaseGate}):
     * {@code want}, or a quarter of what it holds when that is more, or all it holds when that is less. Answers the
     * units taken and the gate's epoch; empty when the gate is not built.
     */
    Optional<Moved> moveOut(String fromId, int want) {
        List<?> answer = scripts.execute(moveOut, keys(fromId).subList(0, 1), Integer.toString(want));
        if (answer == null || answer.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Moved(
                Long.parseLong(String.valueOf(answer.get(0))),
                Long.parseLong(String.valueOf(answer.get(1))),
                Long.parseLong(String.valueOf(answer.get(2)))));
    }

    /** Units taken by {@link #moveOut} from a gate of this epoch, and all units moving out of it now. */
    record Moved(long units, long epoch, long moving) {}

    /** Tells the giving gate that moved units arrived (or were refused): they are not moving any more. */
    void moveDone(String fromId, Moved moved) {
        scripts.execute(
                moveDone, keys(fromId).subList(0, 1), Long.toString(moved.units()), Long.toString(moved.epoch()));
    }

    /**
     * Adds moved units to a gate, only if it is built and of the epoch they were taken in: a rebuild in between has
     * counted them from the database already. True when they were added.
     */
    boolean moveIn(String toId, Moved moved) {
        Long done = scripts.execute(
                moveIn, keys(toId).subList(0, 1), Long.toString(moved.units()), Long.toString(moved.epoch()));
        return done != null && done == 1;
    }

    /**
     * One gate's units as one read sees them (see {@link SegmentedPurchaseGate}): available, moving out of it, the
     * moves that have arrived in it, and its epoch; empty when the gate is not built.
     */
    Optional<Flow> flow(String segmentId) {
        List<Object> fields = redis.opsForHash()
                .multiGet(keys(segmentId).get(0), List.of("available", "moving", "arrivals", "epoch"));
        if (fields.get(0) == null || fields.get(3) == null) {
            return Optional.empty();
        }
        return Optional.of(new Flow(
                Long.parseLong((String) fields.get(0)),
                fields.get(1) == null ? 0 : Long.parseLong((String) fields.get(1)),
                fields.get(2) == null ? 0 : Long.parseLong((String) fields.get(2)),
                Long.parseLong((String) fields.get(3))));
    }

    /** What {@link #flow} read. */
    record Flow(long available, long moving, long arrivals, long epoch) {}

    @Override
    public Optional<Boolean> hasKey(String saleId, String userId, String idempotencyKey) {
        List<String> k = keys(saleId);
        long started = System.nanoTime();
        Long known;
        try {
            known = scripts.execute(keyKnown, List.of(k.get(0), k.get(2)), GateState.keyField(userId, idempotencyKey));
        } finally {
            keyKnownTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
        return known == null || known < 0 ? Optional.empty() : Optional.of(known == 1);
    }

    @Override
    public boolean exists(String saleId) {
        return Boolean.TRUE.equals(redis.opsForHash().hasKey(keys(saleId).get(0), "epoch"));
    }

    @Override
    public boolean underLease(String saleId, Duration wait, Runnable action) {
        return RebuildLease.run(redis, keys(saleId).get(4), wait, action);
    }

    @Override
    public Optional<GateState> read(String saleId) {
        List<String> keys = keys(saleId);
        Map<Object, Object> gate = redis.opsForHash().entries(keys.get(0));
        if (gate.get("starts") == null || gate.get("available") == null || gate.get("epoch") == null) {
            return Optional.empty();
        }
        Map<String, Long> users = new HashMap<>();
        redis.opsForHash().entries(keys.get(1)).forEach((k, v) -> users.put((String) k, Long.parseLong((String) v)));
        Map<String, String> orders = new HashMap<>();
        redis.opsForHash().entries(keys.get(2)).forEach((k, v) -> orders.put((String) k, (String) v));
        Set<String> released = redis.opsForSet().members(keys.get(3));
        return Optional.of(new GateState(
                Long.parseLong((String) gate.get("starts")),
                Long.parseLong((String) gate.get("ends")),
                Integer.parseInt((String) gate.get("limit")),
                Long.parseLong((String) gate.get("available")),
                users,
                orders,
                released == null ? Set.of() : released,
                Long.parseLong((String) gate.get("epoch"))));
    }

    /** Writes the hash in chunks under the lease; false as soon as the lease is not {@code owner}'s any more. */
    private boolean putInChunks(String lease, String owner, String key, Map<String, String> values) {
        List<String> chunk = new ArrayList<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            chunk.add(e.getKey());
            chunk.add(e.getValue());
            if (chunk.size() == 2 * CHUNK) {
                if (!RebuildLease.write(redis, lease, owner, key, "hash", chunk)) {
                    return false;
                }
                chunk.clear();
            }
        }
        return chunk.isEmpty() || RebuildLease.write(redis, lease, owner, key, "hash", chunk);
    }

    /** Adds the members in chunks under the lease; false as soon as the lease is not {@code owner}'s any more. */
    private boolean addInChunks(String lease, String owner, String key, Set<String> members) {
        List<String> all = List.copyOf(members);
        for (int i = 0; i < all.size(); i += CHUNK) {
            if (!RebuildLease.write(redis, lease, owner, key, "set", all.subList(i, Math.min(all.size(), i + CHUNK)))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> toText(Map<String, Long> counts) {
        Map<String, String> text = new HashMap<>();
        counts.forEach((k, v) -> {
            if (v > 0) {
                text.put(k, Long.toString(v));
            }
        });
        return text;
    }
}
