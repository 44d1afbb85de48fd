package io.stampede.inventory.application;

import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.domain.Sale;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * This instance's memory that a sale sold out, so that the flood of attempts after the last unit costs no Redis or
 * database round trip. A flag is raised only by an authoritative sold-out answer and lives a short time (a unit
 * returned by a cancel or an expiry elsewhere is seen at most that late; here, a release or a restock lowers it at
 * once). Idempotent replays must still find their orders, so the flag carries the keys of every order the sale had
 * when it sold out (read once, after the sold-out answer): an attempt with one of those keys goes the normal way.
 * Sales larger than {@link #MAX_TRACKED_KEYS} units get no flag; a time to live of zero turns flags off.
 */
@Component
public class SoldOutFlags {
    static final long MAX_TRACKED_KEYS = 200_000;

    /** Raised until then; {@code quantity} is the smallest quantity found sold out (a smaller one may still fit). */
    private record Flag(long untilNanos, Set<String> buyerKeys, int quantity) {
    }

    private final PurchaseGate gate;
    private final OrderRepository orders;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Flag> flags = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Boolean> raising = new ConcurrentHashMap<>();

    public SoldOutFlags(PurchaseGate gate, OrderRepository orders,
                        @Value("${stampede.sold-out-flag-ttl:1s}") Duration ttl) {
        this.gate = gate;
        this.orders = orders;
        this.ttlNanos = ttl.toNanos();
    }

    /**
     * True when the attempt can be answered sold out here: the flag is up for this quantity (or a smaller one) and
     * the key bought nothing.
     */
    public boolean answersSoldOut(Sale sale, String userId, String idempotencyKey, int quantity) {
        Flag flag = flags.get(sale.id());
        if (flag == null) {
            return false;
        }
        if (System.nanoTime() - flag.untilNanos() > 0) {
            flags.remove(sale.id(), flag);
            return false;
        }
        return quantity >= flag.quantity() && !flag.buyerKeys().contains(GateState.keyField(userId, idempotencyKey));
    }

    /**
     * After an authoritative sold-out answer to an attempt for {@code quantity} units: raises the flag (one caller
     * reads the keys; the others go on).
     */
    public void soldOut(Sale sale, int quantity) {
        Flag up = flags.get(sale.id());
        if (ttlNanos <= 0 || sale.totalStock() > MAX_TRACKED_KEYS || (up != null && up.quantity() <= quantity)
                || raising.putIfAbsent(sale.id(), Boolean.TRUE) != null) {
            return;
        }
        try {
            // read after the sold-out answer: every order that took a unit before it is in here
            Optional<Set<String>> keys = sale.strategy().usesGate()
                    ? gate.read(sale.id()).map(s -> s.orderByKey().keySet())
                    : Optional.of(orders.orderIdsByKey(sale.id()).keySet());
            keys.ifPresent(k -> flags.put(sale.id(), new Flag(System.nanoTime() + ttlNanos, Set.copyOf(k),
                    quantity)));
        } catch (RuntimeException e) {
            // no flag then: every attempt keeps asking the gate, which is correct, only slower
        } finally {
            raising.remove(sale.id());
        }
    }

    /** Units came back (a release, a restock): the sale may sell again. */
    public void clear(String saleId) {
        flags.remove(saleId);
    }
}
