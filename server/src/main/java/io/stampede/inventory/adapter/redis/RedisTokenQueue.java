package io.stampede.inventory.adapter.redis;

import io.stampede.inventory.port.PurchaseGate;
import io.stampede.inventory.port.TokenQueue;
import io.stampede.shared.Ids;
import io.stampede.shared.SharedSettings;
import io.stampede.shared.redis.LuaScripts;
import io.stampede.shared.redis.ScriptCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * TOKEN_QUEUE in Redis: a list holding one token per unit (the token is the epoch of the build that wrote it), taken
 * all or none by one script (a take of more than is left pops nothing, so no buyer of fewer units ever finds the list
 * empty while units are left); an epoch key published last marks the list as built. Keys share the sale's
 * hash tag, so the scripts that touch several of them stay atomic on a Redis Cluster.
 */
@Component
class RedisTokenQueue implements TokenQueue {
    private static final int CHUNK = 1_000;
    /**
     * How long a take counts as in flight unless settled first: longer than any purchase transaction, so that only
     * the takes of an instance that died are forgotten by it.
     */
    static final Duration IN_FLIGHT_AT_MOST = Duration.ofSeconds(30);

    private final StringRedisTemplate redis;
    private final ScriptCalls scripts;
    private final String prefix;
    private final RedisScript<Long> take = LuaScripts.load("tokens_take", Long.class);
    private final RedisScript<Long> count = LuaScripts.load("tokens_available", Long.class);
    private final RedisScript<Long> push = LuaScripts.load("tokens_push", Long.class);
    private final RedisScript<Long> beginRebuild = LuaScripts.load("tokens_begin_rebuild", Long.class);
    private final RedisScript<Long> finishRebuild = LuaScripts.load("tokens_finish_rebuild", Long.class);

    RedisTokenQueue(StringRedisTemplate redis, SharedSettings properties) {
        this.redis = redis;
        this.scripts = ScriptCalls.of(redis);
        this.prefix = properties.redis().keyPrefix();
    }

    private String key(String saleId, String name) {
        return prefix + "{sale:" + saleId + "}:tokens" + name;
    }

    /** Keys of the push script: list, epoch, released set. */
    private List<String> pushKeys(String saleId) {
        return List.of(key(saleId, ""), key(saleId, ":epoch"), key(saleId, ":released"));
    }

    /** Keys of the take and count scripts: list, epoch, in-flight set. */
    private List<String> takeKeys(String saleId) {
        return List.of(key(saleId, ""), key(saleId, ":epoch"), key(saleId, ":inflight"));
    }

    private static String member(String attempt, int quantity) {
        return attempt + ":" + quantity;
    }

    @Override
    public Take take(String saleId, int quantity, String attempt) {
        Long found = scripts.execute(
                take,
                takeKeys(saleId),
                Integer.toString(quantity),
                member(attempt, quantity),
                Long.toString(IN_FLIGHT_AT_MOST.toMillis()));
        if (found == null || found == -1) {
            return new Take.Missing();
        }
        if (found == -2) {
            return new Take.SoldOut();
        }
        return found == -3 ? new Take.InFlight() : new Take.Taken(found);
    }

    @Override
    public void settle(String saleId, String attempt, int quantity) {
        redis.opsForZSet().remove(key(saleId, ":inflight"), member(attempt, quantity));
    }

    @Override
    public void putBack(String saleId, long epoch, int quantity) {
        scripts.execute(push, pushKeys(saleId), "back", Long.toString(epoch), Integer.toString(quantity));
    }

    @Override
    public PurchaseGate.Release release(String saleId, String orderId, int quantity) {
        Long done = scripts.execute(push, pushKeys(saleId), "release", orderId, Integer.toString(quantity));
        if (done == null || done < 0) {
            return PurchaseGate.Release.GATE_MISSING;
        }
        return done == 1 ? PurchaseGate.Release.RELEASED : PurchaseGate.Release.ALREADY_RELEASED;
    }

    @Override
    public boolean add(String saleId, long quantity) {
        Long done = scripts.execute(push, pushKeys(saleId), "add", "", Long.toString(quantity));
        return done != null && done == 1;
    }

    @Override
    public OptionalLong available(String saleId) {
        Long left = scripts.execute(count, takeKeys(saleId));
        return left == null || left < 0 ? OptionalLong.empty() : OptionalLong.of(left);
    }

    @Override
    public boolean rebuild(String saleId, Supplier<State> truth) {
        String owner = Ids.newId();
        String lease = key(saleId, ":rebuild");
        Long begun = scripts.execute(
                beginRebuild,
                List.of(key(saleId, ":epoch"), key(saleId, ""), key(saleId, ":released"), lease),
                owner,
                Long.toString(RebuildLease.LEASE.toMillis()));
        if (begun == null || begun != 1) {
            return false;
        }
        State state;
        try {
            state = truth.get();
        } catch (RuntimeException e) {
            RebuildLease.give(redis, lease, owner);
            throw e;
        }
        String token = Long.toString(state.epoch());
        // every chunk is written only while the lease is still this rebuild's
        for (long left = state.available(); left > 0; left -= CHUNK) {
            if (!RebuildLease.write(
                    redis,
                    lease,
                    owner,
                    key(saleId, ""),
                    "list",
                    Collections.nCopies((int) Math.min(CHUNK, left), token))) {
                return false;
            }
        }
        List<String> released = new ArrayList<>(state.released());
        for (int i = 0; i < released.size(); i += CHUNK) {
            if (!RebuildLease.write(
                    redis,
                    lease,
                    owner,
                    key(saleId, ":released"),
                    "set",
                    released.subList(i, Math.min(released.size(), i + CHUNK)))) {
                return false;
            }
        }
        Long finished = scripts.execute(finishRebuild, List.of(key(saleId, ":epoch"), lease), owner, token);
        return finished != null && finished == 1;
    }

    @Override
    public boolean underLease(String saleId, Duration wait, Runnable action) {
        return RebuildLease.run(redis, key(saleId, ":rebuild"), wait, action);
    }
}
