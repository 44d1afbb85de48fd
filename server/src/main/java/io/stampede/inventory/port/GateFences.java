package io.stampede.inventory.port;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Fencing of a sale's Redis counter (its gate, or TOKEN_QUEUE's token list) across instances, kept on the sale's row
 * in the database. Every rebuild {@link #bump}s the sale's epoch before it reads the truth, and every reservation
 * carries the epoch of the counter that granted it; a writer of orders holds the rows {@link #lock}ed shared and
 * writes only the orders of the current epoch, so an order reserved on a counter that was rebuilt since can never
 * commit behind the rebuild's back. Every method runs in the caller's transaction.
 */
public interface GateFences {
    /** What a writer of orders checks of a sale: its counter's epoch, and its per-user limit. */
    record Fence(long gateEpoch, int perUserLimit) {
        /** Each sale's per-user limit, as {@link StockLedger#hold} takes them. */
        public static Map<String, Integer> limits(Map<String, Fence> fences) {
            Map<String, Integer> limits = HashMap.newHashMap(fences.size());
            fences.forEach((saleId, fence) -> limits.put(saleId, fence.perUserLimit()));
            return limits;
        }
    }

    /** Starts a new epoch for the sale and returns it; waits for the writers holding the sale's row shared. */
    long bump(String saleId);

    /** The fence of each sale, its row held shared until the caller's commit; a missing sale is left out. */
    Map<String, Fence> lock(Collection<String> saleIds);

    /** Takes the sale's row exclusively: waits for every writer holding it shared, such as a batch in doubt. */
    void lockExclusively(String saleId);
}
