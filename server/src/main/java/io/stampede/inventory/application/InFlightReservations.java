package io.stampede.inventory.application;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Counts reservations of this instance that the gate granted but the database has not settled yet. A rebuild
 * waits for them: reading the database while they are in flight would forget their units and oversell.
 */
@Component
public class InFlightReservations {
    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    public void enter(String saleId) {
        counts.computeIfAbsent(saleId, k -> new AtomicInteger()).incrementAndGet();
    }

    public void exit(String saleId) {
        AtomicInteger n = counts.get(saleId);
        if (n != null) {
            n.decrementAndGet();
        }
    }

    /** Waits until none is in flight for the sale; false when the wait ran out. */
    public boolean awaitNone(String saleId, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            AtomicInteger n = counts.get(saleId);
            if (n == null || n.get() <= 0) {
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
}
