package io.stampede.order.application;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of intake QUEUED under {@code stampede.intake.*}.
 *
 * @param rabbitQueue    the durable RabbitMQ queue (its dead letters go to {@code <name>.dead})
 * @param stream         the Redis Stream, after the key prefix (dead letters in {@code <name>:dead})
 * @param batchSize      orders the consumer writes per transaction at most
 * @param confirmTimeout how long a purchase waits for the broker's confirmation
 * @param reclaimIdle    a Stream entry pending this long with another consumer is taken over
 * @param maxDeliveries  a Stream entry delivered this often goes to the dead letters
 * @param repairAfter    an accepted order whose publication was never confirmed is published again after this
 */
@ConfigurationProperties(prefix = "stampede.intake")
public record IntakeSettings(String rabbitQueue, String stream, int batchSize, Duration confirmTimeout,
                             Duration reclaimIdle, int maxDeliveries, Duration repairAfter) {
    public IntakeSettings {
        rabbitQueue = rabbitQueue == null || rabbitQueue.isBlank() ? "stampede.intake.orders" : rabbitQueue;
        stream = stream == null || stream.isBlank() ? "intake:orders" : stream;
        batchSize = batchSize > 0 ? batchSize : 256;
        confirmTimeout = confirmTimeout != null ? confirmTimeout : Duration.ofSeconds(5);
        reclaimIdle = reclaimIdle != null ? reclaimIdle : Duration.ofSeconds(60);
        maxDeliveries = maxDeliveries > 0 ? maxDeliveries : 5;
        repairAfter = repairAfter != null ? repairAfter : Duration.ofSeconds(60);
    }
}
