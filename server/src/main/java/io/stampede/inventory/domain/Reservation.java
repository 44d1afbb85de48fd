package io.stampede.inventory.domain;

/** What the gate decided for one purchase attempt: business outcomes are values, not exceptions. */
public sealed interface Reservation {
    /** Units were reserved for the new order by the gate built at {@code gateEpoch}. */
    record Reserved(String orderId, long gateEpoch) implements Reservation {}

    /** The user's idempotency key already belongs to this order. */
    record Duplicate(String orderId) implements Reservation {}

    record SoldOut() implements Reservation {}

    record LimitExceeded() implements Reservation {}

    /** Before the start or after the end of the sale window. */
    record NotActive() implements Reservation {}

    /** The gate holds no state for the sale (never built, or Redis lost it): rebuild it from the database. */
    record GateMissing() implements Reservation {}
}
