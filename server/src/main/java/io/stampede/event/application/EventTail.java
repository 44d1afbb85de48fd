package io.stampede.event.application;

import io.stampede.event.domain.DomainEvent;
import io.stampede.event.port.EventFeed;

/**
 * Follows the event feed from where it ends: each {@link #read} hands over the events committed since the one
 * before. The first read after creation or {@link #stop} catches up with the whole feed, handing its events over as
 * {@code past}, a page at a time.
 */
public final class EventTail {
    /** Takes one event; {@code past} when it was committed before the tail started following. */
    @FunctionalInterface
    public interface Reader {
        void event(DomainEvent event, boolean past);
    }

    private final EventFeed feed;
    private final int page;
    private long cursor = -1; // -1: not following; the next read catches up first

    public EventTail(EventFeed feed, int page) {
        this.feed = feed;
        this.page = page;
    }

    /** Hands every event committed since the last read to {@code reader}, oldest first. */
    public synchronized void read(Reader reader) {
        boolean past = cursor < 0;
        if (past) {
            cursor = 0;
        }
        for (EventFeed.Page p = feed.after(cursor, page); ; p = feed.after(cursor, page)) {
            for (DomainEvent e : p.items()) {
                reader.event(e, past);
            }
            cursor = p.next();
            if (p.items().size() < page) {
                return;
            }
        }
    }

    /** Stops following: the next read catches up again. */
    public synchronized void stop() {
        cursor = -1;
    }
}
