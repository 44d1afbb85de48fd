package io.stampede.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A timed closed loop of any request: {@code concurrency} workers, each sending its next request as soon as the last
 * one is answered, for an unmeasured warm-up and then a measured window ({@link Calibration} runs purchases on it).
 * Only answers that arrive inside the window count; a request in flight when the window closes is finished but not
 * counted, so that nothing is left running behind the caller's back.
 */
final class TimedLoop {

    /** Sends request number {@code index} (0, 1, 2, … across warm-up and window); failures are outcomes, not throws. */
    @FunctionalInterface
    interface Request {
        Burst.Outcome send(long index);
    }

    /**
     * The window's figures: successful answers, every answer, latency of the successful ones (send to answer, in
     * microseconds), the answers themselves, how many requests were sent in all (warm-up included), and the CPU the
     * server used during the window in nanoseconds (-1 when not measured), and the latency of the other answers
     * (refusals, errors).
     */
    record Result(
            long successes,
            long answered,
            Duration measured,
            Histogram latencyMicros,
            List<Burst.Outcome> windowOutcomes,
            long sent,
            boolean cutShort,
            long serverCpuNanos,
            Histogram otherLatencyMicros) {

        /** The server's CPU per answer of the window in microseconds, NaN when not measured or nothing answered. */
        double serverCpuMicrosPerAnswer() {
            return serverCpuNanos < 0 || answered == 0 ? Double.NaN : serverCpuNanos / 1e3 / answered;
        }

        double successRate() {
            return successes / seconds();
        }

        double answerRate() {
            return answered / seconds();
        }

        double seconds() {
            return measured.toNanos() / 1e9;
        }

        /** The window's answers by {@link #kind}. */
        Map<String, Long> answers() {
            Map<String, Long> answers = new TreeMap<>();
            windowOutcomes.forEach(o -> answers.merge(kind(o), 1L, Long::sum));
            return answers;
        }

        /** The answers in the window that were not successes, by kind; empty when every answer succeeded. */
        Map<String, Long> failures(IntPredicate success) {
            Map<String, Long> failures = new TreeMap<>();
            answers().forEach((kind, count) -> {
                if (!success.test(statusOf(kind))) {
                    failures.put(kind, count);
                }
            });
            return failures;
        }
    }

    private TimedLoop() {}

    /**
     * Runs the loop; bounded by the end of the window, by {@code maxRequests} and by {@code deadline}.
     *
     * @param success which HTTP statuses count as successes (their latency goes into the histogram)
     */
    static Result run(
            int concurrency,
            Duration warmup,
            Duration measure,
            long maxRequests,
            IntPredicate success,
            Request request,
            Deadline deadline) {
        return run(concurrency, warmup, measure, maxRequests, success, request, deadline, null);
    }

    /**
     * Runs the loop as {@link #run(int, Duration, Duration, long, IntPredicate, Request, Deadline)} does, and reads
     * {@code serverCpuNanos} (the server's CPU time so far, -1 when unreadable; null: none) when the window opens and
     * when it closes.
     */
    static Result run(
            int concurrency,
            Duration warmup,
            Duration measure,
            long maxRequests,
            IntPredicate success,
            Request request,
            Deadline deadline,
            LongSupplier serverCpuNanos) {
        AtomicLong next = new AtomicLong();
        Histogram latency = new ConcurrentHistogram(3);
        Histogram otherLatency = new ConcurrentHistogram(3);
        ConcurrentLinkedQueue<Burst.Outcome> inWindow = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long windowStart = start + warmup.toNanos();
        long windowEnd = windowStart + measure.toNanos();

        CountDownLatch done = new CountDownLatch(concurrency);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        // the server's CPU at the window's start and end, read on time by a thread of its own; -1 until read
        AtomicLongArray cpu = new AtomicLongArray(new long[] {-1, -1});
        Thread cpuReader = serverCpuNanos == null
                ? null
                : Thread.ofVirtual().start(() -> {
                    try {
                        TimeUnit.NANOSECONDS.sleep(windowStart - System.nanoTime());
                        cpu.set(0, serverCpuNanos.getAsLong());
                        TimeUnit.NANOSECONDS.sleep(windowEnd - System.nanoTime());
                        cpu.set(1, serverCpuNanos.getAsLong());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        for (int w = 0; w < concurrency; w++) {
            executor.execute(() -> {
                try {
                    while (System.nanoTime() - windowEnd < 0 && !deadline.expired()) {
                        long index = next.getAndIncrement();
                        if (index >= maxRequests) {
                            return;
                        }
                        long sentAt = System.nanoTime();
                        Burst.Outcome outcome = request.send(index);
                        long answeredAt = System.nanoTime();
                        if (answeredAt - windowStart >= 0 && answeredAt - windowEnd < 0) {
                            inWindow.add(outcome);
                            if (outcome.status() > 0) {
                                (success.test(outcome.status()) ? latency : otherLatency)
                                        .recordValue(Math.max(1, (answeredAt - sentAt) / 1_000));
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
        long cpuNanos = -1;
        if (cpuReader != null) {
            try {
                if (!cpuReader.join(Duration.ofSeconds(5))) {
                    cpuReader.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cpuNanos = cpu.get(0) >= 0 && cpu.get(1) >= 0 ? cpu.get(1) - cpu.get(0) : -1;
        }
        long measuredNanos = Math.max(1, Math.min(System.nanoTime(), windowEnd) - windowStart);
        List<Burst.Outcome> outcomes = List.copyOf(inWindow);
        return new Result(
                outcomes.stream()
                        .filter(o -> o.status() > 0 && success.test(o.status()))
                        .count(),
                outcomes.stream().filter(o -> o.status() > 0).count(),
                Duration.ofNanos(measuredNanos),
                latency.copy(),
                outcomes,
                Math.min(next.get(), maxRequests),
                !finished || measuredNanos < measure.toNanos(),
                cpuNanos,
                otherLatency.copy());
    }

    /** One GET, as an outcome: the status and problem code, a transport error, or cancelled when interrupted. */
    static Burst.Outcome get(Api api, String path) {
        try {
            Api.Reply reply = api.get(path, null);
            return new Burst.Outcome(reply.status(), reply.code(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Burst.Outcome(Burst.Outcome.CANCELLED, "deadline", null);
        } catch (IOException e) {
            return new Burst.Outcome(Burst.Outcome.TRANSPORT_ERROR, Burst.describe(e), null);
        }
    }

    /** The kind of an answer for the breakdown: "201", "409 SOLD_OUT", "transport error IOException (…)", … */
    static String kind(Burst.Outcome o) {
        return switch (o.status()) {
            case Burst.Outcome.TRANSPORT_ERROR -> "transport error " + o.code();
            case Burst.Outcome.CANCELLED -> "cancelled";
            case Burst.Outcome.NOT_SENT -> "not sent";
            default -> o.status() + (o.code() == null ? "" : " " + o.code());
        };
    }

    /** The HTTP status a {@link #kind} starts with, or -1 for the kinds without one. */
    static int statusOf(String kind) {
        int space = kind.indexOf(' ');
        String head = space < 0 ? kind : kind.substring(0, space);
        return head.matches("[0-9]{3}") ? Integer.parseInt(head) : -1;
    }
}
