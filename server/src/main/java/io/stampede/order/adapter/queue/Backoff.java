package io.stampede.order.adapter.queue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Growing pauses (100 ms doubling to 5 s) while queued orders cannot be written; one log line per outage. */
final class Backoff {
    private static final Logger log = LoggerFactory.getLogger(Backoff.class);
    private static final long FIRST = 100;
    private static final long MAX = 5_000;
    private long next = FIRST;
    private boolean logged;

    void pause(int waiting) {
        if (!logged) {
            logged = true;
            log.warn("{} queued order(s) cannot be written now (database down?); holding them and retrying", waiting);
        }
        try {
            Thread.sleep(next);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        next = Math.min(MAX, next * 2);
    }

    void recovered() {
        if (logged) {
            log.info("Queued orders are being written again");
        }
        logged = false;
        next = FIRST;
    }
}
