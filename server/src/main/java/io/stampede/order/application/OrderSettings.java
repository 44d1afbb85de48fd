package io.stampede.order.application;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The order module's settings under {@code stampede.*}.
 *
 * @param groupCommit batching of the inserts of new orders ({@code stampede.group-commit.*})
 * @param intake      intake QUEUED ({@code stampede.intake.*})
 */
@ConfigurationProperties(prefix = "stampede")
public record OrderSettings(GroupCommit groupCommit, Intake intake) {
    public OrderSettings {
        groupCommit = groupCommit != null ? groupCommit : new GroupCommit(0, 0, 0, Duration.ofSeconds(10));
        intake = intake != null
                ? intake
                : new Intake("", "", 0, Duration.ofSeconds(5), Duration.ofSeconds(60), 0, Duration.ofSeconds(60));
    }

    /**
     * Group commit of new orders ({@code stampede.group-commit.*}).
     *
     * @param maxBatch      orders per transaction at most
     * @param writers       transactions in flight at once
     * @param queueCapacity orders waiting at most; beyond it purchases answer 503
     * @param timeout       how long a purchase waits for its commit
     */
    public record GroupCommit(int maxBatch, int writers, int queueCapacity, Duration timeout) {
        public GroupCommit {
            maxBatch = maxBatch > 0 ? maxBatch : 256;
            writers = writers > 0 ? writers : 2;
            queueCapacity = queueCapacity > 0 ? queueCapacity : 20_000;
            timeout = timeout != null ? timeout : Duration.ofSeconds(10);
        }
    }

    /**
     * Intake QUEUED ({@code stampede.intake.*}).
     *
     * @param rabbitQueue    the durable RabbitMQ queue (its dead letters go to {@code <name>.dead})
     * @param stream         the Redis Stream, after the key prefix (dead letters in {@code <name>:dead})
     * @param batchSize      orders the consumer writes per transaction at most
     * @param confirmTimeout how long a purchase waits for the broker's confirmation
     * @param reclaimIdle    a Stream entry pending this long with another consumer is taken over
     * @param maxDeliveries  a Stream entry delivered this often goes to the dead letters
     * @param repairAfter    an accepted order whose publication was never confirmed is published again after this
     */
    public record Intake(
            String rabbitQueue,
            String stream,
            int batchSize,
            Duration confirmTimeout,
            Duration reclaimIdle,
            int maxDeliveries,
            Duration repairAfter) {
        public Intake {
            rabbitQueue = rabbitQueue == null || rabbitQueue.isBlank() ? "stampede.intake.orders" : rabbitQueue;
            stream = stream == null || stream.isBlank() ? "intake:orders" : stream;
            batchSize = batchSize > 0 ? batchSize : 256;
            confirmTimeout = confirmTimeout != null ? confirmTimeout : Duration.ofSeconds(5);
            reclaimIdle = reclaimIdle != null ? reclaimIdle : Duration.ofSeconds(60);
            maxDeliveries = maxDeliveries > 0 ? maxDeliveries : 5;
            repairAfter = repairAfter != null ? repairAfter : Duration.ofSeconds(60);
        }
    }
}
