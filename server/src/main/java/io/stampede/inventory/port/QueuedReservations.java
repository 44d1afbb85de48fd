package io.stampede.inventory.port;

import io.stampede.inventory.domain.Reservation;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The gate for intake QUEUED: a reservation keeps, in the same atomic step, a record of the accepted order until
 * the consumer has written it, so that a gate rebuilt meanwhile still counts its units. Records are opaque text
 * (JSON with at least {@code id}, {@code userId}, {@code idempotencyKey} and {@code quantity}).
 */
public interface QueuedReservations {
    /** The units of one accepted but unwritten order, as a rebuild counts them. */
    record QueuedUnits(String orderId, String userId, String idempotencyKey, int quantity) {}

    /**
     * Reserves as {@link PurchaseGate#reserve} does and keeps the record; with {@code restore}, also keeps it when
     * the key already belongs to this very order (a consumer re-admitting an order it holds).
     */
    Reservation reserve(
            String saleId,
            String userId,
            String idempotencyKey,
            int quantity,
            String orderId,
            Instant now,
            String record,
            boolean restore);

    /**
     * Returns the units of an order surely not in the intake queue and drops its record; refused (false) once the
     * order is confirmed, unless {@code force} (the consumer settling an order it will not write).
     */
    boolean compensate(
            String saleId, String userId, String idempotencyKey, String orderId, int quantity, boolean force);

    /** Marks the record confirmed (a copy is in the queue; nobody may compensate it); false when it is gone. */
    boolean confirm(String saleId, String orderId);

    boolean isConfirmed(String saleId, String orderId);

    Optional<String> record(String saleId, String orderId);

    /** Every record of the sale, by order id. */
    Map<String, String> records(String saleId);

    /** The units of every record of the sale. */
    List<QueuedUnits> units(String saleId);

    /** Which of the orders still have a record. */
    Set<String> present(String saleId, Collection<String> orderIds);

    /** Drops the records (and their index entries) of orders that are written or settled. */
    void forget(String saleId, Collection<String> orderIds);

    /** Remembers which sale an order belongs to, so it can be found by id alone while unwritten. */
    void index(String orderId, String saleId);

    Optional<String> saleOf(String orderId);
}
