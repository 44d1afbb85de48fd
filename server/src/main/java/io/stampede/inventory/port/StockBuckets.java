package io.stampede.inventory.port;

import java.util.List;
import java.util.Optional;

/**
 * The stock counters of the database strategies: rows of available units per sale (one bucket, or several for
 * SEGMENTED). Every method runs in the caller's transaction; row locks taken here last until its end.
 */
public interface StockBuckets {
    /** An available count and the version it was read at (DB_OPTIMISTIC). */
    record Versioned(long available, long version) {
    }

    /** Bucket b's part of {@code units} spread evenly: the first {@code units % buckets} buckets get one more. */
    static long share(long units, int buckets, int b) {
        return units / buckets + (b < units % buckets ? 1 : 0);
    }

    /** Creates the buckets of a new sale, the stock spread evenly over them. */
    void open(String saleId, long stock, int buckets);

    int bucketCount(String saleId);

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

    /** Gives units back to a bucket (an order ended, or a restock), bumping its version. */
    void give(String saleId, int bucket, long quantity);

    /** The sum of all buckets, unlocked. */
    long available(String saleId);

    /** Locks every bucket of the sale, lowest first (the order every multi-bucket locker uses). */
    List<Long> lockAll(String saleId);

    /** Rewrites the buckets to hold {@code available} in all, spread evenly; the caller holds {@link #lockAll}. */
    void reset(String saleId, long available);

    /** Locks the row of one buyer of the sale, creating it first if needed: the per-user lock. */
    void lockBuyer(String saleId, String userId);
}
