package io.stampede.bench;

import java.io.IOException;
import java.time.Duration;

/**
 * A sale's stock figures once they have not moved for a second (the contract's "within a second of quiet"), read
 * with {@code GET /api/sales/{id}} and bounded by a budget.
 *
 * @param figures     the last figures read, or null when none could be read
 * @param stillMoving true when the budget ran out before a second of quiet
 * @param problem     why the figures could not be read, or null
 */
record Settled(Oversell.Figures figures, boolean stillMoving, String problem) {

    private static final Duration QUIET = Duration.ofSeconds(1);

    static Settled read(Api api, String saleId, Duration budget) throws InterruptedException {
        Deadline until = Deadline.in(budget);
        Oversell.Figures last = null;
        String problem = null;
        long quietSince = System.nanoTime();
        while (true) {
            Oversell.Figures now;
            try {
                Api.Reply reply = api.get("/api/sales/" + saleId, null);
                now = Oversell.Figures.of(reply);
                problem = now == null ? "GET /api/sales/{id} -> HTTP " + reply.status() : null;
            } catch (IOException e) {
                now = null;
                problem = e.getClass().getSimpleName();
            }
            if (now != null && !now.equals(last)) {
                last = now;
                quietSince = System.nanoTime();
            }
            if (last != null && System.nanoTime() - quietSince >= QUIET.toNanos()) {
                return new Settled(last, false, null);
            }
            if (until.expired()) {
                return new Settled(last, last != null, problem);
            }
            Thread.sleep(250);
        }
    }
}
