package io.stampede.event.application;

import io.stampede.event.domain.DomainEvent;
import io.stampede.shared.Ids;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Builds the domain events of the contract. */
public final class Events {
    private Events() {}

    /** Pairs of name and value; a null value leaves its member out. */
    public static DomainEvent of(String type, Instant at, @Nullable Object... keyValues) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            Object value = keyValues[i + 1];
            if (value != null) {
                data.put(String.valueOf(keyValues[i]), value);
            }
        }
        return new DomainEvent(Ids.newId(), type, DomainEvent.VERSION, at, data);
    }
}
