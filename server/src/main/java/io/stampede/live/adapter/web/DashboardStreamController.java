package io.stampede.live.adapter.web;

import io.stampede.live.application.LiveDashboard;
import io.stampede.shared.web.PushChannels;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code GET /api/admin/stream}: the live dashboard, a frame a second while someone watches. */
@RestController
class DashboardStreamController {
    private static final Logger log = LoggerFactory.getLogger(DashboardStreamController.class);
    private static final String EVENT = "dashboard";

    private final LiveDashboard dashboard;
    private final PushChannels.Channel<String> operators;
    private final TaskScheduler scheduler;
    private volatile LiveDashboard.@Nullable Frame last;
    private volatile @Nullable ScheduledFuture<?> sampling;

    DashboardStreamController(LiveDashboard dashboard, PushChannels push, TaskScheduler scheduler) {
        this.dashboard = dashboard;
        this.scheduler = scheduler;
        this.operators = push.channel("dashboard");
    }

    @GetMapping(path = "/api/admin/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream() {
        LiveDashboard.Frame now = last;
        if (now == null) { // nobody watched: a sample now takes events from nobody else
            now = dashboard.sample();
            last = now;
        }
        // a new dashboard starts with the tail of the feed, not only what the other watchers have not seen yet
        return operators.open("all", EVENT, now.withEvents(dashboard.recentEvents()));
    }

    /**
     * Samples half a second into every second: the instances add their counts of a second at its end, so the
     * second just ended is complete by then, and each is read once.
     */
    @EventListener(ApplicationReadyEvent.class)
    void startSampling() {
        long now = scheduler.getClock().millis(); // the scheduler's own clock: it runs in real time
        Instant first = Instant.ofEpochMilli(now - Math.floorMod(now, 1000L) + 1500L);
        sampling = scheduler.scheduleAtFixedRate(this::push, first, Duration.ofSeconds(1));
    }

    @PreDestroy
    void stopSampling() {
        ScheduledFuture<?> s = sampling;
        if (s != null) {
            s.cancel(false);
        }
    }

    void push() {
        if (!operators.isWatched()) {
            last = null;
            dashboard.pause();
            return;
        }
        try {
            LiveDashboard.Frame frame = dashboard.sample();
            last = frame;
            operators.sendAll(EVENT, frame);
        } catch (RuntimeException e) { // the database or Redis is down: the dashboards wait for the next second
            log.warn("live dashboard not sampled: {}", e.toString());
        }
    }
}
