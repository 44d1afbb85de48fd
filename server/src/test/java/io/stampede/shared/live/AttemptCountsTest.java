package io.stampede.shared.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stampede.shared.live.AttemptCounts.Outcome;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AttemptCountsTest {
    @Test
    void everyAttemptOfManyThreadsIsCountedOnceInItsSecond() throws Exception {
        AttemptCounts counts = new AttemptCounts(Clock.systemUTC());
        int threads = 8;
        int each = 5_000;
        CyclicBarrier together = new CyclicBarrier(threads);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                all.add(pool.submit(() -> {
                    together.await();
                    for (int i = 0; i < each; i++) {
                        // the seconds move on while the threads count: 100, then 101, then 102
                        long second = 100 + (i * 3L / each);
                        Outcome outcome = (i + thread) % 5 == 0 ? Outcome.PLACED : Outcome.SOLD_OUT;
                        counts.record("s-1", outcome, 1_000_000, second);
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        List<AttemptCounts.Second> drained = new ArrayList<>(counts.drain(103));
        drained.addAll(counts.drain(104));

        long placed = drained.stream().mapToLong(s -> s.count(Outcome.PLACED)).sum();
        long soldOut =
                drained.stream().mapToLong(s -> s.count(Outcome.SOLD_OUT)).sum();
        long timed = drained.stream()
                .flatMap(s -> s.latencyBuckets().stream())
                .mapToLong(Long::longValue)
                .sum();
        // a thread that read the window of second 100 just before another replaced it adds to the newer window: no
        // add is lost, none counted twice
        assertThat(placed + soldOut).isEqualTo((long) threads * each);
        assertThat(timed).isEqualTo((long) threads * each);
        assertThat(drained).extracting(AttemptCounts.Second::epochSecond).doesNotHaveDuplicates();
        assertThat(drained).extracting(AttemptCounts.Second::epochSecond).containsOnly(100L, 101L, 102L);
        assertThat(counts.drain(200)).as("each second is handed off once").isEmpty();
    }

    @Test
    void aHandOffWhileManyThreadsCountLosesNoAttempt() throws Exception {
        AttemptCounts counts = new AttemptCounts(Clock.systemUTC());
        int threads = 6;
        int each = 20_000;
        CyclicBarrier together = new CyclicBarrier(threads + 1);
        AtomicLong now = new AtomicLong(1_000);
        AtomicBoolean counting = new AtomicBoolean(true);
        List<AttemptCounts.Second> drained = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(threads + 1)) {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                all.add(pool.submit(() -> {
                    together.await();
                    for (int i = 0; i < each; i++) {
                        counts.record("s-1", i % 2 == 0 ? Outcome.PLACED : Outcome.SOLD_OUT, 1_000, now.get());
                    }
                    return null;
                }));
            }
            // the publisher hands off every finished second while the counters are in it
            Future<?> publisher = pool.submit(() -> {
                together.await();
                while (counting.get()) {
                    drained.addAll(counts.drain(now.incrementAndGet()));
                    Thread.onSpinWait();
                }
                return null;
            });
            for (Future<?> f : all) {
                f.get();
            }
            counting.set(false);
            publisher.get();
        }
        drained.addAll(counts.drain(Long.MAX_VALUE));

        long attempts = drained.stream()
                .mapToLong(s -> s.count(Outcome.PLACED) + s.count(Outcome.SOLD_OUT))
                .sum();
        long timed = drained.stream()
                .flatMap(s -> s.latencyBuckets().stream())
                .mapToLong(Long::longValue)
                .sum();
        assertThat(drained.size()).as("the hand-offs raced the counting").isGreaterThan(1);
        assertThat(attempts).isEqualTo((long) threads * each);
        // (an add stamped with a second already handed off opens that second again: the sums in Redis add up)
        assertThat(timed).isEqualTo((long) threads * each);
    }

    @Test
    void withinOneSecondNothingIsLost() throws Exception {
        AttemptCounts counts = new AttemptCounts(Clock.systemUTC());
        int threads = 8;
        int each = 10_000;
        CyclicBarrier together = new CyclicBarrier(threads);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                all.add(pool.submit(() -> {
                    together.await();
                    for (int i = 0; i < each; i++) {
                        counts.record("s-1", Outcome.SOLD_OUT, -1, 7);
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        assertThat(counts.drain(7)).as("the second is not over").isEmpty();
        List<AttemptCounts.Second> drained = counts.drain(8);
        assertThat(drained).singleElement().satisfies(s -> {
            assertThat(s.count(Outcome.SOLD_OUT)).isEqualTo((long) threads * each);
            assertThat(s.latencyBuckets().stream().mapToLong(Long::longValue).sum())
                    .as("untimed attempts add no latency")
                    .isZero();
        });
    }

    @Test
    void onlyPurchasePathsRefusedAtAdmissionAreCounted() {
        AttemptCounts counts = new AttemptCounts(Clock.fixed(Instant.ofEpochSecond(1), ZoneOffset.UTC));
        counts.refusedAtAdmission("/api/sales/s-9/purchases");
        counts.refusedAtAdmission("/api/coupon-campaigns/c-1/claims");
        counts.refusedAtAdmission("/api/sales/a/b/purchases");
        counts.refusedAtAdmission("/api/sales//purchases");
        assertThat(counts.drain(2)).singleElement().satisfies(s -> {
            assertThat(s.saleId()).isEqualTo("s-9");
            assertThat(s.count(Outcome.RATE_LIMITED)).isEqualTo(1);
        });
    }

    @Test
    void quantilesAreReadFromTheBucketsWithinTheirWidth() {
        List<Long> buckets = new ArrayList<>(Collections.nCopies(LatencyBuckets.COUNT, 0L));
        buckets.set(LatencyBuckets.bucketOf(1_000_000), 98L); // 1 ms
        buckets.set(LatencyBuckets.bucketOf(100_000_000), 2L); // 100 ms
        assertThat(LatencyBuckets.quantileMillis(buckets, 0.5)).isCloseTo(1.0, within(0.19));
        assertThat(LatencyBuckets.quantileMillis(buckets, 0.98)).isCloseTo(1.0, within(0.19));
        assertThat(LatencyBuckets.quantileMillis(buckets, 0.99)).isCloseTo(100.0, within(19.0));
        assertThat(LatencyBuckets.quantileMillis(Collections.nCopies(LatencyBuckets.COUNT, 0L), 0.5))
                .isNaN();
        assertThat(LatencyBuckets.bucketOf(Long.MAX_VALUE)).isEqualTo(LatencyBuckets.COUNT - 1);
        assertThat(LatencyBuckets.bucketOf(0)).isZero();
        for (long nanos = 1_500; nanos < 10_000_000_000L; nanos = nanos * 3 / 2) {
            double upper = LatencyBuckets.upperMillis(LatencyBuckets.bucketOf(nanos));
            assertThat(upper).as("%d ns", nanos).isBetween(nanos / 1e6, nanos / 1e6 * 1.19);
        }
    }
}
