package io.stampede.shared;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a future for at most a while, as {@link CompletableFuture#get(long, TimeUnit)} does, but without a timed
 * park of the waiting thread.
 *
 * <p>On a virtual thread every timed park hands a task to the scheduler's delay queue, wakes the thread that runs
 * that queue, and cancels the task when the wait ends ({@code CompletableFuture.orTimeout} goes the same way, through
 * the common pool's delay queue). A purchase that waits for its order's commit paid that on every winner: with the
 * Redis gate's timed wait, 9% of the server's CPU samples in a profile of winners. Here the waiting thread parks
 * without a timeout, and one timer wheel (Netty's, already on the class path for Lettuce; a daemon thread ticking every
 * 10 ms) ends the waits that last too long: putting a wait on the wheel and taking it off are a queue offer each, and
 * nothing is woken for them.
 */
public final class Waits {
    private static final HashedWheelTimer WHEEL =
            new HashedWheelTimer(new DefaultThreadFactory("waits", true), 10, TimeUnit.MILLISECONDS, 512);

    static {
        // now rather than on the first wait: the first start blocks its caller and swallows an interrupt meanwhile
        WHEEL.start();
    }

    /** What the wheel completes a wait with when its time is up; never the future's own failure. */
    private static final class Expired extends Exception {
        private static final long serialVersionUID = 1L;

        Expired() {
            super(null, null, false, false);
        }
    }

    private Waits() {}

    /**
     * The future's value, waiting at most {@code timeout} (give or take the wheel's 10 ms tick).
     *
     * @throws TimeoutException the future was not done in time (it is left as it is, as by {@code get})
     * @throws ExecutionException the future failed; the cause is its failure
     * @throws InterruptedException the waiting thread was interrupted
     */
    public static <T> T get(CompletableFuture<T> future, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (future.isDone()) {
            return future.get();
        }
        CompletableFuture<T> waiting = future.copy(); // completing the copy leaves the future and its stages alone
        Timeout expiry = WHEEL.newTimeout(
                t -> waiting.completeExceptionally(new Expired()), timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            return waiting.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Expired) {
                throw new TimeoutException("not done within " + timeout);
            }
            throw e;
        } finally {
            expiry.cancel();
        }
    }
}
