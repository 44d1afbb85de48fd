package io.stampede.live.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.stampede.event.port.EventFeed;
import io.stampede.inventory.application.Reconciliation;
import io.stampede.live.port.AttemptTotals;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockFigures;
import io.stampede.shared.live.AttemptCounts;
import io.stampede.shared.live.AttemptCounts.Outcome;
import io.stampede.testsupport.MutableClock;
import io.stampede.testsupport.Offers;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard shows every attempt of every instance once, even when a machine too busy to keep the beat hands a
 * second off late or skips a frame.
 */
class LiveDashboardTest {
    private final MutableClock clock = new MutableClock();
    private final SaleService sales = mock(SaleService.class);
    private final InMemoryTotals totals = new InMemoryTotals();
    private final AttemptCounts counts = new AttemptCounts(clock);
    private LiveDashboard dashboard;

    @BeforeEach
    void setUp() {
        clock.set(Instant.parse("2026-12-02T10:00:00Z"));
        Sale sale = Offers.sale().stock(100).on(clock).definition("s-1");
        when(sales.list()).thenReturn(List.of(new SaleService.SaleWithStock(sale, StockFigures.of(100, 0, 0))));
        EventFeed feed = mock(EventFeed.class);
        when(feed.after(anyLong(), anyInt())).thenReturn(new EventFeed.Page(List.of(), 0));
        dashboard = new LiveDashboard(sales, counts, totals, mock(Reconciliation.class), feed, () -> null, clock);
    }

    @Test
    void aSecondHandedOffAfterItsFrameShowsInTheNextFrameInsteadOfNever() {
        at("10:00:00.300");
        counts.record("s-1", Outcome.PLACED, 1_000);
        at("10:00:01.000");
        dashboard.publishAttempts(); // on time
        at("10:00:01.500");
        assertThat(placed(dashboard.sample())).isEqualTo(1);

        at("10:00:01.200");
        counts.record("s-1", Outcome.PLACED, 1_000);
        counts.record("s-1", Outcome.SOLD_OUT, 1_000);
        at("10:00:02.500");
        LiveDashboard.Frame beforeTheLateHandOff = dashboard.sample(); // reads second 1, still empty
        assertThat(placed(beforeTheLateHandOff)).isZero();
        at("10:00:02.700");
        dashboard.publishAttempts(); // second 1 handed off 700 ms after its end: it counts in second 2
        at("10:00:03.500");
        LiveDashboard.Frame next = dashboard.sample();
        assertThat(next.second()).isEqualTo(epochSecond("10:00:02"));
        assertThat(placed(next)).isEqualTo(1);
        assertThat(line(next).attempts().get("sold_out")).isEqualTo(1);
    }

    @Test
    void aFrameAfterSkippedOnesAddsUpTheSecondsItMissed() {
        for (int s = 0; s < 4; s++) { // one attempt in each of seconds 0..3, each handed off on time
            at("10:00:0" + s + ".100");
            counts.record("s-1", Outcome.PLACED, 1_000);
            at("10:00:0" + (s + 1) + ".000");
            dashboard.publishAttempts();
        }
        at("10:00:01.500");
        assertThat(placed(dashboard.sample())).as("second 0").isEqualTo(1);
        at("10:00:01.900");
        assertThat(placed(dashboard.sample()))
                .as("second 0 read again, not counted twice")
                .isEqualTo(1);
        at("10:00:04.600"); // the frames of seconds 1 and 2 were skipped
        LiveDashboard.Frame late = dashboard.sample();
        assertThat(late.second()).isEqualTo(epochSecond("10:00:03"));
        assertThat(placed(late)).isEqualTo(3);

        dashboard.pause(); // nobody watches; the next watcher starts with the second just ended
        at("10:00:30.500");
        assertThat(dashboard.sample().second()).isEqualTo(epochSecond("10:00:29"));
    }

    private void at(String time) {
        clock.set(Instant.parse("2026-12-02T" + time + "Z"));
    }

    private static long epochSecond(String time) {
        return Instant.parse("2026-12-02T" + time + "Z").getEpochSecond();
    }

    private static LiveDashboard.SaleLine line(LiveDashboard.Frame frame) {
        return frame.sales().getFirst();
    }

    private static long placed(LiveDashboard.Frame frame) {
        return line(frame).attempts().get("placed");
    }

    /** The sums in Redis, as every instance adds to them. */
    private static final class InMemoryTotals implements AttemptTotals {
        private final Map<String, AttemptCounts.Second> sums = new HashMap<>();

        @Override
        public synchronized void add(Collection<AttemptCounts.Second> seconds) {
            for (AttemptCounts.Second s : seconds) {
                sums.merge(s.saleId() + ":" + s.epochSecond(), s, AttemptCounts.Second::plus);
            }
        }

        @Override
        public synchronized Map<String, AttemptCounts.Second> read(Collection<String> saleIds, long epochSecond) {
            Map<String, AttemptCounts.Second> out = new HashMap<>();
            for (String id : saleIds) {
                AttemptCounts.Second s = sums.get(id + ":" + epochSecond);
                if (s != null) {
                    out.put(id, s);
                }
            }
            return out;
        }
    }
}
