package io.stampede.inventory.application;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How often a sale is reconciled: the interval, or half the payment timeout when that is shorter. */
class ScheduledReconciliationTest {
    private static final Instant LAST = Instant.parse("2026-11-25T12:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(30);

    @Test
    void aLongPaymentTimeoutIsCheckedEveryInterval() {
        Duration timeout = Duration.ofMinutes(15);
        assertThat(ScheduledReconciliation.isDue(LAST, LAST.plusSeconds(29), INTERVAL, timeout))
                .isFalse();
        assertThat(ScheduledReconciliation.isDue(LAST, LAST.plusSeconds(30), INTERVAL, timeout))
                .isTrue();
    }

    @Test
    void aShortPaymentTimeoutIsCheckedTwiceWithinIt() {
        Duration timeout = Duration.ofSeconds(20);
        assertThat(ScheduledReconciliation.isDue(LAST, LAST.plusSeconds(9), INTERVAL, timeout))
                .isFalse();
        assertThat(ScheduledReconciliation.isDue(LAST, LAST.plusSeconds(10), INTERVAL, timeout))
                .isTrue();
    }
}
