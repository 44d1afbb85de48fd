package io.stampede.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Measures the sustainable rate of successful purchases: a fixed number of workers, each sending its next
 * purchase as soon as the last one is answered (closed loop), for a warm-up and then a measured window.
 * S is the number of 201/202 answers that arrive inside the measured window, divided by its length.
 */
public final class Calibration {

    /** The measurement: successes in the window, every answer sent in it by category, and success latency. */
    public record Result(
            long successes,
            Duration measured,
            List<Burst.Outcome> windowOutcomes,
            Histogram latencyMicros,
            long attempts,
            boolean cutShort) {

        /** S: successful purchases per second in the measured window. */
        public double rate() {
            return successes / (measured.toNanos() / 1e9);
        }
    }

    private Calibration() {}

    /**
     * Workers cycle round-robin over {@code users}; the caller sizes the pool so that no shopper comes near
     * the per-user rate limit, and the sale's per-user limit so that {@code maxAttempts} fit in it.
     * Every loop is bounded by {@code maxAttempts}, by the end of the window and by {@code deadline}.
     */
    public static Result run(
            Api api,
            String saleId,
            String keyPrefix,
            List<String> users,
            Map<String, String> tokens,
            int concurrency,
            Duration warmup,
            Duration measure,
            long maxAttempts,
            Deadline deadline) {
        String path = "/api/sales/" + saleId + "/purchases";
        Map<String, Object> body = Map.of("quantity", 1);
        AtomicLong next = new AtomicLong();
        AtomicLong successes = new AtomicLong();
        Histogram latency = new ConcurrentHistogram(3);
        ConcurrentLinkedQueue<Burst.Outcome> inWindow = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long windowStart = start + warmup.toNanos();
        long windowEnd = windowStart + measure.toNanos();

        CountDownLatch done = new CountDownLatch(concurrency);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        for (int w = 0; w < concurrency; w++) {
            executor.execute(() -> {
                try {
                    while (System.nanoTime() - windowEnd < 0 && !deadline.expired()) {
                        long index = next.getAndIncrement();
                        if (index >= maxAttempts) {
                            return;
                        }
                        String user = users.get((int) (index % users.size()));
                        long sentAt = System.nanoTime();
                        Burst.Outcome outcome = Burst.purchase(api, path, body, tokens.get(user), keyPrefix + index);
                        long answeredAt = System.nanoTime();
                        if (answeredAt - windowStart >= 0 && answeredAt - windowEnd < 0) {
                            inWindow.add(outcome);
                            if (outcome.status() == 201 || outcome.status() == 202) {
                                successes.incrementAndGet();
                                latency.recordValue(Math.max(1, (answeredAt - sentAt) / 1_000));
                            }
                        }
                        if (outcome.status() == Burst.Outcome.CANCELLED) {
                            return;
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        boolean finished;
        try {
            finished = done.await(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        executor.shutdownNow();
        long measuredNanos = Math.max(1, Math.min(System.nanoTime(), windowEnd) - windowStart);
        return new Result(
                successes.get(),
                Duration.ofNanos(measuredNanos),
                List.copyOf(inWindow),
                latency.copy(),
                Math.min(next.get(), maxAttempts),
                !finished || measuredNanos < measure.toNanos());
    }
}
