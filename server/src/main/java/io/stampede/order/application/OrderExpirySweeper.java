package io.stampede.order.application;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Expires unpaid orders at their payment deadline. Safe with many instances: each batch is claimed with
 * {@code FOR UPDATE SKIP LOCKED}, and every expiry is a conditional update done once. After downtime it catches up
 * by sweeping batch after batch until nothing is due.
 */
@Component
public class OrderExpirySweeper {
    private static final Logger log = LoggerFactory.getLogger(OrderExpirySweeper.class);
    private static final int BATCH = 200;

    private final OrderLifecycle lifecycle;
    private final Clock clock;

    public OrderExpirySweeper(OrderLifecycle lifecycle, Clock clock) {
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${stampede.expiry.interval:1s}")
    public void scheduled() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("Expiry sweep failed (retrying): {}", e.getMessage());
        }
    }

    /** Expires every order due now, batch after batch; returns how many this call expired. */
    public int sweep() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        int total = 0;
        int expired;
        do {
            expired = lifecycle.expireDue(now, BATCH);
            total += expired;
        } while (expired > 0);
        if (total > 0) {
            log.info("Expired {} unpaid order(s) past their payment deadline", total);
        }
        return total;
    }
}
