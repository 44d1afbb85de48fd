package io.stampede.order.port;

import io.stampede.order.domain.Order;
import io.stampede.order.domain.OrderStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Where orders are kept: the truth of who holds which units (inventory reads it as its {@code UnitHolders}). */
public interface OrderRepository {
    /**
     * Inserts the orders and their first history entries together; a duplicate idempotency key fails the whole
     * call with {@link org.springframework.dao.DuplicateKeyException}. The caller owns the transaction.
     */
    void insertAll(List<Order> orders);

    /**
     * The order with this id, or the order an alias stands for (an accepted QUEUED order whose key belonged to an
     * order written before, see {@link #alias}).
     */
    Optional<Order> find(String id);

    /** Makes {@code id}, an accepted order never written, stand for the written order {@code orderId}; idempotent. */
    void alias(String id, String orderId);

    Optional<Order> findByKey(String saleId, String userId, String idempotencyKey);

    /** The user's orders, newest first. */
    List<Order> findByUser(String userId, int limit);

    /** Reads and row-locks the order for the rest of the caller's transaction. */
    Optional<Order> lock(String id);

    /**
     * Moves the order from one of the given states to the next, once: a conditional update that only one caller
     * can win. Records the history entry, and marks the gate release as pending when the units go back.
     * False when the order was not in one of the given states.
     */
    boolean transition(String id, Set<OrderStatus> from, OrderStatus to, Instant at, boolean releasesUnits);

    /** Locks unpaid orders past their deadline, skipping those another sweeper holds; oldest deadline first. */
    List<String> lockDueForExpiry(Instant now, int limit);

    /** Which of the given order ids are in the database. */
    Set<String> existingIds(Collection<String> ids);
}
