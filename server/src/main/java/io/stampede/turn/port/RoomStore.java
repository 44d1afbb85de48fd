package io.stampede.turn.port;

import io.stampede.sale.domain.Sale;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Where a sale's waiting room lives: shared by every instance, atomic per call. */
public interface RoomStore {
    /** Joins (or finds) the shopper's place; a shopper whose admission expired is queued again at the back. */
    Place join(Sale sale, String userId, Instant now, double randomScore);

    /** The shopper's place, handing out the admission when it has been reached; empty when not joined. */
    Optional<Place> status(Sale sale, String userId, Instant now);

    Figures figures(Sale sale, Instant now);

    /** Lets places through at a new rate from now on; those let through stay let through. */
    Figures setRate(Sale sale, int admitPerSecond, Instant now);

    /**
     * A shopper's place: its 0-based rank in the room's order, the places let through and joined so far, the rate,
     * when the place was let through (null while waiting), when it was joined, and whether it was shuffled.
     */
    record Place(
            boolean created,
            long rank,
            long admitted,
            long size,
            int admitPerSecond,
            @Nullable Instant admittedAt,
            Instant joinedAt,
            boolean randomized) {}

    /** Places let through so far, places taken, and the rate in force. */
    record Figures(long admitted, long size, int admitPerSecond) {
        /** Places let through that someone holds: the schedule may run ahead of the joins only before a clamp. */
        public long letThrough() {
            return Math.min(admitted, size);
        }

        /** Joined shoppers still behind the places let through. */
        public long waiting() {
            return Math.max(0, size - admitted);
        }
    }
}
