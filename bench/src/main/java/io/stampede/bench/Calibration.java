package io.stampede.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
        TimedLoop.Result loop = TimedLoop.run(
                concurrency,
                warmup,
                measure,
                maxAttempts,
                status -> status == 201 || status == 202,
                index -> Burst.purchase(
                        api, path, body, tokens.get(users.get((int) (index % users.size()))), keyPrefix + index),
                deadline);
        return new Result(
                loop.successes(),
                loop.measured(),
                loop.windowOutcomes(),
                loop.latencyMicros(),
                loop.sent(),
                loop.cutShort());
    }
}
