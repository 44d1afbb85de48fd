package io.stampede.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Fires the attempts of a {@link Plan} at one sale, all at once, and records what came back. */
public final class Burst {

    /** What one attempt got back; {@code status} is negative when there was no HTTP answer. */
    public record Outcome(int status, String code, String orderId) {
        static final int TRANSPORT_ERROR = -1;
        static final int NOT_SENT = -2;
        static final int CANCELLED = -3;
        /** Marks a request on the wire, so one cut off at the deadline reads as cancelled, not as never sent. */
        static final Outcome IN_FLIGHT = new Outcome(CANCELLED, "no answer before the deadline", null);

        /** The request may have taken an order without the driver learning its id. */
        public boolean ambiguous() {
            return status == TRANSPORT_ERROR || status == CANCELLED || status >= 500;
        }

        public boolean ordered() {
            return (status == 201 || status == 202) && orderId != null;
        }
    }

    /** The outcomes (same order as the plan's attempts), latencies in microseconds and the burst's wall time. */
    public record Result(Plan plan, List<Outcome> outcomes, Histogram latencyMicros, Duration wall, boolean cutShort) {

        public long sent() {
            return outcomes.stream().filter(o -> o.status() != Outcome.NOT_SENT).count();
        }

        public long answered() {
            return outcomes.stream().filter(o -> o.status() > 0).count();
        }
    }

    private Burst() {}

    /**
     * Starts one virtual thread per attempt; they all wait on a start gate, and a semaphore bounds
     * how many are in flight once it opens. Latency is taken after the permit is acquired, so it is
     * the service's answer time, not time spent queueing in the driver (a closed-loop burst, not a
     * constant-rate test, so there is no coordinated-omission correction to make).
     */
    public static Result run(
            Api api, String saleId, Plan plan, Map<String, String> tokens, int concurrency, Deadline deadline) {
        int n = plan.size();
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(n);
        Semaphore permits = new Semaphore(concurrency, true);
        AtomicReferenceArray<Outcome> outcomes = new AtomicReferenceArray<>(n);
        Histogram histogram = new ConcurrentHistogram(3);
        String path = "/api/sales/" + saleId + "/purchases";
        Map<String, Object> body = Map.of("quantity", 1);

        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < n; i++) {
            int index = i;
            Plan.Attempt attempt = plan.attempts().get(i);
            executor.execute(() -> {
                try {
                    Outcome outcome = attempt(
                            api,
                            path,
                            body,
                            attempt,
                            tokens.get(attempt.userId()),
                            gate,
                            permits,
                            histogram,
                            deadline,
                            () -> outcomes.set(index, Outcome.IN_FLIGHT));
                    outcomes.set(index, outcome);
                } finally {
                    done.countDown();
                }
            });
        }

        long start = System.nanoTime();
        gate.countDown();
        boolean finished = awaitOrCancel(executor, done, deadline);
        long end = System.nanoTime();
        Outcome[] snapshot = snapshot(outcomes);
        return new Result(plan, Arrays.asList(snapshot), histogram.copy(), Duration.ofNanos(end - start), !finished);
    }

    private static Outcome attempt(
            Api api,
            String path,
            Map<String, Object> body,
            Plan.Attempt attempt,
            String token,
            CountDownLatch gate,
            Semaphore permits,
            Histogram histogram,
            Deadline deadline,
            Runnable onSend) {
        try {
            gate.await();
            permits.acquire();
        } catch (InterruptedException e) {
            return new Outcome(Outcome.NOT_SENT, "deadline", null);
        }
        try {
            if (deadline.expired()) {
                return new Outcome(Outcome.NOT_SENT, "deadline", null);
            }
            onSend.run();
            long start = System.nanoTime();
            Outcome outcome = purchase(api, path, body, token, attempt.key());
            if (outcome.status() > 0) {
                histogram.recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
            }
            return outcome;
        } finally {
            permits.release();
        }
    }

    /** One purchase request; a transport error or an interrupt becomes an outcome, never an exception. */
    static Outcome purchase(Api api, String path, Map<String, Object> body, String token, String key) {
        try {
            Api.Reply reply = api.post(path, token, body, Map.of("Idempotency-Key", key));
            String orderId = reply.status() == 201 || reply.status() == 202 ? Api.text(reply.body(), "orderId") : null;
            return new Outcome(reply.status(), reply.code(), orderId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(Outcome.CANCELLED, "deadline", null);
        } catch (IOException e) {
            return new Outcome(Outcome.TRANSPORT_ERROR, describe(e), null);
        }
    }

    /** The exception's type, and for a bare IOException (resets, closed connections) its message too. */
    static String describe(IOException e) {
        String type = e.getClass().getSimpleName();
        if (e.getClass() != IOException.class || e.getMessage() == null) {
            return type;
        }
        String message = e.getMessage().strip();
        return type + " (" + (message.length() > 60 ? message.substring(0, 60) + "…" : message) + ")";
    }

    /**
     * Waits for every attempt until the deadline; past it, interrupting cancels the requests still in flight, and
     * the threads get a moment to record that. True when all finished in time.
     */
    static boolean awaitOrCancel(ExecutorService executor, CountDownLatch done, Deadline deadline) {
        boolean finished;
        try {
            finished = done.await(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            executor.shutdownNow();
            try {
                done.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            executor.shutdown();
        }
        return finished;
    }

    /** The outcomes as recorded; an attempt that never recorded one was not sent before the deadline. */
    static Outcome[] snapshot(AtomicReferenceArray<Outcome> outcomes) {
        Outcome[] snapshot = new Outcome[outcomes.length()];
        for (int i = 0; i < snapshot.length; i++) {
            Outcome outcome = outcomes.get(i);
            snapshot[i] = outcome != null ? outcome : new Outcome(Outcome.NOT_SENT, "deadline", null);
        }
        return snapshot;
    }
}
