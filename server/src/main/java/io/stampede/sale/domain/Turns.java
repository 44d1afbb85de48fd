package io.stampede.sale.domain;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * How a sale's buyers get their turn: the access, the plan of its waiting room or its draw, and the proof of work
 * asked at joining or entering (a difficulty in leading zero bits, 0 for none).
 */
public record Turns(
        Access access, @Nullable Room room, @Nullable Draw draw, int proofOfWork) {
    public static final Turns OPEN = new Turns(Access.OPEN, null, null, 0);

    /**
     * A waiting room: joining from {@code opensAt}; joiners until {@code startsAt + randomizeFor} get random places,
     * later ones queue in order; places are let through at {@code admitPerSecond} from then (the operator may change
     * the rate live; this is the rate it was created with), each with a token valid for {@code admissionTtl}.
     */
    public record Room(Instant opensAt, int admitPerSecond, Duration randomizeFor, Duration admissionTtl) {}

    /** A draw: entries from {@code entriesOpenAt} until the sale's start, when the draw is made. */
    public record Draw(Instant entriesOpenAt) {}

    /** When the room starts letting shoppers through: the sale's start plus the randomized first seconds. */
    public Instant admissionStartsAt(Sale sale) {
        return room == null ? sale.startsAt() : sale.startsAt().plus(room.randomizeFor());
    }
}
