package io.stampede.order.application;

import io.stampede.order.domain.Order;
import java.util.concurrent.CompletableFuture;

/** Writes new orders durably; the future completes once the order is committed, or fails. */
public interface OrderWriter {
    /**
     * Writes the order reserved by the gate of the given epoch. Fails at once with {@link Overloaded} when too many
     * orders wait already, and with {@link StaleGate} (the order not written) when the sale's gate was rebuilt since.
     */
    CompletableFuture<Void> write(Order order, long gateEpoch);

    /** The gate that reserved the order was rebuilt since; the order was not written and its units are not held. */
    final class StaleGate extends RuntimeException {
        public StaleGate() {
            super("the sale's gate was rebuilt after this reservation", null, false, false);
        }
    }

    /**
     * The batch's statements all ran and its commit then failed: whether the order is in the database is unknown
     * until the transaction that wrote it has surely ended. Any other failure rolled the order back.
     */
    final class InDoubt extends RuntimeException {
        public InDoubt(Throwable cause) {
            super("the commit of the order's batch failed: " + cause.getMessage(), cause, false, false);
        }
    }

    /** The writer's queue is full: the caller answers 503 rather than wait without bound. */
    final class Overloaded extends RuntimeException {
        public Overloaded() {
            super("order writer queue is full", null, false, false);
        }
    }
}
