package io.stampede.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Sends the attempts of a {@link Plan} at a fixed rate, whatever the service answers (open loop):
 * attempt i is due at t0 + i / rate, one scheduler thread starts a virtual thread for it when it is
 * due and never waits for an answer. Latency is measured from the due time, not from the moment the
 * request left, so a driver or service that falls behind shows up in the latencies instead of
 * silently lowering the offered load (no coordinated omission); how far the sends themselves lagged
 * is recorded separately so a driver that could not keep up is visible.
 *
 * <p>A service that stops answering would make an open loop hold ever more connections until the
 * driver runs out of file descriptors, so open requests are capped: an attempt that falls due while
 * {@code maxInFlight} requests are open is not sent and is counted as dropped (what k6 calls a dropped
 * iteration); the scheduler still never waits.
 */
public final class OpenLoop {

    /**
     * What the phase did. Latencies are in microseconds from the due time; {@code successesPerSecond[k]}
     * counts 201/202 answers that arrived in second k after t0; those that arrived after the sending
     * window are in {@code successesAfterWindow}.
     */
    public record Result(Plan plan, List<Burst.Outcome> outcomes, double rate, Duration window,
                         Histogram successMicros, Histogram rejectionMicros, Histogram errorMicros,
                         Histogram sendLagMicros, long[] successesPerSecond, long successesAfterWindow,
                         Duration lastSend, long dropped, int maxInFlight, Duration wall, boolean cutShort) {

        public long sent() {
            return outcomes.stream().filter(o -> o.status() != Burst.Outcome.NOT_SENT).count();
        }

        /** The rate the requests actually left at: what the service was offered if the driver fell behind. */
        public double achievedRate() {
            double seconds = lastSend.toNanos() / 1e9 + 1 / rate; // the last request's own slot counts too
            return sent() / seconds;
        }
    }

    private OpenLoop() {}

    /**
     * Sends every attempt of {@code plan} at {@code rate} per second, then waits for the answers.
     * Sending stops at {@code deadline} (the rest count as not sent) and so does waiting (requests still
     * open are interrupted and count as cancelled).
     */
    public static Result run(Api api, String saleId, Plan plan, Map<String, String> tokens, double rate,
                             int maxInFlight, Deadline deadline) {
        int n = plan.size();
        String path = "/api/sales/" + saleId + "/purchases";
        Map<String, Object> body = Map.of("quantity", 1);
        double periodNanos = 1e9 / rate;
        Duration window = Duration.ofNanos(Math.round(n * periodNanos));
        int wholeSeconds = (int) Math.max(1, window.toSeconds());

        AtomicReferenceArray<Burst.Outcome> outcomes = new AtomicReferenceArray<>(n);
        Histogram success = new ConcurrentHistogram(3);
        Histogram rejection = new ConcurrentHistogram(3);
        Histogram error = new ConcurrentHistogram(3);
        Histogram lag = new ConcurrentHistogram(3);
        AtomicLongArray perSecond = new AtomicLongArray(wholeSeconds);
        AtomicLong afterWindow = new AtomicLong();
        AtomicLong lastSentAt = new AtomicLong(Long.MIN_VALUE);
        AtomicInteger open = new AtomicInteger();
        long dropped = 0;
        CountDownLatch done = new CountDownLatch(n);

        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        long t0 = System.nanoTime() + 10_000_000; // a little head start, so attempt 0 is not late already
        int scheduled = 0;
        for (; scheduled < n; scheduled++) {
            long due = t0 + Math.round(scheduled * periodNanos);
            // parkNanos may oversleep; the attempts that fell due meanwhile then go out back to back,
            // each still timed from its own due time
            long wait;
            while ((wait = due - System.nanoTime()) > 0 && !deadline.expired()) {
                LockSupport.parkNanos(Math.min(wait, deadline.remaining().toNanos()));
            }
            if (deadline.expired()) {
                break;
            }
            int index = scheduled;
            if (open.get() >= maxInFlight) {
                outcomes.set(index, DROPPED);
                dropped++;
                done.countDown();
                continue;
            }
            open.incrementAndGet();
            Plan.Attempt attempt = plan.attempts().get(index);
            String token = tokens.get(attempt.userId());
            executor.execute(() -> {
                try {
                    long sentAt = System.nanoTime();
                    lag.recordValue(Math.max(0, (sentAt - due) / 1_000));
                    lastSentAt.accumulateAndGet(sentAt, Math::max);
                    outcomes.set(index, Burst.Outcome.IN_FLIGHT);
                    Burst.Outcome outcome = Burst.purchase(api, path, body, token, attempt.key());
                    long answeredAt = System.nanoTime();
                    long micros = Math.max(1, (answeredAt - due) / 1_000);
                    switch (kind(outcome)) {
                        case SUCCESS -> {
                            success.recordValue(micros);
                            long second = (answeredAt - t0) / 1_000_000_000L;
                            if (answeredAt - t0 >= 0 && second < wholeSeconds) {
                                perSecond.incrementAndGet((int) second);
                            } else {
                                afterWindow.incrementAndGet();
                            }
                        }
                        case REJECTION -> rejection.recordValue(micros);
                        case ERROR -> error.recordValue(micros);
                        case OTHER -> { }
                    }
                    outcomes.set(index, outcome);
                } finally {
                    open.decrementAndGet();
                    done.countDown();
                }
            });
        }
        for (int i = scheduled; i < n; i++) {
            done.countDown(); // never started
        }

        boolean finished = Burst.awaitOrCancel(executor, done, deadline);
        long end = System.nanoTime();
        Burst.Outcome[] snapshot = Burst.snapshot(outcomes);
        long[] seconds = new long[wholeSeconds];
        for (int i = 0; i < wholeSeconds; i++) {
            seconds[i] = perSecond.get(i);
        }
        long lastSend = lastSentAt.get() == Long.MIN_VALUE ? 0 : Math.max(0, lastSentAt.get() - t0);
        return new Result(plan, Arrays.asList(snapshot), rate, window, success.copy(), rejection.copy(),
                error.copy(), lag.copy(), seconds, afterWindow.get(), Duration.ofNanos(lastSend), dropped,
                maxInFlight, Duration.ofNanos(end - t0), !finished || scheduled < n);
    }

    /** An attempt the driver did not send because {@code maxInFlight} requests were open when it fell due. */
    static final Burst.Outcome DROPPED = new Burst.Outcome(Burst.Outcome.NOT_SENT, "driver at --max-in-flight", null);

    enum Kind { SUCCESS, REJECTION, ERROR, OTHER }

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
