package io.stampede.event.domain;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Something that happened, as published: a unique id, a type such as {@code order.paid}, a schema version. */
public record DomainEvent(String id, String type, int version, Instant occurredAt, Map<String, Object> data) {
    public static final int VERSION = 1;

    public DomainEvent {
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }
}
