package io.stampede.shared;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The shared module's settings under {@code stampede.*} (environment variables {@code STAMPEDE_*}); every module has
 * its record of its own (see {@code SaleSettings}, {@code InventorySettings}, {@code OrderSettings}).
 *
 * @param dataDir       where generated secrets and embedded data live
 * @param adminToken    bearer token for /api/admin/**; generated when blank
 * @param jwtSecret     HS256 key for shopper tokens (at least 32 bytes); generated when blank
 * @param paymentSecret HMAC key of payment callbacks
 * @param demoLogin     enables POST /api/session
 * @param redis         the namespace of every Redis key
 * @param admission     rate limits and concurrency bound in front of the gate
 */
@ConfigurationProperties(prefix = "stampede")
public record SharedSettings(
        Path dataDir,
        @Nullable String adminToken,
        @Nullable String jwtSecret,
        @Nullable String paymentSecret,
        boolean demoLogin,
        Redis redis,
        Admission admission) {

    public SharedSettings {
        if (dataDir == null) {
            dataDir = Path.of(".stampede");
        }
        if (redis == null) {
            redis = new Redis("stampede:");
        }
        if (admission == null) {
            admission = new Admission(0, 0, 0, 0, Duration.ofMillis(100), 0);
        }
    }

    /**
     * Admission control of purchases and claims ({@code stampede.admission.*}).
     *
     * @param perUserPerSecond purchase and claim attempts a user may make per second (and burst)
     * @param globalPerSecond  attempts the instance takes per second in all
     * @param maxInFlight      attempts being processed at once; more wait in a bounded queue
     * @param maxQueued        attempts waiting for one in progress to finish; beyond it the answer is an immediate 429
     * @param queueTimeout     how long an attempt waits in that queue before it is answered 429
     * @param maxTrackedUsers  users whose buckets are kept in memory (least recently seen go first)
     */
    public record Admission(
            int perUserPerSecond,
            int globalPerSecond,
            int maxInFlight,
            int maxQueued,
            Duration queueTimeout,
            int maxTrackedUsers) {
        public Admission {
            perUserPerSecond = perUserPerSecond > 0 ? perUserPerSecond : 5;
            globalPerSecond = globalPerSecond > 0 ? globalPerSecond : 20_000;
            // enough to keep the gate, the writer and the database busy; more only adds queueing inside the JVM
            maxInFlight = maxInFlight > 0 ? maxInFlight : 256;
            // a short queue with a short wait: it smooths a burst that lasts a moment; under sustained overload it is
            // always full, and every attempt it holds only waits longer for the same 429
            maxQueued = maxQueued > 0 ? maxQueued : 256;
            queueTimeout = queueTimeout != null ? queueTimeout : Duration.ofMillis(100);
            maxTrackedUsers = maxTrackedUsers > 0 ? maxTrackedUsers : 1_000_000;
        }
    }

    /**
     * Redis ({@code stampede.redis.*}).
     *
     * @param keyPrefix namespaces every key this service writes
     */
    public record Redis(String keyPrefix) {
        public Redis {
            if (keyPrefix == null) {
                keyPrefix = "stampede:";
            }
        }
    }
}
