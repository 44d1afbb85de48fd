package io.stampede.inventory.port;

import java.util.Optional;

/**
 * What the database strategies do to the rows of the stock ledger (see {@link StockLedger}) beyond taking and giving
 * units: locking bucket 0, reading it with its version, compare-and-set, the fencing token of REDIS_LOCK. Every method
 * runs in the caller's transaction; row locks taken here last until its end.
 */
public interface StockBuckets {
    /** An available count and the version it was read at (DB_OPTIMISTIC). */
    record Versioned(long available, long version) {}

    /** Bucket b's part of {@code units} spread evenly: the first {@code units % buckets} buckets get one more. */
    static long share(long units, int buckets, int b) {
        return units / buckets + (b < units % buckets ? 1 : 0);
    }

    /** Reads bucket 0 without locking it. */
    Optional<Versioned> read(String saleId);

    /** {@code SELECT … FOR UPDATE} of one bucket: its available units, the row locked. */
    long lock(String saleId, int bucket);

    /** Takes units from a bucket the caller has locked; the check is the caller's. */
    void take(String saleId, int bucket, long quantity);

    /** Sets bucket 0 to a new count if its version is still the one read; false when someone changed it since. */
    boolean compareAndSet(String saleId, long version, long newAvailable);

    /** One conditional update: takes the units only if the bucket has them; false (nothing locked) otherwise. */
    boolean takeIfAvailable(String saleId, int bucket, long quantity);

    /**
     * Records a lock holder's fencing token on bucket 0 and locks it: false when a holder with a higher token has
     * written already (this holder's lease is gone).
     */
    boolean claimFence(String saleId, long fence);

    long fence(String saleId);

    /** The sum of all buckets, unlocked. */
    long available(String saleId);
}
