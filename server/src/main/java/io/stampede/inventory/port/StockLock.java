package io.stampede.inventory.port;

import java.time.Duration;
import java.util.Optional;

/** REDIS_LOCK's lock: one holder per sale at a time, with a lease and a fencing token per acquisition. */
public interface StockLock {
    /** A held lock: the owner token that releases it and the fencing token the database checks. */
    record Lease(String saleId, String owner, long fence) {}

    /** Takes the lock if it is free; empty when another holder has it. */
    Optional<Lease> tryAcquire(String saleId, Duration lease);

    /** Whether the lease is still this holder's (not run out and taken by another). */
    boolean holds(Lease lease);

    /** Releases the lock if this holder still has it (compare and delete). */
    void release(Lease lease);

    /** Raises the fencing counter to at least {@code seen}, after Redis lost it. */
    void raiseFence(String saleId, long seen);
}
