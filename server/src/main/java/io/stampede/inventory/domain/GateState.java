package io.stampede.inventory.domain;

import java.util.Map;

/**
 * Everything the gate holds for a sale, as computed from the database when it is rebuilt.
 *
 * @param available   units that may still be reserved
 * @param unitsByUser units held by each user's live orders
 * @param orderByKey  order id of every order, by "user \n idempotency key"
 */
public record GateState(long startsAtMillis, long endsAtMillis, int perUserLimit, long available,
                        Map<String, Long> unitsByUser, Map<String, String> orderByKey) {

    public static String keyField(String userId, String idempotencyKey) {
        return userId + "\n" + idempotencyKey;
    }
}
