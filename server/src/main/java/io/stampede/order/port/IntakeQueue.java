package io.stampede.order.port;

import io.stampede.order.application.QueuedOrder;
import java.time.Duration;
import java.util.OptionalLong;

/** The durable queue between accepting a QUEUED order and writing it (RabbitMQ, or a Redis Stream). */
public interface IntakeQueue {
    /** What became of one publication. */
    enum Publication {
        /** The broker has it durably (publisher confirm, or XADD answered). */
        CONFIRMED,
        /** The broker surely does not have it (refused, or never reached). */
        REJECTED,
        /** Not confirmed in time: it may or may not be queued. */
        UNKNOWN
    }

    /** Publishes the order request and waits up to {@code timeout} for the broker's confirmation. */
    Publication publish(QueuedOrder order, Duration timeout);

    /** Which backend this is, for logs. */
    String describe();

    /**
     * Order requests accepted and not yet written, when the queue can tell: one cheap read of the broker, never an
     * exception (empty when the broker cannot be asked, or the queue keeps no count).
     */
    default OptionalLong depth() {
        return OptionalLong.empty();
    }
}
