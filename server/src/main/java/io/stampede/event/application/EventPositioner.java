package io.stampede.event.application;

import io.stampede.event.port.EventFeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Keeps the event feed current: gives positions to newly committed events a few times a second. */
@Component
public class EventPositioner {
    private static final Logger log = LoggerFactory.getLogger(EventPositioner.class);

    private final EventFeed feed;

    public EventPositioner(EventFeed feed) {
        this.feed = feed;
    }

    @Scheduled(fixedDelayString = "${stampede.events.position-interval:200ms}")
    public void run() {
        try {
            feed.assignPositions();
        } catch (RuntimeException e) {
            log.warn("Could not position new events (retrying): {}", e.getMessage());
        }
    }
}
