package io.stampede.event.adapter.web;

import io.stampede.event.domain.DomainEvent;
import io.stampede.event.port.EventFeed;
import io.stampede.shared.web.ApiException;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/admin/events?after=}: the domain events in commit order, a page at a time. */
@RestController
class EventController {
    private static final int PAGE = 200;

    private final EventFeed feed;

    EventController(EventFeed feed) {
        this.feed = feed;
    }

    record FeedView(List<DomainEvent> items, String next) {}

    @GetMapping("/api/admin/events")
    FeedView events(@RequestParam(name = "after", required = false) String after) {
        long position = 0;
        if (after != null && !after.isEmpty()) {
            try {
                position = Long.parseLong(after);
            } catch (NumberFormatException e) {
                throw ApiException.validation("after must be a cursor returned as 'next'");
            }
            if (position < 0) {
                throw ApiException.validation("after must be a cursor returned as 'next'");
            }
        }
        feed.assignPositions(); // include what committed a moment ago
        EventFeed.Page page = feed.after(position, PAGE);
        return new FeedView(page.items(), Long.toString(page.next()));
    }
}
