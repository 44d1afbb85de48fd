package io.stampede.inventory.port;

import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.domain.Reservation;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/** The fast, atomic admission step in front of the database. */
public interface PurchaseGate {
    /** Checks window, key, per-user count and stock and reserves in one step. */
    Reservation reserve(
            String saleId, String userId, String idempotencyKey, int quantity, String newOrderId, Instant now);

    /** Returns the units of an order that was never written; true only for the one caller that did. */
    boolean compensate(String saleId, String userId, String idempotencyKey, String orderId, int quantity);

    /**
     * Returns the units of an order that stopped holding them (cancelled, expired, refunded); idempotent per order.
     * The answer says whether the gate is settled for it: false only when Redis could not be asked.
     */
    Release release(String saleId, String userId, String orderId, int quantity);

    /** What a release did. */
    enum Release {
        RELEASED,
        ALREADY_RELEASED,
        GATE_MISSING
    }

    /** Adds restocked units to a built gate (a missing one picks them up when rebuilt). */
    void addStock(String saleId, long quantity);

    /**
     * Rebuilds the sale's gate under a lease, so that only one instance does it at a time: first drops the gate
     * (purchases then see it missing and wait), then asks {@code truth} for the state (computed from the database
     * once no reservation of this sale is in flight) and writes it, the gate hash last. False when another rebuild
     * holds the lease.
     */
    boolean rebuild(String saleId, Supplier<GateState> truth);

    /**
     * Whether the user's idempotency key has an order at the gate, in one cheap call; empty when the gate is not built
     * and cannot tell.
     */
    Optional<Boolean> hasKey(String saleId, String userId, String idempotencyKey);

    /** Whether the sale's gate is built; one cheap call, unlike {@link #read}. */
    boolean exists(String saleId);

    /**
     * Runs the action while holding the sale's rebuild lease, so that no rebuild reads the database or writes the
     * gate meanwhile (for a restock: its commit and its increment stay together). Waits up to {@code wait} for a
     * running rebuild; false when the lease could not be had.
     */
    boolean underLease(String saleId, Duration wait, Runnable action);

    /** What the gate holds for the sale, or empty when it is not built. */
    Optional<GateState> read(String saleId);
}
