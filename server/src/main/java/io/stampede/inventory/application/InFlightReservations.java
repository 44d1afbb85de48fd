package io.stampede.inventory.application;

import io.stampede.sale.domain.SaleEnded;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Counts this instance's reservations that the gate may have granted but the database has not settled yet. A
 * rebuild waits for them: reading the database while they are in flight would forget their units and oversell.
 * Counts are kept per generation, and a rebuild waits only for the generations before it began, so a steady
 * stream of new purchases (which find the gate missing anyway) cannot starve it.
 */
@Component
public class InFlightReservations {
    private static final class Flights {
        final AtomicLong generation = new AtomicLong();
        final ConcurrentHashMap<Long, AtomicInteger> counts = new ConcurrentHashMap<>();
    }

    private final ConcurrentHashMap<String, Flights> bySale = new ConcurrentHashMap<>();

    /** Marks one attempt in flight; pass the returned generation to {@link #exit}. */
    public long enter(String saleId) {
        Flights f = bySale.computeIfAbsent(saleId, k -> new Flights());
        while (true) {
            long g = f.generation.get();
            AtomicInteger count = f.counts.computeIfAbsent(g, k -> new AtomicInteger());
            count.incrementAndGet();
            if (f.generation.get() == g) {
                return g;
            }
            count.decrementAndGet(); // a rebuild began meanwhile: count under the new generation instead
        }
    }

    public void exit(String saleId, long generation) {
        Flights f = bySale.get(saleId);
        AtomicInteger count = f == null ? null : f.counts.get(generation);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    /** Starts a new generation and waits until none of the earlier ones is in flight; false when the wait ran out. */
    public boolean awaitEarlier(String saleId, Duration max) {
        Flights f = bySale.computeIfAbsent(saleId, k -> new Flights());
        long current = f.generation.incrementAndGet();
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            boolean busy = false;
            for (Map.Entry<Long, AtomicInteger> e : f.counts.entrySet()) {
                if (e.getKey() < current) {
                    if (e.getValue().get() > 0) {
                        busy = true;
                    } else {
                        f.counts.remove(e.getKey(), e.getValue());
                    }
                }
            }
            if (!busy) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Forgets a gate (a sale's, a campaign's) whose window has closed; counts of late attempts start afresh. */
    public void forget(String gateId) {
        bySale.remove(gateId);
    }

    @EventListener
    void on(SaleEnded ended) {
        forget(ended.saleId());
    }

    /** How many gates this instance keeps counts for. */
    int tracked() {
        return bySale.size();
    }
}
