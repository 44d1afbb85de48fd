package io.stampede.inventory.application;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The inventory module's settings under {@code stampede.*}.
 *
 * @param soldOutFlagTtl how long an instance answers a sold-out sale itself before it asks again (zero: never)
 * @param reconciliation the scheduled comparison of gates with the database ({@code stampede.reconciliation.*})
 * @param strategies     the strategies other than REDIS_LUA ({@code stampede.strategies.*})
 */
@ConfigurationProperties(prefix = "stampede")
public record InventorySettings(Duration soldOutFlagTtl, Reconciliation reconciliation, Strategies strategies) {
    public InventorySettings {
        soldOutFlagTtl = soldOutFlagTtl != null ? soldOutFlagTtl : Duration.ofSeconds(1);
        reconciliation = reconciliation != null ? reconciliation : new Reconciliation(Duration.ofSeconds(30));
        strategies = strategies != null ? strategies : new Strategies(Duration.ofSeconds(2), Duration.ofSeconds(5), 0);
    }

    /**
     * The scheduled reconciliation ({@code stampede.reconciliation.*}).
     *
     * @param interval how often an open sale is compared with the database (or half its payment timeout, if shorter)
     */
    public record Reconciliation(Duration interval) {
        public Reconciliation {
            interval = interval != null ? interval : Duration.ofSeconds(30);
        }
    }

    /**
     * The strategies other than REDIS_LUA ({@code stampede.strategies.*}).
     *
     * @param lockLease how long a REDIS_LOCK holder keeps the lock before it lapses (a paused holder then loses it)
     * @param lockWait  how long a purchase waits for the REDIS_LOCK lock before it answers 503
     * @param segments  buckets of a SEGMENTED or TOKEN_QUEUE sale (fewer when the stock is smaller)
     */
    public record Strategies(Duration lockLease, Duration lockWait, int segments) {
        public Strategies {
            lockLease = lockLease != null ? lockLease : Duration.ofSeconds(2);
            lockWait = lockWait != null ? lockWait : Duration.ofSeconds(5);
            segments = segments > 0 ? segments : 8;
        }

        /** Buckets for a new sale of the given stock that spreads it: never an empty one. */
        public int segmentsFor(long stock) {
            return (int) Math.max(1, Math.min(segments, stock));
        }
    }
}
