package io.stampede.shared.live;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.springframework.stereotype.Component;

/**
 * This instance's purchase attempts of the current second, per sale: counts by outcome and a coarse latency
 * histogram. Recording is a couple of adds; once a second {@link #drain} hands the finished seconds to whoever
 * publishes them (the live dashboard adds them up over every instance). No add is lost to the hand-off: a window
 * is read only once the adds already in it are done, and an add that finds its window closed moves to the next.
 */
@Component
public final class AttemptCounts {
    /** What an attempt came to, as the dashboard groups them. */
    public enum Outcome {
        PLACED,
        SOLD_OUT,
        LIMIT_EXCEEDED,
        RATE_LIMITED,
        UNAVAILABLE,
        OTHER;

        /** The name used in Redis and in the dashboard's JSON. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One finished second of one sale. */
    public record Second(String saleId, long epochSecond, Map<Outcome, Long> outcomes, List<Long> latencyBuckets) {
        public Second {
            outcomes = Map.copyOf(outcomes);
            latencyBuckets = List.copyOf(latencyBuckets);
        }

        /** Attempts of the second that came to {@code outcome}. */
        public long count(Outcome outcome) {
            return outcomes.getOrDefault(outcome, 0L);
        }

        /** The same counts, stamped with another second. */
        public Second at(long otherSecond) {
            return new Second(saleId, otherSecond, outcomes, latencyBuckets);
        }

        /** The counts of this second and of {@code other} together, stamped with this one's second. */
        public Second plus(Second other) {
            Map<Outcome, Long> sum = new EnumMap<>(Outcome.class);
            for (Outcome o : Outcome.values()) {
                sum.put(o, count(o) + other.count(o));
            }
            List<Long> buckets = new ArrayList<>(latencyBuckets.size());
            for (int b = 0; b < latencyBuckets.size(); b++) {
                buckets.add(
                        latencyBuckets.get(b) + (b < other.latencyBuckets.size() ? other.latencyBuckets.get(b) : 0L));
            }
            return new Second(saleId, epochSecond, sum, buckets);
        }
    }

    private final Clock clock;
    private final Map<String, AtomicReference<Window>> sales = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Second> finished = new ConcurrentLinkedQueue<>();

    public AttemptCounts(Clock clock) {
        this.clock = clock;
    }

    /** The epoch second it is now, by the clock every count is stamped with. */
    public long second() {
        return Math.floorDiv(clock.millis(), 1000L);
    }

    /** Counts one attempt, now; a latency below zero means the attempt was not timed (refused before it started). */
    public void record(String saleId, Outcome outcome, long latencyNanos) {
        record(saleId, outcome, latencyNanos, second());
    }

    /** Counts one attempt in the given second. */
    public void record(String saleId, Outcome outcome, long latencyNanos, long epochSecond) {
        AtomicReference<Window> current = sales.computeIfAbsent(saleId, id -> new AtomicReference<>(new Window(0)));
        // a newer second replaces the window; an attempt stamped a moment before the newest second (its thread
        // read the clock just before another thread moved on) counts in the newest, never turning the window back.
        // An add that finds its window closed (handed off under it) starts again from the window that replaced it
        for (; ; ) {
            Window w = current.get();
            while (w.epochSecond < epochSecond) {
                Window fresh = new Window(epochSecond);
                if (current.compareAndSet(w, fresh)) {
                    if (w.epochSecond != 0) {
                        finished.add(w.finish(saleId));
                    }
                    w = fresh;
                    break;
                }
                w = current.get();
            }
            if (w.add(outcome, latencyNanos)) {
                return;
            }
        }
    }

    /** The seconds finished before this one, each once. */
    public List<Second> drainFinished() {
        return drain(second());
    }

    /** The seconds finished before {@code epochSecond}, each once; windows left idle are finished here too. */
    public List<Second> drain(long epochSecond) {
        for (Map.Entry<String, AtomicReference<Window>> e : sales.entrySet()) {
            Window w = e.getValue().get();
            if (w.epochSecond != 0
                    && w.epochSecond < epochSecond
                    && e.getValue().compareAndSet(w, new Window(0))) {
                finished.add(w.finish(e.getKey()));
            }
        }
        List<Second> out = new ArrayList<>();
        for (Second s; (s = finished.poll()) != null; ) {
            out.add(s);
        }
        return out;
    }

    /**
     * Counts an attempt refused before it reached its sale's path (admission control), when the request is a
     * purchase: {@code /api/sales/{id}/purchases}.
     */
    public void refusedAtAdmission(String path) {
        String prefix = "/api/sales/";
        String suffix = "/purchases";
        if (path.startsWith(prefix) && path.endsWith(suffix) && path.length() > prefix.length() + suffix.length()) {
            String saleId = path.substring(prefix.length(), path.length() - suffix.length());
            if (saleId.indexOf('/') < 0 && saleId.length() <= 64) {
                record(saleId, Outcome.RATE_LIMITED, -1);
            }
        }
    }

    /** Forgets a sale (it ended). */
    public void forget(String saleId) {
        sales.remove(saleId);
    }

    private static final class Window {
        final long epochSecond;
        final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
        final AtomicLongArray latency = new AtomicLongArray(LatencyBuckets.COUNT);
        final AtomicInteger writers = new AtomicInteger();
        volatile boolean closed;

        Window(long epochSecond) {
            this.epochSecond = epochSecond;
            for (Outcome o : Outcome.values()) {
                outcomes.put(o, new LongAdder());
            }
        }

        /** Counts one attempt, unless the window was closed: then nothing is counted and it answers false. */
        boolean add(Outcome outcome, long latencyNanos) {
            writers.incrementAndGet();
            try {
                if (closed) {
                    return false;
                }
                Objects.requireNonNull(outcomes.get(outcome)).increment(); // every outcome has its adder
                if (latencyNanos >= 0) {
                    latency.incrementAndGet(LatencyBuckets.bucketOf(latencyNanos));
                }
                return true;
            } finally {
                writers.decrementAndGet();
            }
        }

        /**
         * Closes the window and reads it once the adds under way are done: an add counts itself among the writers
         * before it looks whether the window is closed, so any add not waited for here sees it closed.
         */
        Second finish(String saleId) {
            closed = true;
            for (int spins = 0; writers.get() != 0; spins++) {
                if (spins < 100) {
                    Thread.onSpinWait();
                } else { // a writer's thread lost its core mid-add: let it have one
                    LockSupport.parkNanos(10_000);
                }
            }
            Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
            outcomes.forEach((o, n) -> counts.put(o, n.sum()));
            List<Long> buckets = new ArrayList<>(LatencyBuckets.COUNT);
            for (int i = 0; i < LatencyBuckets.COUNT; i++) {
                buckets.add(latency.get(i));
            }
            return new Second(saleId, epochSecond, counts, buckets);
        }
    }
}
