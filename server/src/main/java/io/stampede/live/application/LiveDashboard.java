package io.stampede.live.application;

import io.stampede.event.application.EventTail;
import io.stampede.event.domain.DomainEvent;
import io.stampede.event.port.EventFeed;
import io.stampede.inventory.application.Reconciliation;
import io.stampede.live.port.AttemptTotals;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.SaleState;
import io.stampede.sale.domain.StockFigures;
import io.stampede.sale.port.SaleTurns;
import io.stampede.shared.live.AttemptCounts;
import io.stampede.shared.live.LatencyBuckets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * The operator's live view of the sales: one sample a second on this instance, whatever the number of dashboards
 * open. Stock figures come from the database, attempts and latencies from the sums every instance adds to Redis
 * each second (so they are right behind a load balancer), drift from a reconciliation report every five seconds,
 * and the tail of the outbox's event feed.
 */
@Service
public class LiveDashboard {
    private static final Logger log = LoggerFactory.getLogger(LiveDashboard.class);
    private static final int EVENTS_KEPT = 50;
    private static final int PAGE = 500;
    private static final Duration DRIFT_EVERY = Duration.ofSeconds(5);
    private static final Duration ENDED_SHOWN = Duration.ofMinutes(30);
    private static final int SALES_SHOWN = 50;
    /** A second's hand-off this long after its end may miss the read of it, half a second after its end. */
    private static final long LATE_AFTER_MILLIS = 400;
    /** The most seconds one frame catches up with, when the frames before it were late or skipped. */
    private static final int CATCH_UP_SECONDS = 5;

    private final SaleService sales;
    private final AttemptCounts counts;
    private final AttemptTotals totals;
    private final Reconciliation reconciliation;
    private final EventTail tail;
    private final IntakeDepth intake;
    private final Clock clock;

    private final ArrayDeque<DomainEvent> recent = new ArrayDeque<>();
    private final Map<String, Long> drift = new HashMap<>();
    private Instant driftReadAt = Instant.EPOCH;
    private long lastSecondRead; // 0: no frame since nobody watched

    public LiveDashboard(
            SaleService sales,
            AttemptCounts counts,
            AttemptTotals totals,
            Reconciliation reconciliation,
            EventFeed feed,
            IntakeDepth intake,
            Clock clock) {
        this.sales = sales;
        this.counts = counts;
        this.totals = totals;
        this.reconciliation = reconciliation;
        this.tail = new EventTail(feed, PAGE);
        this.intake = intake;
        this.clock = clock;
    }

    /** The queue depth of QUEUED intake, where it can be known. */
    public interface IntakeDepth {
        @Nullable
        Long depth();
    }

    /** The p50 and p99 of one second's purchase service times, in milliseconds. */
    public record Latency(double p50, double p99) {}

    /** One sale's line: its figures, and its attempts of the last second by outcome key ({@code placed}...). */
    public record SaleLine(
            String id,
            String name,
            String state,
            String strategy,
            String intake,
            StockFigures stock,
            Map<String, Long> attempts,
            @Nullable Latency latencyMs,
            @Nullable Long drift,
            String access,
            SaleTurns.@Nullable Room room,
            SaleTurns.@Nullable Draw draw) {}

    /** One sample of the dashboard. */
    public record Frame(
            Instant at,
            long second,
            List<SaleLine> sales,
            @Nullable Long intakeQueueDepth,
            List<DomainEvent> events) {
        /** The same frame with other events. */
        public Frame withEvents(List<DomainEvent> others) {
            return new Frame(at, second, sales, intakeQueueDepth, others);
        }
    }

    /**
     * Hands this instance's finished seconds of attempts to the sum over every instance: on every instance, at the
     * start of each second, half a second before any dashboard reads the second that just ended. A hand-off that
     * comes late (a busy machine, a pause), when a dashboard may have read that second already, adds its counts to
     * the current second instead: they show a second late rather than never.
     */
    @Scheduled(cron = "* * * * * *")
    public void publishAttempts() {
        List<AttemptCounts.Second> finished = counts.drainFinished();
        if (finished.isEmpty()) {
            return;
        }
        long nowMillis = clock.millis();
        long current = Math.floorDiv(nowMillis, 1000L);
        List<AttemptCounts.Second> stamped = new ArrayList<>(finished.size());
        for (AttemptCounts.Second s : finished) {
            boolean late = nowMillis >= (s.epochSecond() + 1) * 1000L + LATE_AFTER_MILLIS;
            stamped.add(late ? s.at(current) : s);
        }
        try {
            totals.add(stamped);
        } catch (RuntimeException e) { // the dashboard loses a second; purchases are not affected
            log.warn("live attempt counts not published: {}", e.toString());
        }
    }

    /**
     * One sample: {@code newEvents} are the events committed since the previous sample (the first sample only
     * catches up with the feed), {@link #recentEvents} the last fifty.
     */
    public synchronized Frame sample() {
        Instant now = clock.instant();
        List<DomainEvent> fresh = readEvents();
        List<SaleService.SaleWithStock> shown = new ArrayList<>();
        for (SaleService.SaleWithStock s : sales.list()) {
            if (shown.size() < SALES_SHOWN
                    && s.sale().endsAt().plus(ENDED_SHOWN).isAfter(now)) {
                shown.add(s);
            }
        }
        drift.keySet().retainAll(shown.stream().map(s -> s.sale().id()).toList()); // no figures of sales gone
        boolean readDrift = !now.isBefore(driftReadAt.plus(DRIFT_EVERY));
        if (readDrift) {
            driftReadAt = now;
        }
        // the second that ended half a second ago: every instance has added its counts of it by now. A frame that
        // comes late, after a frame was skipped, adds up the seconds since the last one read, so that no second's
        // attempts go unshown
        long second = Math.floorDiv(now.toEpochMilli(), 1000L) - 1;
        long from = lastSecondRead == 0 || lastSecondRead >= second
                ? second
                : Math.max(lastSecondRead + 1, second - CATCH_UP_SECONDS + 1);
        lastSecondRead = Math.max(lastSecondRead, second);
        List<String> ids = shown.stream().map(s -> s.sale().id()).toList();
        Map<String, AttemptCounts.Second> sums = new HashMap<>();
        try {
            for (long read = from; read <= second; read++) {
                totals.read(ids, read).forEach((id, s) -> sums.merge(id, s.at(second), AttemptCounts.Second::plus));
            }
        } catch (RuntimeException e) {
            log.debug("live attempt sums unreadable: {}", e.toString());
        }
        List<SaleLine> lines = new ArrayList<>(shown.size());
        for (SaleService.SaleWithStock s : shown) {
            Sale sale = s.sale();
            SaleState state = sale.stateAt(now, s.stock());
            if (readDrift) {
                updateDrift(sale, state);
            }
            AttemptCounts.Second sum = sums.get(sale.id());
            Map<String, Long> attempts = new LinkedHashMap<>();
            for (AttemptCounts.Outcome o : AttemptCounts.Outcome.values()) {
                attempts.put(o.key(), sum == null ? 0L : sum.count(o));
            }
            Latency latency = null;
            if (sum != null) {
                double p50 = LatencyBuckets.quantileMillis(sum.latencyBuckets(), 0.5);
                if (!Double.isNaN(p50)) {
                    latency = new Latency(round(p50), round(LatencyBuckets.quantileMillis(sum.latencyBuckets(), 0.99)));
                }
            }
            lines.add(new SaleLine(
                    sale.id(),
                    sale.name(),
                    state.name(),
                    sale.strategy().name(),
                    sale.intake().name(),
                    s.stock(),
                    attempts,
                    latency,
                    drift.get(sale.id()),
                    sale.access().name(),
                    s.turns().room(),
                    s.turns().draw()));
        }
        return new Frame(now, second, lines, intake.depth(), fresh);
    }

    private static double round(double millis) {
        return Math.round(millis * 1000) / 1000.0;
    }

    /** Nobody watches: stop following the event feed (the next sample catches up again). */
    public synchronized void pause() {
        tail.stop();
        lastSecondRead = 0;
    }

    /** The last events committed, oldest first. */
    public synchronized List<DomainEvent> recentEvents() {
        return List.copyOf(recent);
    }

    private void updateDrift(Sale sale, SaleState state) {
        if (state == SaleState.ENDED || state == SaleState.SCHEDULED) {
            drift.remove(sale.id());
            return;
        }
        try {
            drift.put(sale.id(), reconciliation.report(sale).drift());
        } catch (RuntimeException e) {
            log.debug("drift of sale {} unreadable: {}", sale.id(), e.toString());
        }
    }

    private List<DomainEvent> readEvents() {
        List<DomainEvent> fresh = new ArrayList<>();
        tail.read((e, past) -> {
            recent.addLast(e);
            if (recent.size() > EVENTS_KEPT) {
                recent.removeFirst();
            }
            if (!past) {
                fresh.add(e);
            }
        });
        return fresh.size() > EVENTS_KEPT ? fresh.subList(fresh.size() - EVENTS_KEPT, fresh.size()) : fresh;
    }
}
