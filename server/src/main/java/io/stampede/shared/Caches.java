package io.stampede.shared;

import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The in-memory caches of the request path (per-user rate buckets, repeated refusal bodies): Caffeine caches whose
 * upkeep runs on the thread that used them.
 *
 * <p>By default Caffeine hands its upkeep (draining the buffers of recent reads and writes, evicting) to the common
 * fork-join pool, which wakes a pool thread for it, and a writer that finds the upkeep lock held wakes it again
 * when it lets go. The per-user bucket of every purchase from a new shopper is such a write: in a profile of sold-out
 * answers (each from a shopper not seen before, as at a sale's opening) that hand-off and the pool thread it woke had
 * 7% of the server's CPU samples, half of them in the kernel. Run by the caller, the same upkeep is a few hundred
 * nanoseconds of amortized work on a thread that is running anyway.
 */
public final class Caches {
    private Caches() {}

    /** A Caffeine builder whose upkeep runs on the caller's thread; every cache of the request path starts here. */
    public static Caffeine<Object, Object> newBuilder() {
        return Caffeine.newBuilder().executor(Runnable::run);
    }
}
