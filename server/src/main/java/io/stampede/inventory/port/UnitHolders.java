package io.stampede.inventory.port;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The orders that hold a sale's units, as far as inventory needs to know them: the facts its gates and its stock
 * ledger are rebuilt and checked from. Inventory owns this port; the order module, which keeps the orders,
 * implements it.
 */
public interface UnitHolders {
    /** Units of a sale's orders: reserved (QUEUED, PENDING_PAYMENT) and sold (PAID, FULFILLED). */
    record HeldUnits(long reserved, long sold) {}

    /** The units of an order that no longer holds them (cancelled, expired, refunded), to give back to a Redis counter. */
    record Release(String orderId, String saleId, String userId, int quantity) {}

    /** Order id of every order of the sale by "user \n key", live or not: replays must keep finding them. */
    Map<String, String> orderIdsByKey(String saleId);

    /** Ids of the sale's orders that no longer hold units (a rebuilt counter counts them as released). */
    Set<String> releasedOrderIds(String saleId);

    /** Units held by each user's live orders of the sale. */
    Map<String, Long> liveUnitsByUser(String saleId);

    /** The sale's units counted from its orders: a scan of them all, for reconciliation, never on a hot path. */
    HeldUnits heldUnits(String saleId);

    /** Whether the user's idempotency key made an order of the sale. */
    boolean hasOrder(String saleId, String userId, String idempotencyKey);

    /** Orders whose units went back in the database but whose Redis counter may not have them yet. */
    List<Release> pendingReleases(Instant changedBefore, int limit);

    /** The Redis counter has the order's units back. */
    void markReleased(String orderId);
}
