package io.stampede.event.application;

import io.stampede.event.domain.DomainEvent;
import io.stampede.shared.Ids;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the domain events of the contract. */
public final class Events {
    private Events() {
    }

    public static DomainEvent of(String type, Instant at, Object... keyValues) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                data.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        return new DomainEvent(Ids.newId(), type, DomainEvent.VERSION, at, data);
    }
}
