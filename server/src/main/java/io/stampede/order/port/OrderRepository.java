package io.stampede.order.port;

import io.stampede.order.domain.Order;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where orders are kept: the truth of who holds which units. */
public interface OrderRepository {
    /**
     * Inserts the orders and their first history entries together; a duplicate idempotency key fails the whole
     * call with {@link org.springframework.dao.DuplicateKeyException}. The caller owns the transaction.
     */
    void insertAll(List<Order> orders);

    Optional<Order> find(String id);

    Optional<Order> findByKey(String saleId, String userId, String idempotencyKey);

    /** The user's orders, newest first. */
    List<Order> findByUser(String userId, int limit);

    /** Units held by each user's live orders of the sale. */
    Map<String, Long> liveUnitsByUser(String saleId);

    /** Order id of every order of the sale by "user \n key", live or not: replays must keep finding them. */
    Map<String, String> orderIdsByKey(String saleId);
}
