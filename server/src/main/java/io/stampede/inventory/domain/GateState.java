package io.stampede.inventory.domain;

import java.util.Map;
import java.util.Set;

/**
 * Everything the gate holds for a sale, as computed from the database when it is rebuilt.
 *
 * @param available   units that may still be reserved
 * @param unitsByUser units held by each user's live orders
 * @param orderByKey  order id of every order, by "user \n idempotency key"
 * @param released    orders whose units went back already (so a late release of them is a no-op)
 * @param epoch       the build this state belongs to; orders reserved under an older one are never written
 */
public record GateState(
        long startsAtMillis,
        long endsAtMillis,
        int perUserLimit,
        long available,
        Map<String, Long> unitsByUser,
        Map<String, String> orderByKey,
        Set<String> released,
        long epoch) {

    public static String keyField(String userId, String idempotencyKey) {
        return userId + "\n" + idempotencyKey;
    }
}
