package io.stampede.inventory.application.strategy;

import io.stampede.inventory.application.InventorySettings;
import io.stampede.inventory.port.StockBuckets;
import io.stampede.inventory.port.StockLock;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/**
 * REDIS_LOCK: a Redis lock around the database read-check-write, fenced. The lock alone is not safe (a holder
 * paused past its lease writes while the next holder does), so the database checks the holder's fencing token:
 * the transaction first records it on the stock row, which fails if a later holder got there first, and holds the
 * row to the commit, so no later holder can read the count before this one's write is done; under that row lock
 * it also checks that the lease is still its own.
 */
@Component
class LockedStock implements StockTaking {
    private final StockBuckets buckets;
    private final StockLock lock;
    private final InventorySettings.Strategies settings;

    LockedStock(StockBuckets buckets, StockLock lock, InventorySettings settings) {
        this.buckets = buckets;
        this.lock = lock;
        this.settings = settings.strategies();
    }

    @Override
    public StockStrategy strategy() {
        return StockStrategy.REDIS_LOCK;
    }

    @Override
    public int maxRounds() {
        return 3; // a fencing counter Redis lost is raised, then the purchase starts over
    }

    @Override
    public Attempt begin(Sale sale, String userId, int quantity) {
        // a sold-out sale answers without queueing for the lock (a read can be stale, but only towards "more")
        if (buckets.read(sale.id()).map(r -> r.available() < quantity).orElse(true)) {
            return new StockTaking.Stopped(Verdict.SOLD_OUT);
        }
        Optional<StockLock.Lease> lease = acquire(sale.id());
        if (lease.isEmpty()) {
            return new StockTaking.Stopped(Verdict.unavailable("the sale's stock lock is busy; retry"));
        }
        return held(sale, quantity, lease.get());
    }

    /** The attempt of a holder of the given lease (tests pause it to prove the fence). */
    Attempt held(Sale sale, int quantity, StockLock.Lease lease) {
        return new Attempt() {
            private long available;

            @Override
            public Verdict guard() {
                if (!buckets.claimFence(sale.id(), lease.fence())) {
                    if (lock.holds(lease)) {
                        // this holder has the lock, yet the database saw a higher token: Redis lost the counter
                        lock.raiseFence(sale.id(), buckets.fence(sale.id()));
                        return Verdict.retry("the lock's fencing counter was behind the database");
                    }
                    return Verdict.unavailable("the stock lock's lease ran out before the write; retry");
                }
                // the row is ours now: a later holder waits for this commit, so the lease may lapse no earlier
                // than here without harm; if it has lapsed already, stop
                if (!lock.holds(lease)) {
                    return Verdict.unavailable("the stock lock's lease ran out before the write; retry");
                }
                available = buckets.lock(sale.id(), 0);
                return Verdict.GO;
            }

            @Override
            public Verdict take() {
                return PessimisticStock.takeLocked(buckets, sale.id(), available, quantity);
            }

            @Override
            public void end(Ending ending) {
                lock.release(lease);
            }
        };
    }

    /** Requests the stock lock until the wait runs out: to be acquired by the caller. */
    Optional<StockLock.Lease> acquire(String saleId) {
        long deadline = System.nanoTime() + settings.lockWait().toNanos();
        while (true) {
            Optional<StockLock.Lease> lease = lock.tryAcquire(saleId, settings.lockLease());
            if (lease.isPresent() || System.nanoTime() > deadline) {
                return lease;
            }
            try {
                Thread.sleep(1 + ThreadLocalRandom.current().nextInt(4));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }
}
