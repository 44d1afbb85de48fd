package io.stampede.inventory.application.strategy;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the strategies other than REDIS_LUA, under {@code stampede.strategies.*}.
 *
 * @param lockLease how long a REDIS_LOCK holder keeps the lock before it lapses (a paused holder then loses it)
 * @param lockWait  how long a purchase waits for the REDIS_LOCK lock before it answers 503
 * @param segments  buckets of a SEGMENTED sale (fewer when the stock is smaller)
 */
@ConfigurationProperties(prefix = "stampede.strategies")
public record StrategySettings(Duration lockLease, Duration lockWait, int segments) {
    public StrategySettings {
        lockLease = lockLease != null ? lockLease : Duration.ofSeconds(2);
        lockWait = lockWait != null ? lockWait : Duration.ofSeconds(5);
        segments = segments > 0 ? segments : 8;
    }

    /** Buckets for a new SEGMENTED sale of the given stock: never an empty one. */
    public int segmentsFor(long stock) {
        return (int) Math.max(1, Math.min(segments, stock));
    }
}
