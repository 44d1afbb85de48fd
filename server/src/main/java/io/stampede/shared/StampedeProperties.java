package io.stampede.shared;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code stampede.*} (environment variables {@code STAMPEDE_*}).
 *
 * @param dataDir       where generated secrets and embedded data live
 * @param adminToken    bearer token for /api/admin/**; generated when blank
 * @param jwtSecret     HS256 key for shopper tokens (at least 32 bytes); generated when blank
 * @param paymentSecret HMAC key of payment callbacks
 * @param demoLogin     enables POST /api/session
 * @param demoSale      opens a demo sale at start when no sale exists
 * @param redis         Redis gate settings
 * @param groupCommit   batching of order inserts
 */
@ConfigurationProperties(prefix = "stampede")
public record StampedeProperties(
        Path dataDir,
        String adminToken,
        String jwtSecret,
        String paymentSecret,
        boolean demoLogin,
        boolean demoSale,
        Redis redis,
        GroupCommit groupCommit) {

    public StampedeProperties {
        if (dataDir == null) {
            dataDir = Path.of(".stampede");
        }
        if (redis == null) {
            redis = new Redis(null);
        }
        if (groupCommit == null) {
            groupCommit = new GroupCommit(0, 0, 0, null);
        }
    }

    /** @param keyPrefix namespaces every key this service writes */
    public record Redis(String keyPrefix) {
        public Redis {
            if (keyPrefix == null) {
                keyPrefix = "stampede:";
            }
        }
    }

    /**
     * @param maxBatch     orders per transaction at most
     * @param writers      transactions in flight at once
     * @param queueCapacity orders waiting at most; beyond it purchases answer 503
     * @param timeout      how long a purchase waits for its commit
     */
    public record GroupCommit(int maxBatch, int writers, int queueCapacity, Duration timeout) {
        public GroupCommit {
            maxBatch = maxBatch > 0 ? maxBatch : 256;
            writers = writers > 0 ? writers : 2;
            queueCapacity = queueCapacity > 0 ? queueCapacity : 20_000;
            timeout = timeout != null ? timeout : Duration.ofSeconds(10);
        }
    }
}
