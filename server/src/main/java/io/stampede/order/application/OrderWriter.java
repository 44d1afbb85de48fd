package io.stampede.order.application;

import io.stampede.order.domain.Order;
import java.util.concurrent.CompletableFuture;

/** Writes new orders durably; the future completes once the order is committed, or fails. */
public interface OrderWriter {
    /** Fails at once with {@link Overloaded} when too many orders wait already. */
    CompletableFuture<Void> write(Order order);

    /** The writer's queue is full: the caller answers 503 rather than wait without bound. */
    final class Overloaded extends RuntimeException {
        public Overloaded() {
            super("order writer queue is full", null, false, false);
        }
    }
}
