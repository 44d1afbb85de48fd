package io.stampede.event.port;

import io.stampede.event.domain.DomainEvent;
import java.util.List;

/** Reads committed events in the order they were committed. */
public interface EventFeed {
    /** A page of events after a position, and the position to continue from. */
    record Page(List<DomainEvent> items, long next) {}

    /** Gives positions to events committed since the last call; safe with several instances. */
    int assignPositions();

    Page after(long position, int limit);
}
