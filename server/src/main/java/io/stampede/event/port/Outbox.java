package io.stampede.event.port;

import io.stampede.event.domain.DomainEvent;
import java.util.List;

/** The transactional outbox: events are written in the caller's transaction, with the change they describe. */
public interface Outbox {
    void append(List<DomainEvent> events);

    default void append(DomainEvent event) {
        append(List.of(event));
    }
}
