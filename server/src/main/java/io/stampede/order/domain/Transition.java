package io.stampede.order.domain;

/** The result of asking an order to change state: business outcomes are values. */
public sealed interface Transition {
    /** The order changed; this is it afterwards. */
    record Done(Order order) implements Transition {}

    /** The order is not in a state that allows the change (or another change won the race). */
    record InvalidState(OrderStatus current) implements Transition {}

    /** No such order, or not the caller's. */
    record NotFound() implements Transition {}
}
