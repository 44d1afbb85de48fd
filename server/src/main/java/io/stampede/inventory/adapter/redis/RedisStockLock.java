package io.stampede.inventory.adapter.redis;

import io.stampede.inventory.port.StockLock;
import io.stampede.shared.Ids;
import io.stampede.shared.SharedSettings;
import io.stampede.shared.redis.LuaScripts;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The REDIS_LOCK lock: {@code SET NX PX} with a random owner token, released by a Lua compare-and-delete, and a
 * fencing counter incremented by the same script that takes the lock. Keys in the sale's hash-tag slot.
 */
@Component
class RedisStockLock implements StockLock {
    private final StringRedisTemplate redis;
    private final String prefix;
    private final RedisScript<Long> acquire = LuaScripts.load("lock_acquire", Long.class);
    private final RedisScript<Long> release = LuaScripts.load("release_lease", Long.class);
    private final RedisScript<Long> raise = LuaScripts.load("lock_raise_fence", Long.class);

    RedisStockLock(StringRedisTemplate redis, SharedSettings properties) {
        this.redis = redis;
        this.prefix = properties.redis().keyPrefix();
    }

    private String lockKey(String saleId) {
        return prefix + "{sale:" + saleId + "}:lock";
    }

    private String fenceKey(String saleId) {
        return prefix + "{sale:" + saleId + "}:lock:fence";
    }

    @Override
    public Optional<Lease> tryAcquire(String saleId, Duration lease) {
        String owner = Ids.newId();
        Long fence = redis.execute(
                acquire, List.of(lockKey(saleId), fenceKey(saleId)), owner, Long.toString(lease.toMillis()));
        return fence == null || fence == 0 ? Optional.empty() : Optional.of(new Lease(saleId, owner, fence));
    }

    @Override
    public boolean holds(Lease lease) {
        return lease.owner().equals(redis.opsForValue().get(lockKey(lease.saleId())));
    }

    @Override
    public void release(Lease lease) {
        redis.execute(release, List.of(lockKey(lease.saleId())), lease.owner());
    }

    @Override
    public void raiseFence(String saleId, long seen) {
        redis.execute(raise, List.of(fenceKey(saleId)), Long.toString(seen));
    }
}
