package io.stampede.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The waiting crowd asking for its place: {@code GET /api/sales/{id}/room} at a fixed rate (open loop), shopper after
 * shopper in a shuffled order, over a fixed set of keep-alive connections ({@link Wire}), until closed. Poll i falls
 * due at t0 + i / rate; a poll that cannot leave within a second of its due time (every connection busy) is dropped
 * and counted, as {@link OpenLoop} does. Latency is taken from the due time. The admission tokens the answers hand
 * out are kept for the shoppers, as a page would keep them.
 */
final class RoomPolls implements AutoCloseable {

    /** Counts so far: polls sent, answered (any HTTP status), answered 200, and dropped. */
    record Snapshot(long sent, long answered, long ok, long dropped) {}

    private static final long MAX_LAG_NANOS = OpenLoop.MAX_SEND_LAG.toNanos();

    private final AtomicLong next = new AtomicLong();
    private final LongAdder sent = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final Map<String, LongAdder> others = new ConcurrentHashMap<>();
    private final Recorder latencyMicros = new Recorder(3);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    private RoomPolls(
            URI base,
            Duration timeout,
            String path,
            String[] jwts,
            int[] order,
            double rate,
            int connections,
            AtomicReferenceArray<String> admissionTokens) {
        double periodNanos = 1e9 / rate;
        long t0 = System.nanoTime() + 20_000_000;
        for (int c = 0; c < connections; c++) {
            Wire wire = new Wire(base, timeout);
            threads.add(Thread.ofVirtual().name("room-polls-" + c).start(() -> {
                try {
                    while (!stopping) {
                        long index = next.getAndIncrement();
                        long due = t0 + Math.round(index * periodNanos);
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0 && !stopping) {
                            LockSupport.parkNanos(Math.min(wait, 50_000_000));
                        }
                        if (stopping) {
                            return;
                        }
                        long sentAt = System.nanoTime();
                        if (sentAt - due > MAX_LAG_NANOS) {
                            dropped.increment();
                            continue;
                        }
                        int shopper = order[(int) (index % order.length)];
                        sent.increment();
                        Wire.Reply reply = wire.send("GET", path, jwts[shopper], "", null);
                        long answeredAt = System.nanoTime();
                        if (reply.status() > 0) {
                            answered.increment();
                        }
                        if (reply.status() == 200) {
                            ok.increment();
                            latencyMicros.recordValue(Math.max(1, (answeredAt - due) / 1_000));
                            RoomPlan.Place place = RoomPlan.parse(reply.body());
                            if (place.admissionToken() != null) {
                                admissionTokens.compareAndSet(shopper, null, place.admissionToken());
                            }
                        } else {
                            String kind = TimedLoop.kind(new Burst.Outcome(reply.status(), reply.code(), null));
                            others.computeIfAbsent(kind, k -> new LongAdder()).increment();
                        }
                    }
                } finally {
                    wire.close();
                }
            }));
        }
    }

    /**
     * Starts polling {@code path} as the shoppers {@code order[0]}, {@code order[1]}, … (indices into {@code jwts}),
     * round and round, at {@code rate} a second over {@code connections} connections.
     */
    static RoomPolls start(
            URI base,
            Duration timeout,
            String path,
            String[] jwts,
            int[] order,
            double rate,
            int connections,
            AtomicReferenceArray<String> admissionTokens) {
        return new RoomPolls(base, timeout, path, jwts, order, rate, connections, admissionTokens);
    }

    Snapshot snapshot() {
        return new Snapshot(sent.sum(), answered.sum(), ok.sum(), dropped.sum());
    }

    /** The latencies (µs from the due time) of the 200s since the last call. */
    Histogram latencySinceLastCall() {
        return latencyMicros.getIntervalHistogram();
    }

    /** Answers other than 200, by kind. */
    Map<String, Long> others() {
        Map<String, Long> copy = new TreeMap<>();
        others.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(60));
        }
    }
}
