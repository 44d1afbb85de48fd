package io.stampede.inventory.port;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * TOKEN_QUEUE's stock: one Redis list element per unit, each a token naming the build (epoch) it belongs to, so
 * that a token taken before a rebuild cannot be used after it.
 */
public interface TokenQueue {
    /** What a take found. */
    sealed interface Take {
        /** The units were taken; their tokens are of build {@code epoch}. */
        record Taken(long epoch) implements Take {}

        /** Fewer units are left than asked for, even counting those taken by attempts still in flight. */
        record SoldOut() implements Take {}

        /** Fewer units are left than asked for, but attempts in flight hold enough that may come back: try again. */
        record InFlight() implements Take {}

        /** The list is not built (never, or Redis lost it, or a rebuild is running). */
        record Missing() implements Take {}
    }

    /** The state a rebuild writes: the units left, the orders already given back, and the new epoch. */
    record State(long available, Set<String> released, long epoch) {}

    /**
     * Takes the tokens of {@code quantity} units for {@code attempt} (an id of its own), all or none; what it takes
     * stays in flight until {@link #settle} (or for a bounded time, should its instance die first).
     */
    Take take(String saleId, int quantity, String attempt);

    /** Puts back the tokens of an attempt whose order was surely not written, if their build is still current. */
    void putBack(String saleId, long epoch, int quantity);

    /** The attempt is over (its order written, or its tokens put back or void): its units are no longer in flight. */
    void settle(String saleId, String attempt, int quantity);

    /** Gives back the units of an ended order, once per order; the answer as for the gate. */
    PurchaseGate.Release release(String saleId, String orderId, int quantity);

    /** Adds restocked units; false when the list is not built (a rebuild then counts them). */
    boolean add(String saleId, long quantity);

    /** Units in the list or in flight, or empty when the list is not built. */
    OptionalLong available(String saleId);

    /** Rebuilds the list under a lease; false when another rebuild holds it. */
    boolean rebuild(String saleId, Supplier<State> truth);

    /** Runs the action under the rebuild lease (a restock: its commit and its push together). */
    boolean underLease(String saleId, Duration wait, Runnable action);
}
