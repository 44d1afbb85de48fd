package io.stampede.bench;

import java.time.Duration;

/** A point in time after which the driver stops sending and stops waiting. */
public record Deadline(long atNanos) {

    /** A deadline {@code duration} from now. */
    public static Deadline in(Duration duration) {
        return new Deadline(System.nanoTime() + duration.toNanos());
    }

    /** The earlier of this deadline and one {@code duration} from now. */
    public Deadline within(Duration duration) {
        return new Deadline(Math.min(atNanos, System.nanoTime() + duration.toNanos()));
    }

    /** This deadline moved earlier by {@code duration}. */
    public Deadline minus(Duration duration) {
        return new Deadline(atNanos - duration.toNanos());
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, atNanos - System.nanoTime()));
    }

    public boolean expired() {
        return atNanos - System.nanoTime() <= 0;
    }
}
