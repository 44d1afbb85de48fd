package io.stampede.inventory.application;

import io.stampede.inventory.port.PurchaseGate;
import io.stampede.inventory.port.UnitHolders;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.SaleEnded;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * This instance's memory that a sale sold out, so that the flood of attempts after the last unit is answered without
 * running the gate's script or a strategy's transaction. A flag is raised only by an authoritative sold-out answer
 * and lives a short time (a unit returned by a cancel or an expiry on another instance is seen at most that late;
 * here, a release, a restock or a rebuild lowers it at once). Idempotent replays must still find their orders,
 * whichever instance made them and whenever: before answering sold out, the flag asks whether the key bought (one
 * lookup of the key at the gate, or of the order in the database for the strategies without a gate or while the gate
 * is not built), and a key that did goes the normal way. A time to live of zero turns flags off.
 */
@Component
public class SoldOutFlags {
    /** Raised until then; {@code quantity} is the smallest quantity found sold out (a smaller one may still fit). */
    private record Flag(long untilNanos, int quantity) {}

    private final PurchaseGate gate;
    private final UnitHolders orders;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Flag> flags = new ConcurrentHashMap<>();
    /** Bumped by every {@link #clear}: a flag computed before a clear is never put up after it. */
    private final ConcurrentHashMap<String, AtomicLong> clears = new ConcurrentHashMap<>();

    public SoldOutFlags(PurchaseGate gate, UnitHolders orders, InventorySettings settings) {
        this.gate = gate;
        this.orders = orders;
        this.ttlNanos = settings.soldOutFlagTtl().toNanos();
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
        return quantity >= flag.quantity() && !bought(sale, userId, idempotencyKey);
    }

    /** Whether the key made an order; when it cannot be told, true: the normal way answers it. */
    private boolean bought(Sale sale, String userId, String idempotencyKey) {
        try {
            if (sale.strategy().usesGate()) {
                Optional<Boolean> atGate = gate.hasKey(sale.id(), userId, idempotencyKey);
                if (atGate.isPresent()) {
                    return atGate.get();
                }
                if (sale.intake() == Intake.QUEUED) {
                    return true; // an accepted order may not be written yet: only its gate record knew it
                }
            }
            return orders.hasOrder(sale.id(), userId, idempotencyKey);
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * What the attempt about to ask for a sale's stock must hand to {@link #soldOut}: a sold-out answer is worth a
     * flag only if no unit came back between this moment and the flag.
     */
    public long observe(String saleId) {
        return clears.computeIfAbsent(saleId, k -> new AtomicLong()).get();
    }

    /**
     * After an authoritative sold-out answer to an attempt for {@code quantity} units, which {@link #observe}d the
     * sale at {@code observed} before it asked: raises the flag, unless units came back since (a release, a restock,
     * a rebuild cleared it meanwhile, so the answer may be stale already).
     */
    public void soldOut(Sale sale, int quantity, long observed) {
        if (ttlNanos <= 0) {
            return;
        }
        AtomicLong cleared = clears.computeIfAbsent(sale.id(), k -> new AtomicLong());
        Flag raised = new Flag(System.nanoTime() + ttlNanos, quantity);
        flags.compute(
                sale.id(),
                (id, up) -> cleared.get() != observed ? up : up != null && up.quantity() < quantity ? up : raised);
    }

    /** Units came back (a release, a restock, a rebuild): the sale may sell again. */
    public void clear(String saleId) {
        clears.computeIfAbsent(saleId, k -> new AtomicLong()).incrementAndGet();
        flags.remove(saleId);
    }

    @EventListener
    void on(SaleEnded ended) {
        flags.remove(ended.saleId());
        clears.remove(ended.saleId());
    }

    /** How many sales this instance keeps a flag or a clear count for. */
    int tracked() {
        return Math.max(flags.size(), clears.size());
    }
}
