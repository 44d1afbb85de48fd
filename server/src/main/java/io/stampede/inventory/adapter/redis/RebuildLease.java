package io.stampede.inventory.adapter.redis;

import io.stampede.shared.Ids;
import io.stampede.shared.redis.LuaScripts;
import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The rebuild lease of a sale's Redis state, for work that must not interleave with a rebuild (a restock's commit
 * and its increment): taken with {@code SET NX PX} and a random owner, given back by a compare-and-delete.
 */
final class RebuildLease {
    static final Duration LEASE = Duration.ofSeconds(60);
    private static final RedisScript<Long> RELEASE = LuaScripts.load("release_lease", Long.class);
    private static final RedisScript<Long> WRITE = LuaScripts.load("rebuild_write", Long.class);

    private RebuildLease() {}

    /** Runs the action holding the lease; waits up to {@code wait} for it, false when it could not be had. */
    static boolean run(StringRedisTemplate redis, String leaseKey, Duration wait, Runnable action) {
        String owner = Ids.newId();
        long deadline = System.nanoTime() + wait.toNanos();
        while (!Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(leaseKey, owner, LEASE))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        try {
            action.run();
            return true;
        } finally {
            give(redis, leaseKey, owner);
        }
    }

    /** Gives the lease back if this owner still holds it. */
    static void give(StringRedisTemplate redis, String leaseKey, String owner) {
        redis.execute(RELEASE, List.of(leaseKey), owner);
    }

    /**
     * One chunk of a rebuild's writes to a hash, set or list ({@code kind}), made only while {@code owner} still holds
     * the lease; false when it does not (the rebuild must stop: another one has begun).
     */
    static boolean write(
            StringRedisTemplate redis, String leaseKey, String owner, String key, String kind, List<String> items) {
        Object[] args = new Object[items.size() + 2];
        args[0] = owner;
        args[1] = kind;
        for (int i = 0; i < items.size(); i++) {
            args[i + 2] = items.get(i);
        }
        Long done = redis.execute(WRITE, List.of(leaseKey, key), args);
        return done != null && done == 1;
    }
}
