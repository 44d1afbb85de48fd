package io.stampede.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Sends the attempts of a {@link Plan} at a fixed rate, whatever the service answers (open loop): attempt i is
 * due at t0 + i / rate. The requests travel over a fixed set of keep-alive connections ({@link Wire}), as they
 * would from a load balancer in front of one instance: a connection that is free takes the next attempt that is
 * due and sends it at once. Latency is measured from the due time, not from the moment the request left, so a
 * service (or a driver) that falls behind shows up in the latencies instead of silently lowering the offered load
 * (no coordinated omission); how far the sends themselves lagged is recorded separately.
 *
 * <p>When every connection is busy, due attempts wait in the driver. One that could not leave within
 * {@link #MAX_SEND_LAG} of its due time is not sent and is counted as dropped (what k6 calls a dropped iteration;
 * what a load balancer does when its queue times out), so a service that stops answering cannot stretch the run
 * without bound.
 */
public final class OpenLoop {
    /** How long a due attempt may wait for a free connection before it is dropped. */
    static final Duration MAX_SEND_LAG = Duration.ofSeconds(1);

    /**
     * What the phase did. Latencies are in microseconds from the due time; {@code successesPerSecond[k]}
     * counts 201/202 answers that arrived in second k after t0; those that arrived after the sending
     * window are in {@code successesAfterWindow}.
     */
    @SuppressWarnings("ArrayRecordComponent") // a series filled once by the run and only read after it
    public record Result(
            Plan plan,
            List<Burst.Outcome> outcomes,
            double rate,
            Duration window,
            Histogram successMicros,
            Histogram rejectionMicros,
            Histogram errorMicros,
            Histogram sendLagMicros,
            Histogram successSentMicros,
            Histogram rejectionSentMicros,
            long[] successesPerSecond,
            long successesAfterWindow,
            Duration lastSend,
            long dropped,
            int maxInFlight,
            Duration wall,
            boolean cutShort) {

        public long sent() {
            return outcomes.stream()
                    .filter(o -> o.status() != Burst.Outcome.NOT_SENT)
                    .count();
        }

        /** The rate the requests actually left at: what the service was offered if the driver fell behind. */
        public double achievedRate() {
            double seconds = lastSend.toNanos() / 1e9 + 1 / rate; // the last request's own slot counts too
            return sent() / seconds;
        }
    }

    private OpenLoop() {}

    /**
     * Sends every attempt of {@code plan} at {@code rate} per second to {@code base} over {@code connections} keep-alive
     * connections, then waits for the answers. Sending stops at {@code deadline} (the rest count as not sent) and
     * so does waiting (requests still open are interrupted and count as cancelled).
     */
    public static Result run(
            URI base,
            Duration requestTimeout,
            String saleId,
            Plan plan,
            Map<String, String> tokens,
            double rate,
            int connections,
            Deadline deadline) {
        int n = plan.size();
        String path = "/api/sales/" + saleId + "/purchases";
        byte[] body = "{\"quantity\":1}".getBytes(StandardCharsets.UTF_8);
        double periodNanos = 1e9 / rate;
        Duration window = Duration.ofNanos(Math.round(n * periodNanos));
        int wholeSeconds = (int) Math.max(1, window.toSeconds());
        long maxLagNanos = MAX_SEND_LAG.toNanos();

        AtomicReferenceArray<Burst.Outcome> outcomes = new AtomicReferenceArray<>(n);
        Histogram success = new ConcurrentHistogram(3);
        Histogram rejection = new ConcurrentHistogram(3);
        Histogram error = new ConcurrentHistogram(3);
        Histogram lag = new ConcurrentHistogram(3);
        // the same answers timed from the moment the request left: what the service (and the wire) took, without
        // the driver's own send lag; read next to the due-time figures, never instead of them
        Histogram successSent = new ConcurrentHistogram(3);
        Histogram rejectionSent = new ConcurrentHistogram(3);
        AtomicLongArray perSecond = new AtomicLongArray(wholeSeconds);
        AtomicLong afterWindow = new AtomicLong();
        AtomicLong lastSentAt = new AtomicLong(Long.MIN_VALUE);
        AtomicLong dropped = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(n);

        List<Wire> wires = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            wires.add(new Wire(base, requestTimeout));
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        // open every connection before the clock starts, so that connecting is not part of any latency
        CountDownLatch connected = new CountDownLatch(connections);
        for (Wire wire : wires) {
            executor.execute(() -> {
                try {
                    wire.connect();
                } catch (IOException e) {
                    // the first request on it reconnects and reports what goes wrong then
                } finally {
                    connected.countDown();
                }
            });
        }
        awaitQuietly(connected, deadline);
        long t0 = System.nanoTime() + 20_000_000; // a little head start, so attempt 0 is not late already
        for (Wire wire : wires) {
            executor.execute(() -> {
                try {
                    for (int index = next.getAndIncrement(); index < n; index = next.getAndIncrement()) {
                        long due = t0 + Math.round(index * periodNanos);
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0 && !deadline.expired()) {
                            LockSupport.parkNanos(
                                    Math.min(wait, deadline.remaining().toNanos()));
                        }
                        long sentAt = System.nanoTime();
                        if (deadline.expired() || Thread.currentThread().isInterrupted()) {
                            outcomes.set(index, new Burst.Outcome(Burst.Outcome.NOT_SENT, "deadline", null));
                            done.countDown();
                            continue;
                        }
                        if (sentAt - due > maxLagNanos) {
                            outcomes.set(index, DROPPED);
                            dropped.incrementAndGet();
                            done.countDown();
                            continue;
                        }
                        lag.recordValue(Math.max(0, (sentAt - due) / 1_000));
                        lastSentAt.accumulateAndGet(sentAt, Math::max);
                        outcomes.set(index, Burst.Outcome.IN_FLIGHT);
                        Plan.Attempt attempt = plan.attempts().get(index);
                        Burst.Outcome outcome = wire.post(path, tokens.get(attempt.userId()), attempt.key(), body);
                        long answeredAt = System.nanoTime();
                        long micros = Math.max(1, (answeredAt - due) / 1_000);
                        long sentMicros = Math.max(1, (answeredAt - sentAt) / 1_000);
                        switch (kind(outcome)) {
                            case SUCCESS -> {
                                success.recordValue(micros);
                                successSent.recordValue(sentMicros);
                                long second = (answeredAt - t0) / 1_000_000_000L;
                                if (answeredAt - t0 >= 0 && second < wholeSeconds) {
                                    perSecond.incrementAndGet((int) second);
                                } else {
                                    afterWindow.incrementAndGet();
                                }
                            }
                            case REJECTION -> {
                                rejection.recordValue(micros);
                                rejectionSent.recordValue(sentMicros);
                            }
                            case ERROR -> error.recordValue(micros);
                            case OTHER -> {}
                        }
                        outcomes.set(index, outcome);
                        done.countDown();
                    }
                } finally {
                    wire.close();
                }
            });
        }

        boolean finished = Burst.awaitOrCancel(executor, done, deadline);
        long end = System.nanoTime();
        Burst.Outcome[] snapshot = Burst.snapshot(outcomes);
        long[] seconds = new long[wholeSeconds];
        for (int i = 0; i < wholeSeconds; i++) {
            seconds[i] = perSecond.get(i);
        }
        long lastSend = lastSentAt.get() == Long.MIN_VALUE ? 0 : Math.max(0, lastSentAt.get() - t0);
        return new Result(
                plan,
                Arrays.asList(snapshot),
                rate,
                window,
                success.copy(),
                rejection.copy(),
                error.copy(),
                lag.copy(),
                successSent.copy(),
                rejectionSent.copy(),
                seconds,
                afterWindow.get(),
                Duration.ofNanos(lastSend),
                dropped.get(),
                connections,
                Duration.ofNanos(end - t0),
                !finished);
    }

    private static void awaitQuietly(CountDownLatch latch, Deadline deadline) {
        try {
            latch.await(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An attempt the driver did not send: every connection stayed busy for {@link #MAX_SEND_LAG} after it fell due. */
    static final Burst.Outcome DROPPED = new Burst.Outcome(
            Burst.Outcome.NOT_SENT,
            "no free connection within " + MAX_SEND_LAG.toSeconds() + " s of its due time",
            null);

    enum Kind {
        SUCCESS,
        REJECTION,
        ERROR,
        OTHER
    }

    /** 201/202 succeed; 409, 429 and 503 are the service saying no; no HTTP answer is a transport error. */
    static Kind kind(Burst.Outcome outcome) {
        return switch (outcome.status()) {
            case 201, 202 -> Kind.SUCCESS;
            case 409, 429, 503 -> Kind.REJECTION;
            case Burst.Outcome.TRANSPORT_ERROR -> Kind.ERROR;
            default -> Kind.OTHER;
        };
    }
}
